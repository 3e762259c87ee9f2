/**
 * The gate's promise, checked by simulation at the level where the verdict is taken (estimate +
 * decide): same model twice (A/A) rarely fails, and a real two-point accuracy drop is caught.
 */
import { parseThreshold } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import type { MetricName } from "../src/metrics/index.js";
import { type EvalData, encodeClassification } from "../src/metrics/index.js";
import { decideAll } from "../src/paired/decide.js";
import { estimate, type Quantity } from "../src/paired/estimate.js";

function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Two classifiers on the same items: the candidate copies the baseline's outcome, then turns a
 * share of its right answers wrong (`breaks`) and of its wrong answers right (`fixes`).
 */
function pair(
  n: number,
  accuracy: number,
  breaks: number,
  fixes: number,
  rand: () => number,
): [EvalData, EvalData] {
  const labels: string[] = [];
  const base: string[] = [];
  const cand: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = rand() < 0.5 ? "a" : "b";
    const other = label === "a" ? "b" : "a";
    const baseRight = rand() < accuracy;
    const candRight = baseRight ? rand() >= breaks : rand() < fixes;
    labels.push(label);
    base.push(baseRight ? label : other);
    cand.push(candRight ? label : other);
  }
  const encoded = encodeClassification([...labels, ...labels], [...cand, ...base]);
  const half = (from: number): EvalData => ({
    ...encoded,
    label: encoded.label.subarray(from, from + n),
    prediction: encoded.prediction.subarray(from, from + n),
  });
  return [half(0), half(n)];
}

/** Fix rate that keeps the candidate's accuracy equal to the baseline's (an A/A comparison). */
const balancedFixes = (accuracy: number, breaks: number) => (breaks * accuracy) / (1 - accuracy);

function failRate(
  runs: number,
  gate: string,
  metric: MetricName,
  make: (rand: () => number) => [EvalData, EvalData],
  resamples = 300,
): number {
  const threshold = parseThreshold(gate);
  const rand = stream(12345);
  let failed = 0;
  for (let r = 0; r < runs; r++) {
    const [cand, base] = make(rand);
    const n = cand.kind === "classification" ? cand.label.length : 0;
    const e = estimate(metric, threshold.fn as Quantity, cand, base, n, {
      confidence: 0.95,
      resamples,
      seed: r + 1,
    });
    const [judgement] = decideAll([{ threshold, estimate: e }], 0.95);
    if (judgement?.decision === "fail") failed++;
  }
  return failed / runs;
}

/** Nominal rate plus three binomial standard errors of the simulation. */
const bound = (alpha: number, runs: number) => alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs);

describe("calibration of eval-gate's comparisons", () => {
  it("A/A on accuracy at a zero margin (exact McNemar): false fails stay within the one-sided 2.5% (1000 runs)", () => {
    const rate = failRate(1000, "delta(accuracy) >= 0", "accuracy", (rand) =>
      pair(1000, 0.85, 0.05, balancedFixes(0.85, 0.05), rand),
    );
    // A fail is evidence on one side only, so its nominal rate is half of 1 - confidence.
    expect(rate, `observed ${rate}`).toBeLessThanOrEqual(bound(0.025, 1000));
  });

  it("A/A on F1 (paired bootstrap): the false-fail rate stays within the nominal 5% (300 runs)", () => {
    const rate = failRate(
      300,
      "delta(f1) >= 0",
      "f1",
      (rand) => pair(400, 0.8, 0.1, balancedFixes(0.8, 0.1), rand),
      300,
    );
    expect(rate, `observed ${rate}`).toBeLessThanOrEqual(bound(0.05, 300));
  });

  it("a two-point accuracy drop at n = 5000 fails a half-point margin in at least 90% of runs", () => {
    const rate = failRate(300, "delta(accuracy) >= -0.005", "accuracy", (rand) =>
      pair(5000, 0.9, 0.02 / 0.9, 0, rand),
    );
    expect(rate, `observed ${rate}`).toBeGreaterThanOrEqual(0.9);
  });
});

describe("graded per-item scores", () => {
  const scores = (values: number[]): EvalData => ({ kind: "score", score: Float64Array.from(values) });

  it("uses the paired t interval on per-item differences", () => {
    // Differences 1..5: mean 3, standard error sqrt(2.5 / 5); t(0.975, 4) = 2.7764451051977987 (scipy.stats.t.ppf).
    const e = estimate("mean_score", "delta", scores([2, 4, 6, 8, 10]), scores([1, 2, 3, 4, 5]), 5, {
      confidence: 0.95,
      resamples: 100,
      seed: 1,
    });
    expect(e.method).toBe("paired t interval");
    expect(e.estimate).toBeCloseTo(3, 12);
    expect(e.low).toBeCloseTo(3 - 2.7764451051977987 * Math.sqrt(0.5), 9);
    expect(e.high).toBeCloseTo(3 + 2.7764451051977987 * Math.sqrt(0.5), 9);
  });

  it("A/A with heavy-tailed scores: the false-fail rate stays within the nominal 5% (1000 runs)", () => {
    const threshold = parseThreshold("delta(mean_score) >= 0");
    const rand = stream(99);
    // Student-t(2)-like tails: a normal divided by the root of an exponential.
    const heavy = () => {
      const u = Math.max(rand(), 1e-12);
      const v = Math.max(rand(), 1e-12);
      const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return normal / Math.sqrt(-Math.log(Math.max(rand(), 1e-12)));
    };
    let failed = 0;
    const runs = 1000;
    for (let r = 0; r < runs; r++) {
      const shared = Array.from({ length: 300 }, heavy);
      const cand = scores(shared.map((x) => x + heavy()));
      const base = scores(shared.map((x) => x + heavy()));
      const e = estimate("mean_score", "delta", cand, base, 300, {
        confidence: 0.95,
        resamples: 100,
        seed: r + 1,
      });
      if (decideAll([{ threshold, estimate: e }], 0.95)[0]?.decision === "fail") failed++;
    }
    expect(failed / runs, `observed ${failed / runs}`).toBeLessThanOrEqual(bound(0.05, runs));
  });
});
