import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ChangeCollector, type PairRecord } from "../src/rules/collector.js";
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

describe("groups through shared schemas", () => {
  it("reach every record below them, through cycles", () => {
    const rec = (groups: string[] = []): PairRecord => ({ groups: new Set(groups), parents: new Set() });
    const postA = rec(["POST /a"]);
    const getB = rec(["GET /b"]);
    const shared = rec();
    const loop = rec();
    const alone = rec(["GET /c"]);
    shared.parents.add(postA).add(getB);
    // A recursive schema: the shared record and its child point at each other.
    loop.parents.add(shared);
    shared.parents.add(loop);
    const groups = ChangeCollector.groupsOf([shared, loop, alone, postA]);
    expect(groups.get(loop)).toEqual(["POST /a", "GET /b"]);
    expect(groups.get(shared)).toEqual(["POST /a", "GET /b"]);
    expect(groups.get(alone)).toEqual(["GET /c"]);
    expect(groups.get(postA)).toEqual(["POST /a"]);
  });
});
