/** Invariants of the statistics module, checked on generated inputs. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  binomialPmf,
  binomialTestTwoSided,
  bootstrapCounts,
  createRng,
  holmAdjust,
  normalCdf,
  normalQuantile,
  pairedBootstrap,
  pairedProportionDifferenceInterval,
  signFlipPermutationTest,
  studentTCdf,
  studentTQuantile,
  wilcoxonSignedRank,
  wilsonInterval,
} from "../src/stats/index.js";

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const degreesOfFreedom = fc.oneof(finite(0.2, 5), finite(5, 1000), finite(1000, 1e7));
const confidence = finite(0.5, 0.999);
const seed = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });

describe("distribution functions", () => {
  it("normalCdf is monotone and within [0, 1]", () => {
    fc.assert(
      fc.property(finite(-50, 50), finite(-50, 50), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const [p, q] = [normalCdf(lo), normalCdf(hi)];
        expect(p).toBeGreaterThanOrEqual(0);
        expect(q).toBeLessThanOrEqual(1);
        expect(p).toBeLessThanOrEqual(q);
      }),
    );
  });

  it("studentTCdf is monotone in t and within [0, 1]", () => {
    fc.assert(
      fc.property(finite(-1e4, 1e4), finite(-1e4, 1e4), degreesOfFreedom, (a, b, df) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const [p, q] = [studentTCdf(lo, df), studentTCdf(hi, df)];
        expect(p).toBeGreaterThanOrEqual(0);
        expect(q).toBeLessThanOrEqual(1);
        expect(p).toBeLessThanOrEqual(q);
      }),
    );
  });

  it("normalQuantile inverts normalCdf", () => {
    // Above +5 the CDF is 1 - (a few ulps) and no longer determines x; the lower tail is exact.
    fc.assert(
      fc.property(finite(-37, 5), (x) => {
        expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(x)),
        );
      }),
    );
  });

  it("studentTQuantile inverts studentTCdf", () => {
    fc.assert(
      fc.property(finite(-60, 3), degreesOfFreedom, (t, df) => {
        const p = studentTCdf(t, df);
        fc.pre(p > 1e-300); // subnormal probabilities carry too few digits to invert
        expect(Math.abs(studentTQuantile(p, df) - t)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(t)));
      }),
    );
  });

  it("binomialPmf sums to 1 and the two-sided test is a probability, symmetric at p = 1/2", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), finite(0, 1), (n, p) => {
        let total = 0;
        for (let k = 0; k <= n; k++) total += binomialPmf(k, n, p);
        expect(Math.abs(total - 1)).toBeLessThan(1e-12);
        const k = Math.floor(n * p);
        const pValue = binomialTestTwoSided(k, n, p);
        expect(pValue).toBeGreaterThan(0);
        expect(pValue).toBeLessThanOrEqual(1);
        expect(binomialTestTwoSided(k, n, 0.5)).toBeCloseTo(binomialTestTwoSided(n - k, n, 0.5), 14);
      }),
    );
  });
});

describe("intervals and adjustments", () => {
  it("Wilson intervals contain k / n and lie in [0, 1]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), finite(0, 1), confidence, (n, fraction, level) => {
        const k = Math.round(fraction * n);
        const [low, high] = wilsonInterval(k, n, level);
        expect(low).toBeGreaterThanOrEqual(0);
        expect(high).toBeLessThanOrEqual(1);
        expect(low).toBeLessThanOrEqual(k / n);
        expect(high).toBeGreaterThanOrEqual(k / n);
      }),
    );
  });

  it("paired difference intervals contain the estimate and lie in [-1, 1]", () => {
    const count = fc.integer({ min: 0, max: 5000 });
    fc.assert(
      fc.property(
        count,
        count,
        count,
        count,
        confidence,
        (both, onlyCandidate, onlyBaseline, neither, level) => {
          fc.pre(both + onlyCandidate + onlyBaseline + neither > 0);
          const ci = pairedProportionDifferenceInterval(
            { both, onlyCandidate, onlyBaseline, neither },
            level,
          );
          expect(ci.low).toBeGreaterThanOrEqual(-1);
          expect(ci.high).toBeLessThanOrEqual(1);
          expect(ci.low).toBeLessThanOrEqual(ci.estimate);
          expect(ci.high).toBeGreaterThanOrEqual(ci.estimate);
        },
      ),
    );
  });

  it("Holm-adjusted p-values are at least the raw ones, at most 1, and keep the raw order", () => {
    fc.assert(
      fc.property(fc.array(finite(0, 1), { maxLength: 40 }), (raw) => {
        const adjusted = holmAdjust(raw);
        raw.forEach((p, i) => {
          const a = adjusted[i] as number;
          expect(a).toBeGreaterThanOrEqual(p);
          expect(a).toBeLessThanOrEqual(1);
          raw.forEach((q, j) => {
            if (p <= q) expect(a).toBeLessThanOrEqual(adjusted[j] as number);
          });
        });
      }),
    );
  });

  it("test p-values are probabilities", () => {
    fc.assert(
      fc.property(fc.array(finite(-5, 5), { minLength: 1, maxLength: 60 }), seed, (diffs, s) => {
        const w = wilcoxonSignedRank(diffs);
        expect(w.pValue).toBeGreaterThanOrEqual(0);
        expect(w.pValue).toBeLessThanOrEqual(1);
        const flip = signFlipPermutationTest(diffs, { resamples: 99, seed: s });
        expect(flip.pValue).toBeGreaterThanOrEqual(1 / 100);
        expect(flip.pValue).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("bootstrap", () => {
  it("bootstrapCounts draws exactly n items", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), seed, (n, s) => {
        const counts = bootstrapCounts(n, createRng(s));
        expect(counts).toHaveLength(n);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
      }),
    );
  });

  const pairedData = fc
    .integer({ min: 10, max: 120 })
    .chain((n) =>
      fc.tuple(
        fc.array(finite(-100, 100), { minLength: n, maxLength: n }),
        fc.array(finite(-100, 100), { minLength: n, maxLength: n }),
      ),
    );
  const meanDifference = (candidate: number[], baseline: number[]) => (w: Uint32Array | undefined) => {
    let sum = 0;
    let weight = 0;
    candidate.forEach((c, i) => {
      const k = w ? (w[i] as number) : 1;
      sum += k * (c - (baseline[i] as number));
      weight += k;
    });
    return sum / weight;
  };

  it("pairedBootstrap is reproducible from its seed", () => {
    fc.assert(
      fc.property(
        pairedData,
        seed,
        fc.constantFrom<"bca" | "percentile">("bca", "percentile"),
        ([a, b], s, method) => {
          const options = {
            n: a.length,
            statistic: meanDifference(a, b),
            resamples: 200,
            seed: s,
            confidence: 0.95,
            method,
          };
          expect(pairedBootstrap(options)).toEqual(pairedBootstrap(options));
        },
      ),
      { numRuns: 30 },
    );
  });

  it("the interval of a smooth statistic contains its estimate", () => {
    fc.assert(
      fc.property(
        pairedData,
        seed,
        fc.constantFrom<"bca" | "percentile">("bca", "percentile"),
        ([a, b], s, method) => {
          const result = pairedBootstrap({
            n: a.length,
            statistic: meanDifference(a, b),
            resamples: 400,
            seed: s,
            confidence: 0.9,
            method,
          });
          expect(result.low).toBeLessThanOrEqual(result.estimate);
          expect(result.high).toBeGreaterThanOrEqual(result.estimate);
          expect(result.standardError).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});
