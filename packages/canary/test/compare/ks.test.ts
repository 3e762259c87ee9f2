import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ksTwoSample } from "../../src/compare/index.js";

const PHI = 0.6180339887498949;
const ROOT2_MINUS_1 = 0.41421356237309515;

/** D by brute force: both empirical distribution functions evaluated at every observed value. */
function bruteForceD(a: readonly number[], b: readonly number[]): number {
  const ecdf = (xs: readonly number[], t: number) => xs.filter((x) => x <= t).length / xs.length;
  return Math.max(...[...a, ...b].map((t) => Math.abs(ecdf(a, t) - ecdf(b, t))));
}

describe("ksTwoSample", () => {
  // References: statistic = scipy.stats.ks_2samp(a, b).statistic; p-value =
  // scipy.special.kolmogorov((√Nₑ + 0.12 + 0.11/√Nₑ)·D), Nₑ = nm/(n+m) (Stephens' correction).
  it("matches SciPy on samples with values shared between the sides", () => {
    const a = [
      0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77,
      1.09, -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47,
    ];
    const b = [
      2.2, 1.6, 1.3, 0.61, 0.59, 3.1, 0.9, 1.7, 2.8, 0.06, 1.9, 2.4, 1.05, 0.4, 2.0, 1.1, 0.8, 1.64, 2.6, 1.5,
    ];
    const r = ksTwoSample(a, b);
    expect(r.statistic).toBeCloseTo(0.52, 12);
    expect(r.pValue).toBeCloseTo(0.0027947369305396383, 8);
    expect(r.n).toBe(25);
    expect(r.m).toBe(20);
    // SciPy's exact p-value for these samples is 0.00293: the asymptotic one is close.
    expect(r.pValue / 0.002933880974459243).toBeGreaterThan(0.9);
  });

  it("matches SciPy on heavily tied integers", () => {
    const r = ksTwoSample([1, 1, 2, 2, 2, 3, 3, 4, 5, 5], [2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 6, 7]);
    expect(r.statistic).toBeCloseTo(0.4166666666666667, 12);
    expect(r.pValue).toBeCloseTo(0.22696262035257952, 8);
  });

  it("matches SciPy on 300 vs 200 values", () => {
    const a = Array.from({ length: 300 }, (_, i) => ((i + 1) * PHI) % 1);
    const b = Array.from({ length: 200 }, (_, j) => 1.2 * (((j + 1) * ROOT2_MINUS_1) % 1) - 0.05);
    const r = ksTwoSample(a, b);
    expect(r.statistic).toBeCloseTo(0.12666666666666668, 12);
    expect(r.pValue).toBeCloseTo(0.038793876430950794, 8);
  });

  it("gives D = 0 and p = 1 for identical samples, D = 1 for disjoint ones", () => {
    expect(ksTwoSample([1, 2, 3], [3, 2, 1])).toEqual({ statistic: 0, pValue: 1, n: 3, m: 3 });
    const apart = ksTwoSample([1, 2, 3, 4, 5, 6, 7, 8], [10, 11, 12, 13, 14, 15, 16, 17]);
    expect(apart.statistic).toBe(1);
    expect(apart.pValue).toBeLessThan(0.01);
  });

  it("refuses bad input", () => {
    expect(() => ksTwoSample([], [1])).toThrow(/KS first sample is empty/);
    expect(() => ksTwoSample([1], [])).toThrow(/KS second sample is empty/);
    expect(() => ksTwoSample([1, Number.NaN], [1])).toThrow(/first sample\[1\] is NaN/);
    expect(() => ksTwoSample([1], [Number.NEGATIVE_INFINITY])).toThrow(/second sample\[0\]/);
  });

  const sample = fc.oneof(
    fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 80 }),
    fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 80 }),
  );

  it("has D in [0, 1], symmetric, equal to the brute-force D with ties, p in [0, 1] (property)", () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const ab = ksTwoSample(a, b);
        const ba = ksTwoSample(b, a);
        expect(ab.statistic).toBeGreaterThanOrEqual(0);
        expect(ab.statistic).toBeLessThanOrEqual(1);
        expect(ba.statistic).toBe(ab.statistic);
        expect(ba.pValue).toBe(ab.pValue);
        expect(ab.pValue).toBeGreaterThanOrEqual(0);
        expect(ab.pValue).toBeLessThanOrEqual(1);
        expect(ab.statistic).toBeCloseTo(bruteForceD(a, b), 12);
      }),
    );
  });

  it("gives smaller p-values to larger gaps at fixed sizes (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 60 }), fc.integer({ min: 0, max: 60 }), (n, shift) => {
        const base = Array.from({ length: n }, (_, i) => i);
        const near = ksTwoSample(
          base,
          base.map((x) => x + shift),
        );
        const far = ksTwoSample(
          base,
          base.map((x) => x + shift + 1),
        );
        expect(far.statistic).toBeGreaterThanOrEqual(near.statistic);
        expect(far.pValue).toBeLessThanOrEqual(near.pValue);
      }),
    );
  });
});
