import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fairCoinTest,
  type PairedRow,
  pairedCorrectness,
  pairedDifferenceInterval,
} from "../../src/compare/index.js";
import { Random } from "../random.js";

/** Rows of a paired table: both right, only the candidate right, only the baseline right, both wrong. */
function rows(both: number, candidateOnly: number, baselineOnly: number, neither: number): PairedRow[] {
  const make = (count: number, baselineCorrect: boolean, candidateCorrect: boolean) =>
    Array.from({ length: count }, () => ({ baselineCorrect, candidateCorrect }));
  return [
    ...make(both, true, true),
    ...make(candidateOnly, false, true),
    ...make(baselineOnly, true, false),
    ...make(neither, false, false),
  ];
}

describe("pairedCorrectness", () => {
  it("reproduces Newcombe's (1998) published paired intervals and the exact McNemar p-value", () => {
    // Newcombe, Stat Med 17:2635, method 10, table (36, 12, 2, 0): 0.0569 to 0.3404.
    const r = pairedCorrectness(rows(36, 12, 2, 0));
    expect(r.n).toBe(50);
    expect(r.candidateAccuracy).toBe(0.96);
    expect(r.baselineAccuracy).toBe(0.76);
    expect(r.delta).toBeCloseTo(0.2, 15);
    expect(r.discordant).toEqual({ baselineOnly: 2, candidateOnly: 12 });
    expect(r.low).toBeCloseTo(0.0569, 4);
    expect(r.high).toBeCloseTo(0.3404, 4);
    // Full precision from the same formulas in Python with z = scipy.stats.norm.ppf(0.975).
    expect(r.low).toBeCloseTo(0.05692958400323869, 7);
    expect(r.high).toBeCloseTo(0.3404276029749407, 7);
    // scipy.stats.binomtest(2, 14, 0.5).pvalue = 2·(1 + 14 + 91)/2¹⁴.
    expect(r.pValue).toBeCloseTo(0.012939453125, 14);
  });

  it("applies Newcombe's continuity correction to a positive correlation", () => {
    // Table (18, 12, 2, 18): published 0.0562 to 0.3290 (uncorrected phi would give 0.0618 to 0.3239).
    const r = pairedCorrectness(rows(18, 12, 2, 18));
    expect(r.low).toBeCloseTo(0.05617184398825312, 7);
    expect(r.high).toBeCloseTo(0.3289759688858015, 7);
    // Table (53, 0, 0, 1): published −0.0729 to 0.0729, and no discordant pair: p = 1.
    const same = pairedCorrectness(rows(53, 0, 0, 1));
    expect(same.low).toBeCloseTo(-0.07293814547857687, 7);
    expect(same.high).toBeCloseTo(0.07293814547857687, 7);
    expect(same.pValue).toBe(1);
  });

  it("keeps exact p-values with many discordant pairs", () => {
    // scipy.stats.binomtest(480, 1000, 0.5).pvalue and binomtest(4000, 10000, 0.5).pvalue.
    expect(pairedCorrectness(rows(100, 480, 520, 50)).pValue).toBeCloseTo(0.2174482932041415, 10);
    const far = pairedCorrectness(rows(0, 4000, 6000, 0)).pValue;
    expect(far / 1.7404316412268293e-89).toBeCloseTo(1, 6);
    expect(fairCoinTest(5, 10)).toBe(1);
    expect(fairCoinTest(0, 0)).toBe(1);
  });

  it("refuses empty and malformed rows", () => {
    expect(() => pairedCorrectness([])).toThrow(/paired correctness rows is empty/);
    expect(() =>
      pairedCorrectness([{ baselineCorrect: true, candidateCorrect: 1 as unknown as boolean }]),
    ).toThrow(/rows\[0\]/);
    expect(() => pairedCorrectness([null as unknown as PairedRow])).toThrow(/rows\[0\] is null/);
    expect(() => pairedCorrectness(rows(1, 0, 0, 0), 0)).toThrow(/confidence/);
    expect(() =>
      pairedDifferenceInterval({ both: 0, baselineOnly: 0, candidateOnly: 0, neither: 0 }),
    ).toThrow(/n must be a whole number >= 1/);
    expect(() =>
      pairedDifferenceInterval({ both: -1, baselineOnly: 2, candidateOnly: 0, neither: 0 }),
    ).toThrow(/paired table both/);
    expect(() => fairCoinTest(3, 2)).toThrow(/exceed/);
  });

  const table = fc.tuple(
    fc.integer({ min: 0, max: 400 }),
    fc.integer({ min: 0, max: 60 }),
    fc.integer({ min: 0, max: 60 }),
    fc.integer({ min: 0, max: 400 }),
  );

  it("has an interval around the difference, inside [−1, 1], mirrored when the roles swap (property)", () => {
    fc.assert(
      fc.property(
        table.filter(([a, b, c, d]) => a + b + c + d > 0),
        ([both, candidateOnly, baselineOnly, neither]) => {
          const r = pairedCorrectness(rows(both, candidateOnly, baselineOnly, neither));
          expect(r.low).toBeGreaterThanOrEqual(-1);
          expect(r.high).toBeLessThanOrEqual(1);
          expect(r.low).toBeLessThanOrEqual(r.delta + 1e-12);
          expect(r.high).toBeGreaterThanOrEqual(r.delta - 1e-12);
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
          const swapped = pairedCorrectness(rows(both, baselineOnly, candidateOnly, neither));
          expect(swapped.delta).toBeCloseTo(-r.delta, 12);
          expect(swapped.low).toBeCloseTo(-r.high, 12);
          expect(swapped.high).toBeCloseTo(-r.low, 12);
          expect(swapped.pValue).toBe(r.pValue);
        },
      ),
    );
  });

  it("covers the true difference about 95% of the time and keeps McNemar's level (simulation)", () => {
    const rng = new Random(20240611);
    const trials = 400;
    let covered = 0;
    let rejectedUnderNull = 0;
    for (let t = 0; t < trials; t++) {
      // Correlated correctness: the baseline is right 80% of the time; the candidate keeps 95% of
      // its right answers and fixes 48% of its wrong ones (accuracy 0.856), or 20% (accuracy 0.8, the null).
      const sample: PairedRow[] = [];
      const nullSample: PairedRow[] = [];
      for (let i = 0; i < 300; i++) {
        const b = rng.uniform() < 0.8;
        const u = rng.uniform();
        sample.push({ baselineCorrect: b, candidateCorrect: b ? u < 0.95 : u < 0.48 });
        nullSample.push({ baselineCorrect: b, candidateCorrect: b ? u < 0.95 : u < 0.2 });
      }
      const r = pairedCorrectness(sample);
      // True difference: 0.8·0.95 + 0.2·0.48 − 0.8 = 0.056.
      if (r.low <= 0.056 && 0.056 <= r.high) covered++;
      if (pairedCorrectness(nullSample).pValue < 0.05) rejectedUnderNull++;
    }
    expect(covered / trials).toBeGreaterThan(0.91);
    expect(rejectedUnderNull / trials).toBeLessThan(0.075);
  });
});
