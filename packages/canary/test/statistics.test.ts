import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  binaryMoments,
  hodgesLehmann,
  holmAdjust,
  kolmogorovSmirnov,
  kolmogorovSurvival,
  logNormalCdf,
  mannWhitney,
  normalCdf,
  normalQuantile,
  normalSurvival,
  populationStabilityIndex,
  RunningMoments,
  sequentialTest,
} from "../src/index.js";
import { Random } from "./random.js";

describe("the normal distribution", () => {
  it("matches known values, far into the tails", () => {
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalSurvival(6.361340902)).toBeCloseTo(1e-10, 15);
    expect(Math.exp(logNormalCdf(-40))).toBe(0);
    expect(logNormalCdf(-40)).toBeCloseTo(-804.608, 2);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 7);
    expect(normalQuantile(1e-12)).toBeCloseTo(-7.034483825, 5);
  });

  it("inverts its quantile function", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 4);
      }),
    );
  });
});

/** One simulated rollout seen by the sequential test: the smallest always-valid p-value over its looks. */
function simulate(
  rng: Random,
  looks: readonly [number, number][],
  draw: { candidate: () => number; baseline: () => number },
  options: { binary?: boolean; log?: boolean; margin?: number; alpha: number },
): { minP: number; lastInterval: [number, number]; lastEffect: number } {
  const c = new RunningMoments();
  const b = new RunningMoments();
  let minP = 1;
  let lastInterval: [number, number] = [Number.NaN, Number.NaN];
  let lastEffect = Number.NaN;
  for (const [nc, nb] of looks) {
    for (let i = 0; i < nc; i++) c.add(options.log ? Math.log(draw.candidate()) : draw.candidate());
    for (let i = 0; i < nb; i++) b.add(options.log ? Math.log(draw.baseline()) : draw.baseline());
    if (c.n < 20 || b.n < 20) continue;
    const cm = options.binary
      ? binaryMoments(c.n, Math.round(c.mean * c.n))
      : { n: c.n, mean: c.mean, variance: c.variance };
    const bm = options.binary
      ? binaryMoments(b.n, Math.round(b.mean * b.n))
      : { n: b.n, mean: b.mean, variance: b.variance };
    const pooled = Math.sqrt((cm.variance + bm.variance) / 2);
    const r = sequentialTest({
      candidate: cm,
      baseline: bm,
      sign: 1,
      margin: options.margin ?? 0,
      tau: Math.max(0.25 * pooled, 1e-9),
      alpha: options.alpha,
    });
    minP = Math.min(minP, r.p);
    lastInterval = r.interval;
    lastEffect = r.effect;
  }
  void rng;
  return { minP, lastInterval, lastEffect };
}

const lookSchedule = fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 5, max: 300 })), {
  minLength: 5,
  maxLength: 40,
});

describe("the sequential test", () => {
  it("keeps its false-alarm rate at alpha on A/A data however often it looks (lognormal latency)", () => {
    const alpha = 0.05;
    const runs = 400;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), lookSchedule, (seed, looks) => {
        const rng = new Random(seed);
        let alarms = 0;
        for (let i = 0; i < runs; i++) {
          const draw = () => rng.lognormal(Math.log(100), 0.6);
          if (simulate(rng, looks, { candidate: draw, baseline: draw }, { log: true, alpha }).minP <= alpha)
            alarms++;
        }
        // Three standard errors above alpha: the bound must hold, not just on average.
        expect(alarms / runs).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs));
      }),
      { numRuns: 6 },
    );
  });

  it("keeps its false-alarm rate at alpha on A/A error rates (rare 0/1 events)", () => {
    const alpha = 0.05;
    const runs = 400;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 0.001, max: 0.1, noNaN: true }),
        lookSchedule,
        (seed, rate, looks) => {
          const rng = new Random(seed);
          let alarms = 0;
          for (let i = 0; i < runs; i++) {
            const draw = () => rng.bernoulli(rate);
            if (
              simulate(rng, looks, { candidate: draw, baseline: draw }, { binary: true, alpha }).minP <= alpha
            )
              alarms++;
          }
          expect(alarms / runs).toBeLessThanOrEqual(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs));
        },
      ),
      { numRuns: 4 },
    );
  });

  it("catches a 20% slower candidate within a few looks, and its interval covers the true difference", () => {
    const rng = new Random(7);
    const looks = Array.from({ length: 20 }, (): [number, number] => [30, 300]);
    let detected = 0;
    let covered = 0;
    for (let i = 0; i < 200; i++) {
      const r = simulate(
        rng,
        looks,
        {
          candidate: () => 1.2 * rng.lognormal(Math.log(100), 0.5),
          baseline: () => rng.lognormal(Math.log(100), 0.5),
        },
        { log: true, alpha: 0.01 },
      );
      if (r.minP <= 0.01) detected++;
      if (r.lastInterval[0] <= Math.log(1.2) && Math.log(1.2) <= r.lastInterval[1]) covered++;
    }
    expect(detected / 200).toBeGreaterThan(0.95);
    expect(covered / 200).toBeGreaterThan(0.97);
  });

  it("tolerates a difference within the margin", () => {
    const rng = new Random(11);
    const looks = Array.from({ length: 20 }, (): [number, number] => [200, 200]);
    let alarms = 0;
    for (let i = 0; i < 100; i++) {
      const r = simulate(
        rng,
        looks,
        { candidate: () => 1.03 * rng.lognormal(0, 0.5), baseline: () => rng.lognormal(0, 0.5) },
        { log: true, margin: Math.log(1.05), alpha: 0.01 },
      );
      if (r.minP <= 0.01) alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(2);
  });

  it("reads no difference as no evidence, even without spread", () => {
    const same = { n: 50, mean: 1, variance: 0 };
    expect(
      sequentialTest({ candidate: same, baseline: same, sign: 1, margin: 0, tau: 0.1, alpha: 0.01 }).p,
    ).toBe(1);
    expect(
      sequentialTest({
        candidate: { ...same, mean: 2 },
        baseline: same,
        sign: 1,
        margin: 0,
        tau: 0.1,
        alpha: 0.01,
      }).p,
    ).toBe(0);
    // The bad direction only: a faster candidate is never "worse".
    const r = sequentialTest({
      candidate: { n: 500, mean: 0, variance: 1 },
      baseline: { n: 500, mean: 1, variance: 1 },
      sign: 1,
      margin: 0,
      tau: 0.25,
      alpha: 0.01,
    });
    expect(r.p).toBe(1);
    expect(r.interval[1]).toBeLessThan(0);
  });
});

describe("Mann-Whitney and Hodges-Lehmann", () => {
  it("computes U with ties and a normal p-value", () => {
    const r = mannWhitney([3, 4, 5, 5], [1, 2, 5]);
    // Pairs where the candidate is larger: 3>1,2; 4>1,2; 5>1,2 (twice), ties with 5 count half twice.
    expect(r.u).toBe(2 + 2 + 2.5 + 2.5);
    expect(r.pGreater).toBeLessThan(r.pLess);
    expect(mannWhitney([1, 2, 3], [1, 2, 3]).pTwoSided).toBe(1);
  });

  it("is symmetric in its sides", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
        (a, b) => {
          const ab = mannWhitney(a, b);
          const ba = mannWhitney(b, a);
          expect(ab.pGreater).toBeCloseTo(ba.pLess, 10);
          expect(ab.pTwoSided).toBeCloseTo(ba.pTwoSided, 10);
          expect(ab.u + ba.u).toBeCloseTo(a.length * b.length, 9);
        },
      ),
    );
  });

  it("finds the median of all pairwise differences by selection, as sorting them would", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 40 }),
        (c, b) => {
          const diffs = c.flatMap((x) => b.map((y) => x - y)).sort((p, q) => p - q);
          const n = diffs.length;
          const median = n % 2 ? diffs[(n - 1) / 2]! : (diffs[n / 2 - 1]! + diffs[n / 2]!) / 2;
          const hl = hodgesLehmann(c, b, 0.9);
          expect(hl.shift).toBe(median);
          expect(hl.interval[0]).toBeLessThanOrEqual(median);
          expect(hl.interval[1]).toBeGreaterThanOrEqual(median);
        },
      ),
    );
  });

  it("estimates a shift with an interval around it", () => {
    const rng = new Random(3);
    const b = Array.from({ length: 2000 }, () => rng.normal());
    const c = Array.from({ length: 2000 }, () => rng.normal() + 0.5);
    const hl = hodgesLehmann(c, b, 0.98);
    expect(hl.shift).toBeCloseTo(0.5, 1);
    expect(hl.interval[0]).toBeLessThan(0.5);
    expect(hl.interval[1]).toBeGreaterThan(0.5);
  });
});

describe("Holm's adjustment", () => {
  it("multiplies the k-th smallest p-value by m − k + 1 and keeps the order", () => {
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holmAdjust([Number.NaN, 0.5])).toEqual([1, 1]);
  });

  it("never lowers a p-value, never passes 1, and preserves the ranking", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }), (ps) => {
        const adjusted = holmAdjust(ps);
        ps.forEach((p, i) => {
          expect(adjusted[i]!).toBeGreaterThanOrEqual(p);
          expect(adjusted[i]!).toBeLessThanOrEqual(1);
          ps.forEach((q, j) => {
            if (p < q) expect(adjusted[i]!).toBeLessThanOrEqual(adjusted[j]!);
          });
        });
      }),
    );
  });
});

describe("prediction shift", () => {
  const rng = new Random(5);
  const scores = Array.from({ length: 3000 }, () => rng.uniform());

  it("reads no shift in the same distribution and a major one in a moved distribution", () => {
    expect(populationStabilityIndex(scores, scores)).toBe(0);
    const same = Array.from({ length: 3000 }, () => rng.uniform());
    expect(populationStabilityIndex(same, scores)).toBeLessThan(0.02);
    const moved = scores.map((s) => Math.min(1, s + 0.3));
    expect(populationStabilityIndex(moved, scores)).toBeGreaterThan(0.25);
    // A baseline of one repeated score still has bins.
    expect(populationStabilityIndex(Array(50).fill(0.7), Array(50).fill(0.3))).toBeGreaterThan(5);
  });

  it("tests with Kolmogorov-Smirnov", () => {
    expect(kolmogorovSmirnov(scores, scores)).toEqual({ statistic: 0, p: 1 });
    const moved = kolmogorovSmirnov(
      scores.map((s) => s + 0.1),
      scores,
    );
    expect(moved.statistic).toBeCloseTo(0.1, 1);
    expect(moved.p).toBeLessThan(1e-6);
    expect(kolmogorovSurvival(1.358)).toBeCloseTo(0.05, 3);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (a, b) => {
          if (a < b) expect(kolmogorovSurvival(a)).toBeGreaterThanOrEqual(kolmogorovSurvival(b));
        },
      ),
    );
  });
});
