import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderRulesDoc } from "../src/rules/doc.js";
import { RULES, ruleOf } from "../src/rules/registry.js";

describe("OpenAPI and JSON Schema rule registry", () => {
  it("has unique, prefixed ids, each with a summary and a rationale", () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    const short = RULES.map((r) => r.id.slice(r.id.indexOf(".") + 1));
    expect(new Set(short).size, "engines name rules without prefix, so short ids must be unique too").toBe(
      short.length,
    );
    for (const r of RULES) {
      expect(r.id).toMatch(r.family === "openapi" ? /^openapi\.[a-z0-9-]+$/ : /^schema\.[a-z0-9-]+$/);
      expect(r.summary.length).toBeGreaterThan(10);
      expect(r.rationale.length).toBeGreaterThan(10);
    }
  });

  it("pairs request and response rules with the opposite judgement where widening and narrowing swap", () => {
    for (const [request, response] of [
      ["request-type-widened", "response-type-widened"],
      ["request-enum-value-added", "response-enum-value-added"],
      ["request-maximum-increased", "response-maximum-increased"],
      ["request-nullable-added", "response-nullable-added"],
    ] as const) {
      expect(ruleOf(request).level).toBe("safe");
      expect(ruleOf(response).level).not.toBe("safe");
    }
    expect(() => ruleOf("no-such-rule")).toThrow(/unknown contract rule/);
  });

  it("docs/rules.md is generated from the registry and current", async () => {
    const doc = await readFile(new URL("../docs/rules.md", import.meta.url), "utf8");
    expect(doc, "run `npx tsx packages/contract/scripts/rules-doc.ts`").toBe(renderRulesDoc(RULES));
  });
});
