import { describe, expect, it } from "vitest";
import { diffSignatures, TENSOR_RULES } from "../../src/tensor/index.js";
import { signature, TENSOR_CASES } from "../corpus/tensor/cases.js";
import { mismatch } from "../proto/corpus-match.js";
import { verifyCounterExample } from "./counter-example-check.js";

describe("tensor signature change corpus", () => {
  it.each(TENSOR_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const base = signature(c.base);
    const head = signature(c.head);
    const changes = diffSignatures(base, head, {
      base: { source: { file: "base.yaml" } },
      head: { source: { file: "head.yaml" } },
    });
    expect(mismatch(changes, c.expect)).toBe("");
    for (const change of changes) {
      expect(change.group).toBe("model signature");
      expect(change.base?.file ?? change.head?.file).toBeTruthy();
      // Every breaking change carries a payload that really separates base from head.
      if (change.level === "breaking")
        expect([change.rule, verifyCounterExample(change, base, head)]).toEqual([change.rule, ""]);
    }
  });

  it("has at least 20 labelled pairs", () => {
    expect(TENSOR_CASES.length).toBeGreaterThanOrEqual(20);
  });

  it("exercises every tensor rule at its registered level", () => {
    const levels = new Map(TENSOR_RULES.map((r) => [r.id, r.level]));
    const covered = new Set(TENSOR_CASES.flatMap((c) => c.expect.map((e) => e[0])));
    expect(TENSOR_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
    for (const c of TENSOR_CASES)
      for (const [rule, level] of c.expect) expect([rule, levels.get(rule)]).toEqual([rule, level]);
  });
});
