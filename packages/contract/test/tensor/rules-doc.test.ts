import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { TENSOR_RULES } from "../../src/tensor/index.js";

describe("tensor rule registry", () => {
  it("has unique ids in the tensor family, each with a summary and a rationale", () => {
    expect(new Set(TENSOR_RULES.map((r) => r.id)).size).toBe(TENSOR_RULES.length);
    for (const r of TENSOR_RULES) {
      expect(r.id).toMatch(/^tensor\.[a-z0-9-]+$/);
      expect(r.family).toBe("tensor");
      expect(r.rationale.length).toBeGreaterThan(20);
    }
  });

  it("is documented rule by rule, at the same level", async () => {
    const doc = await readFile(new URL("../../docs/proto-and-tensor-rules.md", import.meta.url), "utf8");
    for (const r of TENSOR_RULES)
      expect(doc).toContain(`| \`${r.id}\` | ${r.level} | ${r.summary} | ${r.rationale} |`);
  });
});
