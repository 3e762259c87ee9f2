/**
 * The expression evaluator the workflow runner uses: GitHub's semantics for the idioms the reference
 * workflow relies on, clear errors for what it does not know, and properties over random input.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { condition, evaluate, interpolate, type Scope, type Value } from "./expressions.js";

const ROOT = resolve(import.meta.dirname, "../..");
const OPEN = "$" + "{{";

function scope(contexts: Record<string, Value> = {}, failed = false): Scope {
  return {
    contexts: {
      github: { event_name: "push", sha: "c".repeat(40), base_ref: "", run_id: "1" },
      env: { MODEL_DIR: "models/churn/" },
      steps: { gate: { outputs: { report: "/tmp/r.json", verdict: "fail" }, outcome: "failure" } },
      needs: { build: { result: "success", outputs: { image: "reg/churn@sha256:ab" } } },
      vars: {},
      secrets: {},
      ...contexts,
    },
    status: { success: !failed, failure: failed, cancelled: false },
  };
}

describe("expressions", () => {
  it("read context paths, with dashes, case-insensitively, and null for what is missing", () => {
    expect(evaluate("needs.build.outputs.image", scope())).toBe("reg/churn@sha256:ab");
    expect(evaluate("NEEDS.Build.Outputs.IMAGE", scope())).toBe("reg/churn@sha256:ab");
    expect(evaluate("needs.nope.outputs.image", scope())).toBeNull();
    expect(evaluate("steps['gate'].outputs.verdict", scope())).toBe("fail");
  });

  it("return values from && and ||, as the choose-a-value idiom needs", () => {
    const pick = "github.event_name == 'push' && 'eval-baseline' || ''";
    expect(evaluate(pick, scope())).toBe("eval-baseline");
    expect(evaluate(pick, scope({ github: { event_name: "pull_request" } }))).toBe("");
  });

  it("compare strings case-insensitively and other types as numbers", () => {
    expect(evaluate("'Push' == 'push'", scope())).toBe(true);
    expect(evaluate("'1' == 1", scope())).toBe(true);
    expect(evaluate("null == 0", scope())).toBe(true);
    expect(evaluate("3 < 10", scope())).toBe(true);
    expect(evaluate("'It''s'", scope())).toBe("It's");
  });

  it("evaluate functions", () => {
    expect(evaluate("format('release-pr-{0}', 7)", scope())).toBe("release-pr-7");
    expect(evaluate("contains('abc', 'B')", scope())).toBe(true);
    expect(evaluate("startsWith(needs.build.outputs.image, 'reg/')", scope())).toBe(true);
    expect(evaluate("fromJSON('[1,2]')[1]", scope())).toBe(2);
  });

  it("imply success() in conditions without a status function", () => {
    expect(condition("github.event_name == 'push'", scope())).toBe(true);
    expect(condition("github.event_name == 'push'", scope({}, true))).toBe(false);
    expect(condition("always() && steps.gate.outputs.report != ''", scope({}, true))).toBe(true);
    expect(condition(`${OPEN} failure() }}`, scope({}, true))).toBe(true);
    expect(condition(undefined, scope({}, true))).toBe(false);
  });

  it("paste values into text as the runner does", () => {
    expect(interpolate(`${OPEN} env.MODEL_DIR }}model.onnx`, scope())).toBe("models/churn/model.onnx");
    expect(interpolate(`a=${OPEN} 1 == 1 }} b=${OPEN} null }}.`, scope())).toBe("a=true b=.");
  });

  it("refuse what they do not know, saying which expression", () => {
    expect(() => evaluate("hashFiles('x')", scope())).toThrow(/unknown function hashFiles/);
    expect(() => evaluate("nope.x", scope())).toThrow(/unknown context "nope"/);
    expect(() => evaluate("'open", scope())).toThrow(/unterminated string/);
    expect(() => evaluate("a ; b", scope())).toThrow(/unexpected ";"/);
    expect(() => evaluate("x".repeat(5000), scope())).toThrow(/longer than 4096/);
    expect(() => evaluate("(".repeat(100), scope())).toThrow(/nested too deeply|ends too early/);
  });

  it("understand every expression of the reference release workflow", async () => {
    const text = await readFile(join(ROOT, "workflows-examples/release.yml"), "utf8");
    const expressions = [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => (m[1] ?? "").trim());
    expect(expressions.length).toBeGreaterThan(50);
    const all = scope({ runner: { temp: "/tmp" }, job: {} });
    for (const expression of expressions) expect(() => evaluate(expression, all), expression).not.toThrow();
  });

  it("round-trip any string literal", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => evaluate(`'${s.replace(/'/g, "''")}'`, scope()) === s),
    );
  });

  it("agree with JavaScript on boolean logic and number comparisons", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.integer(), fc.integer(), (a, b, x, y) => {
        const s = scope();
        return (
          evaluate(`${a} && ${b}`, s) === (a && b) &&
          evaluate(`${a} || ${b}`, s) === (a || b) &&
          evaluate(`!(${a})`, s) === !a &&
          evaluate(`${x} < ${y}`, s) === x < y &&
          evaluate(`${x} >= ${y}`, s) === x >= y
        );
      }),
    );
  });

  it("either answer or throw an Error on arbitrary input, never hang or crash otherwise", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          evaluate(text, scope());
        } catch (error) {
          return error instanceof Error;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
});
