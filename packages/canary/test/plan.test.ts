import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildPlan,
  describePlan,
  formatSteps,
  MAX_STEPS,
  parseSteps,
  type WrittenStep,
} from "../src/index.js";

describe("parseSteps", () => {
  it("reads the compact plan", () => {
    expect(parseSteps("5% 5m, 25% 10m, 50% 10m, 100%", "--steps")).toEqual([
      { weight: 5, bakeMs: 300_000 },
      { weight: 25, bakeMs: 600_000 },
      { weight: 50, bakeMs: 600_000 },
      { weight: 100 },
    ]);
    expect(parseSteps(" 0.5% for 90s -> 12.5%2m→100% 10m ", "x")).toEqual([
      { weight: 0.5, bakeMs: 90_000 },
      { weight: 12.5, bakeMs: 120_000 },
      { weight: 100, bakeMs: 600_000 },
    ]);
  });

  it.each([
    ["", "no steps at column 1"],
    ["5 5m, 100%", 'expected "%" after the weight at column 2'],
    ["5% 5x, 100%", "expected a time unit (ms, s, m, h) after the number at column 5"],
    ["5% 5mins, 100%", "expected a time unit (ms, s, m, h) after the number at column 5"],
    ["5% 5m; 100%", 'expected "," between steps, found ";" at column 6'],
    ["5% 5m,", "expected a step after the separator at column 7"],
    ["150%", "weight 150% is out of range (above 0%, at most 100%) at column 1"],
    ["0%", "weight 0% is out of range (above 0%, at most 100%) at column 1"],
    ["5% 25h, 100%", "a bake time is at most 24h at column 4"],
    ["5% for, 100%", "expected a duration such as 5m or 30s at column 4"],
  ])("refuses %j: %s", (text, reason) => {
    expect(() => parseSteps(text, "--steps")).toThrow(reason);
  });

  it("points a caret at the fault", () => {
    try {
      parseSteps("5% 5m, 25 10m", "--steps");
      expect.unreachable();
    } catch (e) {
      expect((e as GateError).message.split("\n").slice(1)).toEqual(["  5% 5m, 25 10m", "           ^"]);
      expect((e as GateError).hint).toMatch(/^write steps as WEIGHT% DURATION/);
    }
  });

  it("refuses too many steps and too much text", () => {
    const many = Array.from({ length: MAX_STEPS + 1 }, (_, i) => `${i + 1}% 1s`).join(", ");
    expect(() => parseSteps(many, "x")).toThrow(`more than ${MAX_STEPS} steps`);
    expect(() => parseSteps("5% 1s, ".repeat(400), "x")).toThrow("the limit is 2000");
  });

  const step = fc.record({
    weight: fc.integer({ min: 1, max: 10_000 }).map((w) => w / 100),
    bakeMs: fc.option(
      fc.integer({ min: 1, max: 86_400 }).map((s) => s * 1000),
      { nil: undefined },
    ),
  });

  it("reads back what formatSteps writes", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => {
        const written = steps.map((s): WrittenStep => (s.bakeMs === undefined ? { weight: s.weight } : s));
        expect(parseSteps(formatSteps(written), "x")).toEqual(written);
      }),
    );
  });

  it("answers any text with steps or a GateError, quickly", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300, unit: fc.constantFrom(..."0123456789.% ,mshfor->→x\t") }),
        (text) => {
          const started = performance.now();
          try {
            const steps = parseSteps(text, "x");
            for (const s of steps) expect(s.weight > 0 && s.weight <= 100).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(GateError);
          }
          expect(performance.now() - started).toBeLessThan(250);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("buildPlan", () => {
  const steps = parseSteps("5% 5m, 25% 10m, 100% 10m", "x");

  it("scales every duration and takes the final step's duration as the guard window", () => {
    const plan = buildPlan({ steps, where: "x", timeScale: 0.01 });
    expect(plan.steps).toEqual([
      { weight: 5, bakeMs: 3000 },
      { weight: 25, bakeMs: 6000 },
      { weight: 100, bakeMs: 0 },
    ]);
    expect(plan.guardMs).toBe(6000);
    // A quarter of the shortest step, at most a minute, then scaled.
    expect(plan.intervalMs).toBe(600);
    expect(plan.policy).toEqual({
      metric: "rollback",
      "no-data": "rollback",
      provider: "rollback",
      router: "rollback",
    });
    expect(describePlan(plan)).toBe("5% 3s, 25% 6s, 100% + 6s guard");
    expect(buildPlan({ steps: parseSteps("5% 2s, 100%", "x"), where: "x" }).intervalMs).toBe(500);
  });

  it("takes policies for all classes or per class", () => {
    expect(buildPlan({ steps, where: "x", policy: "pause" }).policy.router).toBe("pause");
    expect(buildPlan({ steps, where: "x", policy: { "no-data": "hold" } }).policy).toEqual({
      metric: "rollback",
      "no-data": "hold",
      provider: "rollback",
      router: "rollback",
    });
  });

  it.each([
    ["25% 1m, 10% 1m, 100%", {}, "step 2 (10%) does not raise the weight above step 1 (25%)"],
    ["5% 1m, 50% 1m", {}, "ends at 50%, not 100%"],
    ["5%, 100%", {}, "step 1 (5%) has no bake time"],
    ["5% 1m, 100% 5m", { guardMs: 1000 }, "gives the 100% step a duration and a separate guard window"],
    ["5% 1m, 100%", { intervalMs: 120_000 }, "the analysis interval is longer than the shortest step"],
    ["5% 1m, 100%", { timeScale: 0 }, "time-scale 0 is out of range"],
    ["5% 1m, 100%", { maxProviderFailures: 0 }, "provider-failures 0 must be a whole number from 1 to 100"],
  ])("refuses %s %j", (text, extra, message) => {
    expect(() => buildPlan({ steps: parseSteps(text, "x"), where: "canary.steps", ...extra })).toThrow(
      message,
    );
  });
});
