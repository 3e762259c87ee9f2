import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { populationStabilityIndex, psiLevel } from "../../src/compare/index.js";

const PHI = 0.6180339887498949;
const ROOT2_MINUS_1 = 0.41421356237309515;
const frac = (x: number) => x % 1;
/** Low-discrepancy sequences: exact in IEEE arithmetic, so Python reproduces them bit for bit. */
const golden = (count: number) => Array.from({ length: count }, (_, i) => frac((i + 1) * PHI));
const silver = (count: number) => Array.from({ length: count }, (_, i) => frac((i + 1) * ROOT2_MINUS_1));

describe("populationStabilityIndex", () => {
  it("matches a value worked by hand", () => {
    // Baseline 1..10 in 5 bins: edges 3, 5, 7, 9, each bin 0.2. Candidate 5..14: shares 0, 0, .2, .2, .6.
    // PSI = 2·(1e-4 − 0.2)·ln(1e-4 / 0.2) + 0.4·ln 3 = 3.4782857187921685.
    const r = populationStabilityIndex([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14], {
      bins: 5,
    });
    expect(r.psi).toBeCloseTo(3.4782857187921685, 12);
    expect(r.bins.map((b) => [b.low, b.high])).toEqual([
      [Number.NEGATIVE_INFINITY, 3],
      [3, 5],
      [5, 7],
      [7, 9],
      [9, Number.POSITIVE_INFINITY],
    ]);
    expect(r.bins.map((b) => b.baseline)).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(r.bins.map((b) => b.candidate)).toEqual([0, 0, 0.2, 0.2, 0.6]);
    expect(r.bins.reduce((s, b) => s + b.contribution, 0)).toBeCloseTo(r.psi, 12);
    expect(psiLevel(r.psi)).toBe("shifted");
  });

  it("matches an independent NumPy implementation on 1,000 vs 800 values", () => {
    // Reference: an independent NumPy implementation of the same rule (edge k = the first of
    // np.unique(baseline) with at least k·n/bins values below it, np.searchsorted for the bins,
    // empty shares replaced by 1e-4).
    const r = populationStabilityIndex(
      golden(1000),
      silver(800).map((x) => x * x),
    );
    expect(r.psi).toBeCloseTo(0.38278768303209043, 12);
    expect(r.bins).toHaveLength(10);
    expect(r.bins[0]!.high).toBeCloseTo(0.10021994123076183, 14);
    expect(r.bins[9]!.low).toBeCloseTo(0.9005131962051109, 14);
  });

  it("never splits a run of tied values (reference: the same NumPy implementation)", () => {
    const step = (x: number) => Math.floor(x * 20) / 20;
    const r = populationStabilityIndex(
      golden(1000).map(step),
      silver(800).map((x) => step(x * x)),
    );
    expect(r.psi).toBeCloseTo(0.3821595491162475, 12);
    expect(r.bins.slice(1).map((b) => b.low)).toEqual([0.1, 0.2, 0.3, 0.45, 0.5, 0.6, 0.75, 0.8, 0.9]);
  });

  it("bins 0/1 data by value", () => {
    // 5% ones in the baseline, 30% in the candidate: (0.7 − 0.95)·ln(0.7/0.95) + 0.25·ln 6.
    const baseline = [...new Array<number>(950).fill(0), ...new Array<number>(50).fill(1)];
    const candidate = [...new Array<number>(700).fill(0), ...new Array<number>(300).fill(1)];
    const r = populationStabilityIndex(baseline, candidate);
    expect(r.psi).toBeCloseTo(0.5242852796948092, 12);
    expect(r.bins.map((b) => b.baseline)).toEqual([0.95, 0.05]);
  });

  it("still sees a candidate moving away from a constant baseline", () => {
    const r = populationStabilityIndex(new Array<number>(20).fill(3), [
      ...new Array<number>(10).fill(3),
      ...new Array<number>(10).fill(4),
    ]);
    // Cut on both samples: bins (−∞, 4) and [4, ∞); (0.5 − 1)·ln 0.5 + (0.5 − 1e-4)·ln(0.5 / 1e-4).
    expect(r.psi).toBeCloseTo(4.60431846666895, 12);
    expect(populationStabilityIndex([3, 3, 3], [3, 3]).psi).toBe(0);
  });

  it("sends candidate values beyond the baseline's range to the end bins", () => {
    const r = populationStabilityIndex([1, 2, 3, 4], [-100, 100], { bins: 2 });
    expect(r.bins).toHaveLength(2);
    expect(r.bins.map((b) => b.candidate)).toEqual([0.5, 0.5]);
    expect(r.psi).toBe(0);
  });

  it("uses the given epsilon for empty bins", () => {
    const r1 = populationStabilityIndex([1, 2, 3, 4], [3, 4], { bins: 2, epsilon: 1e-4 });
    const r2 = populationStabilityIndex([1, 2, 3, 4], [3, 4], { bins: 2, epsilon: 1e-2 });
    expect(r1.psi).toBeCloseTo((1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2), 12);
    expect(r2.psi).toBeCloseTo((1e-2 - 0.5) * Math.log(1e-2 / 0.5) + 0.5 * Math.log(2), 12);
  });

  it("refuses bad input", () => {
    expect(() => populationStabilityIndex([], [1])).toThrow(/PSI baseline is empty/);
    expect(() => populationStabilityIndex([1], [])).toThrow(/PSI candidate is empty/);
    expect(() => populationStabilityIndex([1, Number.NaN], [1])).toThrow(/baseline\[1\] is NaN/);
    expect(() => populationStabilityIndex([1], [Number.POSITIVE_INFINITY])).toThrow(
      /candidate\[0\] is Infinity/,
    );
    expect(() => populationStabilityIndex([1], ["2" as unknown as number])).toThrow(/candidate\[0\]/);
    expect(() => populationStabilityIndex([1], [1], { bins: 1 })).toThrow(/bins/);
    expect(() => populationStabilityIndex([1], [1], { bins: 2.5 })).toThrow(/bins/);
    expect(() => populationStabilityIndex([1], [1], { epsilon: 0 })).toThrow(/epsilon/);
    expect(() => populationStabilityIndex([1], [1], { epsilon: Number.NaN })).toThrow(/epsilon/);
  });

  const sample = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 });
  const tiedSample = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 200 });

  it("is >= 0, and 0 for identical samples (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(sample, tiedSample),
        fc.oneof(sample, tiedSample),
        fc.integer({ min: 2, max: 20 }),
        (b, c, bins) => {
          const r = populationStabilityIndex(b, c, { bins });
          expect(r.psi).toBeGreaterThanOrEqual(0);
          expect(r.bins.length).toBeLessThanOrEqual(bins);
          expect(r.bins.reduce((s, x) => s + x.candidate, 0)).toBeCloseTo(1, 9);
          expect(populationStabilityIndex(b, b, { bins }).psi).toBe(0);
          expect(populationStabilityIndex(b, [...b].reverse(), { bins }).psi).toBe(0);
        },
      ),
    );
  });

  it("gives every bin some baseline and never splits tied baseline values (property)", () => {
    fc.assert(
      fc.property(fc.oneof(sample, tiedSample), fc.integer({ min: 2, max: 20 }), (b, bins) => {
        const r = populationStabilityIndex(b, b, { bins });
        if (new Set(b).size > 1) expect(r.bins.every((x) => x.baseline > 0)).toBe(true);
        // Bins are contiguous and increasing, and every cut sits on a baseline value (the start of a run).
        const values = new Set(b);
        for (let i = 1; i < r.bins.length; i++) {
          expect(r.bins[i]!.low).toBe(r.bins[i - 1]!.high);
          expect(r.bins[i]!.low).toBeGreaterThan(r.bins[i - 1]!.low);
          expect(values.has(r.bins[i]!.low)).toBe(true);
        }
      }),
    );
  });

  it("depends only on order: a strictly increasing transform of both samples changes nothing (property)", () => {
    fc.assert(
      fc.property(tiedSample, tiedSample, (b, c) => {
        const t = (x: number) => Math.exp(x / 2) * 3 - 7;
        expect(populationStabilityIndex(b.map(t), c.map(t)).psi).toBeCloseTo(
          populationStabilityIndex(b, c).psi,
          12,
        );
      }),
    );
  });
});

describe("psiLevel", () => {
  it("reads the conventional thresholds", () => {
    expect(psiLevel(0)).toBe("stable");
    expect(psiLevel(0.0999)).toBe("stable");
    expect(psiLevel(0.1)).toBe("moderate");
    expect(psiLevel(0.2499)).toBe("moderate");
    expect(psiLevel(0.25)).toBe("shifted");
    expect(psiLevel(Number.POSITIVE_INFINITY)).toBe("shifted");
    expect(() => psiLevel(Number.NaN)).toThrow(/PSI must be a number/);
    expect(() => psiLevel(-0.1)).toThrow(/PSI must be a number/);
  });
});
