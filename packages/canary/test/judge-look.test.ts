import { parseThresholds } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import { CANARY_FUNCTIONS, type JudgeSettings, judgeLook, MetricTrack } from "../src/index.js";
import { spec } from "./fakes.js";
import { Random } from "./random.js";

const settings = (gates: string[] = []): JudgeSettings => ({
  alpha: 0.01,
  tauSd: 0.25,
  thresholds: parseThresholds(gates, { functions: CANARY_FUNCTIONS }),
  psiLimit: 0.2,
  ksLimit: 0.1,
});

function track(name: string, candidate: number[], baseline: number[], fields = {}) {
  const t = new MetricTrack(spec(name, fields));
  t.add({ candidate, baseline });
  return t;
}

describe("one look", () => {
  const rng = new Random(9);
  const same = () => Array.from({ length: 200 }, () => rng.lognormal(Math.log(50), 0.3));

  it("holds each step's aggregates to the thresholds, with delta and ratio against the baseline", () => {
    const look = judgeLook(
      [track("p95", same(), same())],
      settings(["p95 < 1s", "ratio(p95) <= 1.5", "warn: p95 < 1ms"]),
      { endOfStep: false, guard: false },
    );
    expect(look.checks.map((c) => c.status)).toEqual(["pass", "pass", "warn"]);
    expect(look.failure).toBeUndefined();
    expect(look.warnings).toEqual([expect.stringMatching(/^p95 is [\d.]+ms, limit < 1ms$/)]);
    expect(look.metrics.p95).toMatchObject({ dimension: "time" });
    expect(look.short).toEqual([]);
  });

  it("waits for enough samples instead of judging a handful", () => {
    const look = judgeLook([track("p95", [900, 950], [10, 11])], settings(["p95 < 100ms"]), {
      endOfStep: true,
      guard: false,
    });
    expect(look.short).toEqual(["p95"]);
    expect(look.checks).toEqual([
      { name: "p95 < 100ms", status: "skip", expected: "< 100ms", message: 'no metric named "p95"' },
    ]);
    expect(look.evaluations[0]).toMatchObject({
      test: "sequential",
      status: "pending",
      message: "waiting for 20 samples per side",
    });
    expect(look.failure).toBeUndefined();
  });

  it("after the promotion, judges the candidate alone when the baseline has no traffic left", () => {
    const look = judgeLook([track("p95", same(), [])], settings(["p95 < 1s", "ratio(p95) <= 1.5"]), {
      endOfStep: true,
      guard: true,
    });
    expect(look.short).toEqual([]);
    expect(look.checks.map((c) => c.status)).toEqual(["pass", "skip"]);
  });

  it("applies Holm across the metrics compared at one look", () => {
    const worse = same().map((v) => v * 1.3);
    const look = judgeLook([track("a", worse, same()), track("b", same(), same())], settings(), {
      endOfStep: false,
      guard: false,
    });
    const [a, b] = look.evaluations;
    // Two p-values: the smaller is doubled, the larger kept (but never below the smaller's adjustment).
    expect(a!.p!).toBeLessThan(b!.p!);
    expect(a!.pAdjusted).toBeCloseTo(2 * a!.p!, 12);
    expect(b!.pAdjusted).toBeCloseTo(Math.min(1, Math.max(2 * a!.p!, b!.p!)), 12);
    expect(look.failure?.metric).toBe("a");
    expect(look.failure?.message).toMatch(
      /^a: the candidate is [23]\d(\.\d+)?% above the baseline \(sequential test of geometric means, 99% interval/,
    );
  });

  it("judges a prediction shift by PSI at every look and KS at the end of a step, and offers psi() to thresholds", () => {
    const scores = Array.from({ length: 300 }, () => rng.uniform());
    const shifted = scores.map((s) => Math.min(1, s + 0.4));
    const shiftSpec = { compare: "shift", scale: "linear", dimension: "none", aggregate: "mean" } as const;
    const look = judgeLook([track("score", shifted, scores, shiftSpec)], settings(), {
      endOfStep: false,
      guard: false,
    });
    expect(look.failure).toEqual({
      metric: "score",
      rule: "PSI <= 0.2",
      message: expect.stringMatching(/^score shifted: PSI [\d.]+ against the baseline \(limit 0\.2\)$/),
    });
    expect(look.evaluations.map((e) => e.test)).toEqual(["psi"]);

    const calm = judgeLook(
      [track("score", scores, scores, shiftSpec)],
      settings(["psi(score) < 0.1", "ks(score) < 0.05"]),
      { endOfStep: true, guard: false },
    );
    expect(calm.failure).toBeUndefined();
    expect(calm.evaluations.map((e) => `${e.test} ${e.status} ${e.statistic}`)).toEqual([
      "psi pass 0",
      "ks pass 0",
    ]);
    expect(calm.checks.map((c) => `${c.name} ${c.status} ${c.actual}`)).toEqual([
      "psi(score) < 0.1 pass 0",
      "ks(score) < 0.05 pass 0",
    ]);
  });

  it("reports error rates as differences in points, since their baseline is often zero", () => {
    const zeros = Array(400).fill(0);
    const some = zeros.map((_, i) => (i % 10 === 0 ? 1 : 0));
    const look = judgeLook(
      [
        track("errors", some, zeros, {
          kind: "binary",
          scale: "linear",
          dimension: "ratio",
          aggregate: "mean",
          tolerance: 0,
        }),
      ],
      settings(),
      { endOfStep: false, guard: false },
    );
    expect(look.failure?.message).toMatch(
      /^errors: the candidate is 10 percentage points above the baseline \(sequential test of rates, 99% interval \+[\d.]+ pp to \+[\d.]+ pp, p = /,
    );
  });
});
