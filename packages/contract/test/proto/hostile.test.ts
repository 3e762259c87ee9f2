import { isGateError } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROTO_LIMITS, diffProto, type ProtoSource, readProtoModel } from "../../src/proto/index.js";

const one = (text: string): ProtoSource => ({ files: [{ path: "h.proto", text }] });

/** Run `fn`, require a GateError, and return it with the time taken. */
function gateError(fn: () => unknown): { message: string; line?: number; ms: number } {
  const start = performance.now();
  try {
    fn();
  } catch (e) {
    if (!isGateError(e)) throw e;
    return {
      message: e.message,
      ...(e.location?.line !== undefined ? { line: e.location.line } : {}),
      ms: performance.now() - start,
    };
  }
  throw new Error("expected a GateError");
}

describe("hostile .proto input", () => {
  it("refuses messages nested deeper than protoc allows, at the line", () => {
    const depth = 40;
    const text = `syntax = "proto3";\n${Array.from({ length: depth }, (_, i) => `message M${i} {`).join("\n")}\n${"}".repeat(depth)}`;
    const err = gateError(() => readProtoModel(one(text)));
    expect(err.message).toBe(`h.proto nests deeper than ${DEFAULT_PROTO_LIMITS.maxDepth} levels`);
    expect(err.line).toBe(DEFAULT_PROTO_LIMITS.maxDepth + 2);
  });

  it("refuses deeply nested aggregate option values in bounded time", () => {
    const text = `syntax = "proto3";\noption (x) = ${"{ a ".repeat(100_000)}${"}".repeat(100_000)};\n`;
    const err = gateError(() => readProtoModel(one(text)));
    expect(err.message).toContain("nests deeper than");
    expect(err.ms).toBeLessThan(2000);
  });

  it("refuses a file over the size limit before parsing it", () => {
    const big = `syntax = "proto3";\n${"// padding padding padding padding\n".repeat(70_000)}message M {}`;
    const err = gateError(() => readProtoModel(one(big)));
    expect(err.message).toMatch(/^h\.proto is \d+ bytes, over the limit of 2097152 bytes/);
    expect(err.ms).toBeLessThan(200);
  });

  it("refuses too many declarations, too many files and too many bytes in total", () => {
    const fields = Array.from({ length: 50 }, (_, i) => `int32 f${i} = ${i + 1};`).join(" ");
    const text = `syntax = "proto3";\nmessage M { ${fields} }`;
    expect(gateError(() => readProtoModel(one(text), { maxDeclarations: 20 })).message).toBe(
      "h.proto declares more than 20 elements",
    );
    const files = Array.from({ length: 5 }, (_, i) => ({
      path: `f${i}.proto`,
      text: `syntax = "proto3"; message M${i} {}`,
    }));
    expect(gateError(() => readProtoModel({ files }, { maxFiles: 4 })).message).toBe(
      "5 .proto files, over the limit of 4",
    );
    expect(gateError(() => readProtoModel({ files }, { maxTotalBytes: 100 })).message).toMatch(
      /add up to \d+ bytes/,
    );
  });

  it("refuses binary content", () => {
    expect(gateError(() => readProtoModel(one('syntax = "proto3";\0message M {}'))).message).toBe(
      "h.proto is not a text file",
    );
  });

  it("refuses an unterminated string or comment with a location", () => {
    const err = gateError(() =>
      readProtoModel(one('syntax = "proto3";\nmessage M { string a = 1 [json_name = "oops]; }\n')),
    );
    expect(err.line).toBeGreaterThanOrEqual(2);
    const comment = gateError(() =>
      readProtoModel(one('syntax = "proto3";\nmessage M {}\n/* never closed\n')),
    );
    expect(comment.message).toContain("h.proto");
  });

  it("refuses a long import chain that loops, without deep recursion", () => {
    const n = 3000;
    const files = Array.from({ length: n }, (_, i) => ({
      path: `f${i}.proto`,
      text: `syntax = "proto3";\nimport "f${(i + 1) % n}.proto";\nmessage M${i} {}`,
    }));
    const err = gateError(() => readProtoModel({ files }, { maxFiles: n }));
    expect(err.message).toMatch(/^import cycle: f0\.proto → f1\.proto → .* → f0\.proto$/);
    expect(err.ms).toBeLessThan(5000);
  });

  it("diffs a large valid contract quickly", () => {
    const messages = Array.from(
      { length: 500 },
      (_, m) =>
        `message M${m} {\n${Array.from({ length: 10 }, (_, f) => `  ${f % 2 ? "string" : "int64"} field_${f} = ${f + 1};`).join("\n")}\n}`,
    );
    const text = `syntax = "proto3";\npackage big;\n${messages.join("\n")}\n`;
    const head = text.replace(
      "  int64 field_0 = 1;\n  string field_1 = 2;\n  int64 field_2 = 3;",
      "  int64 field_0 = 1;\n  string field_1 = 2;\n  int32 field_2 = 3;",
    );
    const start = performance.now();
    const changes = diffProto(one(text), one(head));
    const ms = performance.now() - start;
    expect(changes.map((c) => [c.rule, c.path])).toEqual([
      ["proto.field-type-changed-wire-compatible", "big.M0.field_2"],
    ]);
    expect(ms).toBeLessThan(10_000);
  });
});
