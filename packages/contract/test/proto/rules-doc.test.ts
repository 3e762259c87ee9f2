import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { PROTO_RULES } from "../../src/proto/index.js";

describe("protobuf rule registry", () => {
  it("has unique ids in the proto family, each with a summary and a rationale", () => {
    expect(new Set(PROTO_RULES.map((r) => r.id)).size).toBe(PROTO_RULES.length);
    for (const r of PROTO_RULES) {
      expect(r.id).toMatch(/^proto\.[a-z0-9-]+$/);
      expect(r.family).toBe("proto");
      expect(r.summary.length).toBeGreaterThan(10);
      expect(r.rationale.length).toBeGreaterThan(20);
    }
  });

  it("is documented rule by rule, at the same level", async () => {
    const doc = await readFile(new URL("../../docs/proto-and-tensor-rules.md", import.meta.url), "utf8");
    for (const r of PROTO_RULES)
      expect(doc).toContain(`| \`${r.id}\` | ${r.level} | ${r.summary} | ${r.rationale} |`);
  });
});
