import { isGateError } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import { diffProto, type ProtoSource, readProtoModel } from "../../src/proto/index.js";

const one = (text: string, path = "a.proto"): ProtoSource => ({ files: [{ path, text }] });

/** The GateError a read throws (failing the test if it throws anything else, or nothing). */
function errorOf(source: ProtoSource): { message: string; file?: string; line?: number; hint?: string } {
  try {
    readProtoModel(source);
  } catch (e) {
    if (!isGateError(e)) throw e;
    return {
      message: e.message,
      ...(e.location?.file ? { file: e.location.file } : {}),
      ...(e.location?.line !== undefined ? { line: e.location.line } : {}),
      ...(e.hint ? { hint: e.hint } : {}),
    };
  }
  throw new Error("expected a GateError");
}

describe("reading .proto files", () => {
  it("points a syntax error at its file and line", () => {
    const err = errorOf(
      one('syntax = "proto3";\npackage t;\nmessage M {\n  int32 x = 1\n}\n', "api/m.proto"),
    );
    expect(err.file).toBe("api/m.proto");
    expect(err.line).toBe(5);
    expect(err.message).toMatch(/^cannot parse api\/m\.proto: illegal token '}'/);
  });

  it("names the field that refers to an undefined type, at its line", () => {
    const err = errorOf(
      one('syntax = "proto3";\npackage t;\nmessage M {\n  int32 x = 1;\n  Missing y = 2;\n}\n'),
    );
    expect(err).toMatchObject({ file: "a.proto", line: 5 });
    expect(err.message).toContain("t.M.y refers to a type that is not defined");
    expect(err.hint).toContain("Missing");
  });

  it("refuses an unknown syntax", () => {
    expect(errorOf(one('syntax = "proto5";\nmessage M {}')).message).toContain('unknown syntax "proto5"');
  });

  it("refuses a missing import at the import line", () => {
    const err = errorOf(one('syntax = "proto3";\nimport "other/types.proto";\nmessage M {}'));
    expect(err).toMatchObject({ file: "a.proto", line: 2 });
    expect(err.message).toContain('imports "other/types.proto", which is not among the .proto files');
  });

  it("accepts a weak import that is missing", () => {
    expect(
      readProtoModel(one('syntax = "proto3";\nimport weak "other/types.proto";\nmessage M {}')).messages.has(
        "M",
      ),
    ).toBe(true);
  });

  it("refuses imports that climb out of the import root or are absolute", () => {
    const up = errorOf(one('syntax = "proto3";\nimport "../secrets/x.proto";\nmessage M {}'));
    expect(up).toMatchObject({ line: 2 });
    expect(up.message).toContain("escapes the import root");
    const nested = errorOf(one('syntax = "proto3";\nimport "a/../../x.proto";\nmessage M {}'));
    expect(nested.message).toContain("escapes the import root");
    expect(errorOf(one('syntax = "proto3";\nimport "/etc/x.proto";\nmessage M {}')).message).toContain(
      "not relative to the import root",
    );
  });

  it("refuses files whose own path escapes the root", () => {
    expect(errorOf(one('syntax = "proto3";', "../a.proto")).message).toContain("escapes the import root");
  });

  it("refuses import cycles, naming the chain", () => {
    const err = errorOf({
      files: [
        { path: "a.proto", text: 'syntax = "proto3";\nimport "b.proto";\nmessage A {}' },
        { path: "b.proto", text: 'syntax = "proto3";\nimport "c.proto";\nmessage B {}' },
        { path: "c.proto", text: 'syntax = "proto3";\n\nimport "a.proto";\nmessage C {}' },
      ],
    });
    expect(err.message).toBe("import cycle: a.proto → b.proto → c.proto → a.proto");
    expect(err).toMatchObject({ file: "c.proto", line: 3 });
    expect(errorOf(one('syntax = "proto3";\nimport "a.proto";\nmessage A {}')).message).toBe(
      "import cycle: a.proto → a.proto",
    );
  });

  it("names the file of a duplicate definition", () => {
    const err = errorOf({
      files: [
        { path: "a.proto", text: 'syntax = "proto3";\npackage t;\nmessage A {}' },
        { path: "b.proto", text: 'syntax = "proto3";\npackage t;\nmessage A {}' },
      ],
    });
    expect(err.file).toBe("b.proto");
    expect(err.message).toContain("duplicate name 'A'");
  });

  it("resolves well-known types, custom options and HTTP annotations from the bundled files", () => {
    const model = readProtoModel(
      one(`syntax = "proto3";
package t;
import "google/protobuf/any.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/struct.proto";
import "google/protobuf/empty.proto";
import "google/protobuf/descriptor.proto";
import "google/api/annotations.proto";
extend google.protobuf.FieldOptions { string unit = 50001; }
message M {
  google.protobuf.Any payload = 1;
  google.protobuf.FloatValue temperature = 2 [(unit) = "kelvin"];
  google.protobuf.Struct extra = 3;
}
service S {
  rpc Get(M) returns (google.protobuf.Empty) {
    option (google.api.http) = { post: "/v2/models/{name}/infer" body: "*" };
  }
}
`),
    );
    expect(model.messages.get("t.M")!.fields.map((f) => f.type.name)).toEqual([
      "google.protobuf.Any",
      "google.protobuf.FloatValue",
      "google.protobuf.Struct",
    ]);
    expect(model.services.get("t.S")!.methods[0]).toMatchObject({
      responseType: "google.protobuf.Empty",
      location: { line: 16 },
    });
    // Bundled declarations are not part of the contract being compared.
    expect([...model.messages.keys()]).toEqual(["t.M"]);
  });

  it("reads editions files and proto2 groups, extensions and defaults", () => {
    const editions = readProtoModel(
      one(
        'edition = "2023";\npackage e;\nmessage M {\n  int32 a = 1;\n  int32 b = 2 [features.field_presence = IMPLICIT];\n}',
      ),
    );
    expect(editions.files.get("a.proto")!.syntax).toBe("edition 2023");
    expect(editions.messages.get("e.M")!.fields.map((f) => [f.name, f.presence, f.location.line])).toEqual([
      ["a", "explicit", 4],
      ["b", "implicit", 5],
    ]);
    const proto2 = readProtoModel(
      one(`syntax = "proto2";
package p;
message M {
  optional int32 x = 1 [default = 7];
  optional group Result = 2 {
    optional string url = 1;
  }
  extensions 100 to 199;
}
extend M { optional string note = 100; }
`),
    );
    const m = proto2.messages.get("p.M")!;
    expect(m.fields.map((f) => [f.name, f.number, f.delimited, f.defaultValue, f.location.line])).toEqual([
      ["x", 1, false, "7", 4],
      ["result", 2, true, undefined, 5],
    ]);
    expect(proto2.messages.get("p.M.Result")!.location.line).toBe(5);
    expect(proto2.enums.size).toBe(0);
  });

  it("keeps lines right around comments, strings with braces and aggregate options", () => {
    const text = `syntax = "proto3";
package t;
/* message Fake { int32 z = 9; } */
message M {
  // int32 commented = 3;
  string a = 1 [json_name = "a{b"];
  option (x) = { y: "}" z { w: 1 } };
  string b = 2;
  enum E {
    E0 = 0;
    E1 = 1 [deprecated = true];
  }
}
`;
    const model = readProtoModel(one(text));
    expect(model.messages.get("t.M")!.fields.map((f) => [f.name, f.location.line])).toEqual([
      ["a", 6],
      ["b", 8],
    ]);
    expect(model.enums.get("t.M.E")!.values.map((v) => [v.name, v.location.line])).toEqual([
      ["E0", 10],
      ["E1", 11],
    ]);
  });

  it("diffing reports parse errors of either side", () => {
    const good = one('syntax = "proto3";\nmessage M {}');
    const bad = one('syntax = "proto3";\nmessage M {');
    expect(() => diffProto(good, bad)).toThrow(/cannot parse a\.proto/);
    expect(() => diffProto(bad, good)).toThrow(/cannot parse a\.proto/);
  });

  it("accepts a byte-order mark at the start of a file", () => {
    const model = readProtoModel(one('\uFEFFsyntax = "proto3";\npackage t;\nmessage M { int32 a = 1; }'));
    expect(model.messages.get("t.M")!.fields[0]!.location.line).toBe(3);
  });

  it("refuses an empty source and a path listed twice", () => {
    expect(errorOf({ files: [] }).message).toBe("no .proto files to compare");
    const twice = errorOf({ files: [one("").files[0]!, { path: "./a.proto", text: "" }] });
    expect(twice.message).toContain("listed twice");
  });
});
