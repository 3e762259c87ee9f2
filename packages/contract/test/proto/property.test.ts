import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffProto, type ProtoSource } from "../../src/proto/index.js";

const SCALARS = [
  "double",
  "float",
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "bool",
  "string",
  "bytes",
];
const MAP_KEYS = [
  "int32",
  "int64",
  "uint32",
  "uint64",
  "sint32",
  "sint64",
  "fixed32",
  "fixed64",
  "sfixed32",
  "sfixed64",
  "bool",
  "string",
];

interface GenField {
  name: string;
  number: number;
  type: string;
  label: "" | "repeated" | "optional" | "map";
  mapKey: string;
  oneof: boolean;
}
interface GenMessage {
  name: string;
  fields: GenField[];
}
interface GenProto {
  pkg: string;
  enums: { name: string; values: number[] }[];
  messages: GenMessage[];
  rpcs: { name: string; req: number; res: number; cs: boolean; ss: boolean }[];
}

const ident = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);

/** A random but valid proto3 file: enums, messages (with maps, oneofs, optional), a service. */
const protoArb: fc.Arbitrary<GenProto> = fc
  .record({
    pkg: fc.constantFrom("gen", "acme.v1", "inference"),
    enumCount: fc.integer({ min: 0, max: 2 }),
    messageCount: fc.integer({ min: 1, max: 4 }),
    seed: fc.infiniteStream(fc.nat()),
  })
  .chain(({ pkg, enumCount, messageCount }) => {
    const enumNames = Array.from({ length: enumCount }, (_, i) => `E${i}`);
    const messageNames = Array.from({ length: messageCount }, (_, i) => `M${i}`);
    const typeArb = fc.constantFrom(...SCALARS, ...enumNames, ...messageNames);
    const fieldsArb = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 8 }).chain((numbers) =>
      fc.tuple(
        ...numbers.map((number) =>
          fc.record({
            name: ident.map((s) => `f${number}_${s}`),
            number: fc.constant(number),
            type: typeArb,
            label: fc.constantFrom<GenField["label"]>("", "", "repeated", "optional", "map"),
            mapKey: fc.constantFrom(...MAP_KEYS),
            oneof: fc.boolean(),
          }),
        ),
      ),
    );
    return fc.record({
      pkg: fc.constant(pkg),
      enums: fc.tuple(
        ...enumNames.map((name) =>
          fc
            .uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 5 })
            .map((values) => ({ name, values: [0, ...values] })),
        ),
      ),
      messages: fc.tuple(...messageNames.map((name) => fieldsArb.map((fields) => ({ name, fields })))),
      rpcs: fc.uniqueArray(
        fc.record({
          name: ident.map((s) => `Do${s}`),
          req: fc.nat({ max: messageCount - 1 }),
          res: fc.nat({ max: messageCount - 1 }),
          cs: fc.boolean(),
          ss: fc.boolean(),
        }),
        { maxLength: 3, selector: (r) => r.name },
      ),
    });
  });

function renderField(f: GenField, comment: string): string {
  const head = f.label === "map" ? `map<${f.mapKey}, ${f.type}>` : f.label ? `${f.label} ${f.type}` : f.type;
  return `${head} ${f.name} = ${f.number};${comment}`;
}

/** Render a generated file; `style` varies order, spacing and comments without changing meaning. */
function render(p: GenProto, style = 0): string {
  const c = (text: string) => (style % 2 ? ` // ${text}` : "");
  const out = [`syntax = "proto3";`, `package ${p.pkg};`];
  for (const e of p.enums) {
    out.push(`enum ${e.name} {${e.values.map((v) => ` ${e.name}_V${v} = ${v};`).join("")} }`);
  }
  const messages = style % 3 === 2 ? [...p.messages].reverse() : p.messages;
  for (const m of messages) {
    // Only singular, non-optional fields can go in a oneof.
    const inOneof = m.fields.filter((f) => f.oneof && f.label === "");
    const plain = m.fields.filter((f) => !(f.oneof && f.label === ""));
    const body = plain.map((f) => `  ${renderField(f, c("field"))}`);
    if (inOneof.length > 0)
      body.push(`  oneof choice {\n${inOneof.map((f) => `    ${renderField(f, "")}`).join("\n")}\n  }`);
    out.push(`message ${m.name} {${c("message")}\n${(style % 2 ? [...body].reverse() : body).join("\n")}\n}`);
  }
  if (p.rpcs.length > 0) {
    const rpcs = p.rpcs.map(
      (r) =>
        `  rpc ${r.name}(${r.cs ? "stream " : ""}M${r.req}) returns (${r.ss ? "stream " : ""}M${r.res});`,
    );
    out.push(`service Svc {\n${rpcs.join("\n")}\n}`);
  }
  return out.join(style % 2 ? "\n\n" : "\n");
}

const source = (text: string): ProtoSource => ({ files: [{ path: "gen.proto", text }] });

describe("protobuf diff properties", () => {
  it("diff(X, X) is empty, however X is formatted", () => {
    fc.assert(
      fc.property(protoArb, fc.nat({ max: 5 }), (p, style) => {
        expect(diffProto(source(render(p)), source(render(p)))).toEqual([]);
        expect(diffProto(source(render(p)), source(render(p, style)))).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });

  it("renaming a field keeps every wire rule quiet and triggers the JSON rule", () => {
    const withField = protoArb.filter((p) => p.messages.some((m) => m.fields.length > 0));
    fc.assert(
      fc.property(withField, fc.nat(), fc.nat(), (p, mi, fi) => {
        const candidates = p.messages.filter((m) => m.fields.length > 0);
        const m = candidates[mi % candidates.length]!;
        const f = m.fields[fi % m.fields.length]!;
        const renamed: GenProto = {
          ...p,
          messages: p.messages.map((x) =>
            x === m
              ? { ...x, fields: x.fields.map((y) => (y === f ? { ...y, name: `x_${y.name}` } : y)) }
              : x,
          ),
        };
        const changes = diffProto(source(render(p)), source(render(renamed)));
        expect(changes.map((ch) => [ch.rule, ch.level, ch.path])).toEqual([
          ["proto.field-renamed", "dangerous", `${p.pkg}.${m.name}.x_${f.name}`],
        ]);
      }),
      { numRuns: 60 },
    );
  });

  it("removing a field is reported at that field, and only there", () => {
    const withField = protoArb.filter((p) => p.messages.some((m) => m.fields.length > 0));
    fc.assert(
      fc.property(withField, fc.nat(), fc.nat(), (p, mi, fi) => {
        const candidates = p.messages.filter((m) => m.fields.length > 0);
        const m = candidates[mi % candidates.length]!;
        const f = m.fields[fi % m.fields.length]!;
        const head: GenProto = {
          ...p,
          messages: p.messages.map((x) => (x === m ? { ...x, fields: x.fields.filter((y) => y !== f) } : x)),
        };
        const changes = diffProto(source(render(p)), source(render(head)));
        expect(changes.map((ch) => [ch.rule, ch.level, ch.path])).toEqual([
          ["proto.field-removed", "breaking", `${p.pkg}.${m.name}.${f.name}`],
        ]);
      }),
      { numRuns: 60 },
    );
  });

  it("random edits of the text yield changes or a GateError, never a crash, in bounded time", () => {
    const token = fc.constantFrom(
      "{",
      "}",
      ";",
      "=",
      "message X {",
      "enum E {",
      "oneof o {",
      "reserved 1 to max;",
      '"',
      "/*",
      "*/",
      "//",
      "\n",
      'import "gen.proto";',
      'import "../x.proto";',
      "map<",
      ">",
      "repeated",
      "optional",
      "required",
      "rpc R(M0) returns (M0);",
      "stream",
      "9999999999",
      "-1",
      "[default = 1]",
      '[json_name = "x"]',
      'syntax = "proto2";',
      'edition = "2023";',
      "package p;",
      "extend M0 { int32 e = 100; }",
      "group G = 1 {",
      "option (a) = { b: [1, 2] };",
      "\u0000",
      "é",
    );
    const edit = fc.record({
      at: fc.nat(),
      length: fc.nat({ max: 20 }),
      insert: fc.array(token, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(protoArb, fc.array(edit, { minLength: 1, maxLength: 4 }), (p, edits) => {
        const base = render(p);
        let text = base;
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert.join(" ") + text.slice(at + e.length);
        }
        const start = performance.now();
        try {
          const changes = diffProto(source(base), source(text));
          expect(Array.isArray(changes)).toBe(true);
          for (const ch of changes) expect(["breaking", "dangerous", "safe"]).toContain(ch.level);
        } catch (e) {
          if (!isGateError(e)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
        }
        expect(performance.now() - start).toBeLessThan(2000);
      }),
      { numRuns: 150 },
    );
  });
});
