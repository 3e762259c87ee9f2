import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ArmCounts,
  abFixedSample,
  abSampleSize,
  abSequential,
  newcombeDifference,
} from "../../src/compare/index.js";
import { normalCdf, normalQuantile } from "../../src/index.js";
import { Random } from "../random.js";

describe("abFixedSample", () => {
  it("reproduces Newcombe's (1998) published interval and SciPy's test", () => {
    // Newcombe, Stat Med 17:873, method 10: 56/70 − 48/80 → 0.0524 to 0.3339.
    // p-value: scipy.stats.chi2_contingency([[48, 32], [56, 14]], correction=False) (χ² = z²).
    const r = abFixedSample({ n: 80, conversions: 48 }, { n: 70, conversions: 56 });
    expect(r.rateA).toBe(0.6);
    expect(r.rateB).toBe(0.8);
    expect(r.effect).toBeCloseTo(0.2, 15);
    expect(r.relative).toBeCloseTo(1 / 3, 15);
    expect(r.low).toBeCloseTo(0.052431472402365065, 7);
    expect(r.high).toBeCloseTo(0.333872654036906, 7);
    expect(r.pValue).toBeCloseTo(0.008045081368196582, 8);
    expect(r.decision).toBe("b-better");
    // Newcombe's second example, 9/10 − 3/10 → 0.1705 to 0.8090.
    const small = newcombeDifference({ successes: 3, n: 10 }, { successes: 9, n: 10 });
    expect(small.low).toBeCloseTo(0.1705, 4);
    expect(small.high).toBeCloseTo(0.809, 4);
  });

  it("decides at the requested confidence, in either direction", () => {
    // scipy.stats.chi2_contingency([[1000, 9000], [1100, 8900]], correction=False): p = 0.021075189273797777.
    const a = { n: 10_000, conversions: 1000 };
    const b = { n: 10_000, conversions: 1100 };
    const r = abFixedSample(a, b);
    expect(r.pValue).toBeCloseTo(0.021075189273797777, 8);
    expect(r.decision).toBe("b-better");
    expect(r.low).toBeGreaterThan(0);
    expect(abFixedSample(b, a).decision).toBe("a-better");
    expect(abFixedSample(b, a).effect).toBeCloseTo(-0.01, 15);
    expect(abFixedSample(a, b, 0.99).decision).toBe("no-difference");
  });

  it("handles arms with no or all conversions", () => {
    const none = abFixedSample({ n: 100, conversions: 0 }, { n: 100, conversions: 0 });
    expect(none).toMatchObject({ effect: 0, relative: 0, pValue: 1, decision: "no-difference" });
    expect(none.low).toBeLessThan(0);
    expect(none.high).toBeGreaterThan(0);
    const all = abFixedSample({ n: 50, conversions: 50 }, { n: 60, conversions: 60 });
    expect(all.pValue).toBe(1);
    expect(abFixedSample({ n: 100, conversions: 0 }, { n: 100, conversions: 5 }).relative).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it("refuses impossible arms", () => {
    expect(() => abFixedSample({ n: 0, conversions: 0 }, { n: 1, conversions: 0 })).toThrow(/arm A n/);
    expect(() => abFixedSample({ n: 10, conversions: 11 }, { n: 10, conversions: 0 })).toThrow(
      /11 conversions/,
    );
    expect(() => abFixedSample({ n: 10, conversions: 1 }, { n: 10, conversions: -1 })).toThrow(
      /arm B conversions/,
    );
    expect(() => abFixedSample({ n: 10.5, conversions: 1 }, { n: 10, conversions: 1 })).toThrow(/arm A n/);
    expect(() => abFixedSample({ n: Number.NaN, conversions: 1 }, { n: 10, conversions: 1 })).toThrow(
      /arm A n/,
    );
    expect(() => abFixedSample(null as unknown as ArmCounts, { n: 10, conversions: 1 })).toThrow(
      /arm A is null/,
    );
    expect(() => abFixedSample({ n: 10, conversions: 1 }, { n: 10, conversions: 1 }, 95)).toThrow(
      /confidence/,
    );
  });

  it("has an interval around the effect and p-values in [0, 1] (property)", () => {
    const arm = fc
      .tuple(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([n, share]) => ({ n, conversions: Math.round(n * share) }));
    fc.assert(
      fc.property(arm, arm, (a, b) => {
        const r = abFixedSample(a, b);
        expect(r.low).toBeLessThanOrEqual(r.effect + 1e-12);
        expect(r.high).toBeGreaterThanOrEqual(r.effect - 1e-12);
        expect(r.low).toBeGreaterThanOrEqual(-1);
        expect(r.high).toBeLessThanOrEqual(1);
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(abFixedSample(b, a).pValue).toBeCloseTo(r.pValue, 12);
      }),
    );
  });
});

describe("abSampleSize", () => {
  it("matches the textbook figure and the formula's values", () => {
    // Fleiss' formula without continuity correction: 10% → 15% at α = 0.05, power 0.8 needs 686 per arm.
    expect(abSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.05 })).toBe(686);
    // Same formula in Python with scipy.stats.norm.ppf: 1093.74, 15464.65, 387.34 → rounded up.
    expect(abSampleSize({ baselineRate: 0.2, minimumDetectableEffect: 0.05 })).toBe(1094);
    expect(abSampleSize({ baselineRate: 0.05, minimumDetectableEffect: 0.01, alpha: 0.01, power: 0.9 })).toBe(
      15465,
    );
    expect(abSampleSize({ baselineRate: 0.5, minimumDetectableEffect: -0.1 })).toBe(388);
  });

  it("is the smallest n whose approximate power reaches the target (property)", () => {
    const power = (n: number, p1: number, delta: number, alpha: number) => {
      const p2 = p1 + delta;
      const mean = (p1 + p2) / 2;
      const null0 = Math.sqrt((2 * mean * (1 - mean)) / n);
      const alt = Math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / n);
      return normalCdf((Math.abs(delta) - normalQuantile(1 - alpha / 2) * null0) / alt);
    };
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.9, noNaN: true }),
        fc.double({ min: 0.005, max: 0.09, noNaN: true }),
        fc.constantFrom(0.01, 0.05, 0.1),
        fc.constantFrom(0.8, 0.9),
        (p1, delta, alpha, target) => {
          const n = abSampleSize({ baselineRate: p1, minimumDetectableEffect: delta, alpha, power: target });
          expect(power(n, p1, delta, alpha)).toBeGreaterThanOrEqual(target - 1e-6);
          if (n > 1) expect(power(n - 1, p1, delta, alpha)).toBeLessThan(target + 1e-6);
        },
      ),
    );
  });

  it("delivers the planned power in simulation", () => {
    const rng = new Random(7);
    const n = abSampleSize({ baselineRate: 0.1, minimumDetectableEffect: 0.05 });
    const experiments = 400;
    let detected = 0;
    for (let e = 0; e < experiments; e++) {
      let ca = 0;
      let cb = 0;
      for (let i = 0; i < n; i++) {
        ca += rng.bernoulli(0.1);
        cb += rng.bernoulli(0.15);
      }
      if (abFixedSample({ n, conversions: ca }, { n, conversions: cb }).decision === "b-better") detected++;
    }
    // 0.8 expected; binomial standard error 0.02.
    expect(detected / experiments).toBeGreaterThan(0.72);
    expect(detected / experiments).toBeLessThan(0.88);
  });

  it("refuses impossible plans", () => {
    expect(() => abSampleSize({ baselineRate: 0, minimumDetectableEffect: 0.1 })).toThrow(/baselineRate/);
    expect(() => abSampleSize({ baselineRate: 0.95, minimumDetectableEffect: 0.1 })).toThrow(/not a rate/);
    expect(() => abSampleSize({ baselineRate: 0.5, minimumDetectableEffect: 0 })).toThrow(/non-zero/);
    expect(() => abSampleSize({ baselineRate: 0.5, minimumDetectableEffect: Number.NaN })).toThrow(
      /non-zero/,
    );
    expect(() => abSampleSize({ baselineRate: 0.5, minimumDetectableEffect: 0.1, power: 1 })).toThrow(
      /power/,
    );
    expect(() => abSampleSize({ baselineRate: 0.5, minimumDetectableEffect: 0.1, alpha: 0 })).toThrow(
      /alpha/,
    );
    expect(() => abSampleSize({ baselineRate: 0.5, minimumDetectableEffect: 1e-12 })).toThrow(
      /more visitors/,
    );
  });
});

/** One simulated experiment read at every look; the first decision stops it. */
function runSequential(
  rng: Random,
  rates: { a: number; b: number },
  options: { looks: number; perLook: number; mixingVariance?: number },
): { decision: string; naiveRejected: boolean } {
  const a = { n: 0, conversions: 0 };
  const b = { n: 0, conversions: 0 };
  let naiveRejected = false;
  for (let look = 0; look < options.looks; look++) {
    for (let i = 0; i < options.perLook; i++) {
      a.conversions += rng.bernoulli(rates.a);
      b.conversions += rng.bernoulli(rates.b);
    }
    a.n += options.perLook;
    b.n += options.perLook;
    // The fixed-sample test misused the same way, for contrast.
    if (abFixedSample(a, b).pValue < 0.05) naiveRejected = true;
    const r = abSequential(
      a,
      b,
      options.mixingVariance === undefined ? {} : { mixingVariance: options.mixingVariance },
    );
    if (r.decision !== "continue") return { decision: r.decision, naiveRejected };
  }
  return { decision: "continue", naiveRejected };
}

describe("abSequential", () => {
  it("computes the mixture likelihood ratio and confidence sequence of the documented formula", () => {
    // Python, same formula: V = Σ p̃(1 − p̃)/n with p̃ = (x + ½)/(n + 1), τ² = 1e-4:
    // ln Λ = 1.3173411711027425, CS = (−0.003227031211867187, 0.02322703121186718).
    const r = abSequential(
      { n: 10_000, conversions: 1000 },
      { n: 10_000, conversions: 1100 },
      { mixingVariance: 1e-4 },
    );
    expect(r.pValue).toBeCloseTo(Math.exp(-1.3173411711027425), 10);
    expect(r.low).toBeCloseTo(-0.003227031211867187, 10);
    expect(r.high).toBeCloseTo(0.02322703121186718, 10);
    expect(r.effect).toBeCloseTo(0.01, 15);
    // Significant at a single fixed-horizon look (p = 0.021), not yet for a test valid at every look.
    expect(r.decision).toBe("continue");
    expect(r.mixingVariance).toBe(1e-4);
  });

  it("keeps the false-positive rate at alpha under continuous monitoring, where the naive test does not", () => {
    const rng = new Random(12345);
    const experiments = 300;
    let falseWinners = 0;
    let naive = 0;
    let fixedTauFalse = 0;
    for (let e = 0; e < experiments; e++) {
      const run = runSequential(rng, { a: 0.1, b: 0.1 }, { looks: 40, perLook: 250 });
      if (run.decision !== "continue") falseWinners++;
      if (run.naiveRejected) naive++;
      const fixed = runSequential(rng, { a: 0.1, b: 0.1 }, { looks: 40, perLook: 250, mixingVariance: 1e-4 });
      if (fixed.decision !== "continue") fixedTauFalse++;
    }
    // 40 peeks at a fixed-horizon test reject far more often than 5%…
    expect(naive / experiments).toBeGreaterThan(0.12);
    // …while the mSPRT stays within alpha (binomial standard error at 5%: 0.0126).
    expect(falseWinners / experiments).toBeLessThanOrEqual(0.05 + 0.025);
    expect(fixedTauFalse / experiments).toBeLessThanOrEqual(0.05 + 0.025);
  });

  it("finds a clear effect, in the right direction", () => {
    const rng = new Random(99);
    const outcomes = { "b-better": 0, "a-better": 0, continue: 0 } as Record<string, number>;
    const reversed = { "b-better": 0, "a-better": 0, continue: 0 } as Record<string, number>;
    for (let e = 0; e < 60; e++) {
      outcomes[runSequential(rng, { a: 0.1, b: 0.13 }, { looks: 40, perLook: 250 }).decision]!++;
      reversed[runSequential(rng, { a: 0.13, b: 0.1 }, { looks: 40, perLook: 250 }).decision]!++;
    }
    expect(outcomes["b-better"]! / 60).toBeGreaterThanOrEqual(0.9);
    expect(outcomes["a-better"]).toBe(0);
    expect(reversed["a-better"]! / 60).toBeGreaterThanOrEqual(0.9);
    expect(reversed["b-better"]).toBe(0);
  });

  it("decides exactly when the confidence sequence leaves 0 and the p-value reaches alpha (property)", () => {
    const arm = fc
      .tuple(fc.integer({ min: 1, max: 20_000 }), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([n, share]) => ({ n, conversions: Math.round(n * share) }));
    fc.assert(
      fc.property(arm, arm, fc.constantFrom(0.01, 0.05, 0.1), (a, b, alpha) => {
        const r = abSequential(a, b, { alpha });
        const excludesZero = r.low > 0 || r.high < 0;
        expect(r.decision !== "continue").toBe(excludesZero);
        expect(r.decision !== "continue").toBe(r.pValue <= alpha);
        if (r.decision === "b-better") expect(r.effect).toBeGreaterThan(0);
        if (r.decision === "a-better") expect(r.effect).toBeLessThan(0);
        expect(r.low).toBeLessThanOrEqual(r.effect);
        expect(r.high).toBeGreaterThanOrEqual(r.effect);
      }),
    );
  });

  it("waits while an arm has no visitors, and refuses bad settings", () => {
    expect(abSequential({ n: 0, conversions: 0 }, { n: 10, conversions: 3 })).toMatchObject({
      decision: "continue",
      pValue: 1,
      low: -1,
      high: 1,
    });
    const a = { n: 100, conversions: 10 };
    expect(() => abSequential(a, a, { alpha: 0 })).toThrow(/alpha/);
    expect(() => abSequential(a, a, { mixingVariance: -1 })).toThrow(/mixingVariance/);
    expect(() => abSequential(a, a, { mixingVariance: Number.NaN })).toThrow(/mixingVariance/);
    expect(() => abSequential(a, { n: 5, conversions: 6 })).toThrow(/6 conversions out of only 5/);
  });
});
