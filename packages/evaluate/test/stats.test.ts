/**
 * Reference values for the statistics behind eval-gate's paired comparisons. Each table names the
 * call that produced it: scipy 1.10 / numpy 1.24 (Debian python3-scipy), mpmath 1.3 at 40 digits
 * where scipy itself is less accurate than the code under test, or a published worked example.
 */
import { describe, expect, it } from "vitest";
import { jackknifeAcceleration } from "../src/stats/bootstrap.js";
import {
  binomialPmf,
  binomialTestTwoSided,
  bootstrapCounts,
  createRng,
  holmAdjust,
  mcnemarExact,
  minimumDetectableEffect,
  normalCdf,
  normalQuantile,
  pairedBootstrap,
  pairedProportionDifferenceInterval,
  requiredSampleSize,
  signFlipPermutationTest,
  studentTCdf,
  studentTQuantile,
  wilcoxonSignedRank,
  wilsonInterval,
} from "../src/stats/index.js";

function expectRelative(actual: number, expected: number, tolerance: number): void {
  if (expected === 0) {
    expect(Math.abs(actual)).toBeLessThanOrEqual(tolerance);
    return;
  }
  const error = Math.abs(actual - expected) / Math.abs(expected);
  expect(error, `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

describe("normal distribution", () => {
  // scipy.stats.norm.cdf(x)
  const cdf: [number, number][] = [
    [-37.5, 4.605353009581954e-308],
    [-20, 2.7536241186061556e-89],
    [-10, 7.61985302416047e-24],
    [-6.5, 4.016000583859088e-11],
    [-3, 0.0013498980316300933],
    [-1, 0.15865525393145707],
    [-0.3, 0.3820885778110474],
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1.959963984540054, 0.975],
    [4, 0.9999683287581669],
    [8, 0.9999999999999993],
  ];
  it.each(cdf)("normalCdf(%d) matches scipy to 1e-12 relative, deep into the lower tail", (x, expected) => {
    expectRelative(normalCdf(x), expected, 1e-12);
  });

  // scipy.stats.norm.ppf(p)
  const quantiles: [number, number][] = [
    [1e-300, -37.0470962993612],
    [1e-100, -21.273453560965322],
    [1e-10, -6.361340902404056],
    [1e-5, -4.264890793922825],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400545],
    [0.075, -1.4395314709384563],
    [0.3, -0.5244005127080409],
    [0.8, 0.8416212335729143],
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [0.9999999999, 6.361340889697422],
  ];
  it.each(quantiles)("normalQuantile(%d) matches scipy to 1e-13 relative", (p, expected) => {
    expectRelative(normalQuantile(p), expected, 1e-13);
  });

  it("maps the ends of [0, 1] to infinities and the middle to 0", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
  });
});

describe("Student's t distribution", () => {
  // scipy.stats.t.cdf(t, df)
  const cdf: [number, number, number][] = [
    [-1e6, 1, 3.1830988618368455e-7],
    [-30, 2, 0.0005546313409798294],
    [-4, 3, 0.014004228005073078],
    [-2, 4.5, 0.05412895359056247],
    [-0.5, 10, 0.31394680287148646],
    [0.7, 10, 0.7500562149135578],
    [2.228138851986274, 10, 0.975],
    [-10, 30, 2.2876257041148048e-11],
    [3, 100, 0.9982960423283352],
    [-4, 1000, 3.4004959604390776e-5],
    [-2, 1e5, 0.022751481728753218],
    [1.5, 1e7, 0.9331927829461852],
    [-8, 0.5, 0.11325254640378932],
  ];
  it.each(cdf)("studentTCdf(%d, %d) matches scipy to 1e-12 relative", (t, df, expected) => {
    expectRelative(studentTCdf(t, df), expected, 1e-12);
  });

  // scipy 1.10's t.ppf (cephes stdtrit) is only good to ~1e-9 (e.g. t.ppf(0.05, 30) =
  // -1.6972608943617384, whose own t.cdf is 0.04999999926), so these roots come from mpmath:
  // mpmath.findroot(lambda t: mpmath.log(F(t)) - mpmath.log(p), t0, tol=1e-35) with
  // F(t) = mpmath.betainc(df/2, 1/2, 0, df/(df+t**2), regularized=True)/2 for t < 0, 1 - that for t > 0.
  const quantiles: [number, number, number][] = [
    [0.6, 0.5, 0.3979754267847906],
    [0.2, 2, -1.0606601717798212],
    [1e-100, 3, -2.225769823822442e33],
    [0.9, 3, 1.6377443536962104],
    [1e-10, 4.5, -241.117429191934],
    [0.025, 10, -2.228138851986275],
    [0.9999999999, 10, 25.466007808016016],
    [1e-5, 30, -5.054032421446494],
    [0.05, 30, -1.6972608865939578],
    [0.45, 100, -0.12598088204153965],
    [0.001, 1000, -3.098402163912923],
    [0.975, 1e5, 1.9599877075346093],
    [0.999, 1e7, 3.0902331211809115],
  ];
  it.each(quantiles)("studentTQuantile(%d, %d) matches mpmath to 1e-13 relative", (p, df, expected) => {
    expectRelative(studentTQuantile(p, df), expected, 1e-13);
  });

  it("has the closed forms at df = 1 (Cauchy) and df = 2, and the normal limit", () => {
    expectRelative(studentTQuantile(0.9, 1), Math.tan(0.4 * Math.PI), 1e-14);
    // df = 2: t = (2p - 1) / sqrt(2 p (1 - p))
    expectRelative(studentTQuantile(0.99, 2), 0.98 / Math.sqrt(2 * 0.99 * 0.01), 1e-14);
    expect(studentTCdf(1.3, Number.POSITIVE_INFINITY)).toBe(normalCdf(1.3));
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });
});

describe("binomial distribution", () => {
  // scipy.stats.binom.pmf(k, n, p); the n = 1e7 tail value from mpmath
  // (mpmath.binomial(n, k) * p**k * (1-p)**(n-k) at 40 digits), where scipy is off by 1e-13.
  const pmf: [number, number, number, number][] = [
    [3, 10, 0.3, 0.26682793199999977],
    [0, 10, 0.3, 0.028247524899999984],
    [10, 10, 0.3, 5.9048999999999975e-6],
    [900, 1000, 0.9, 0.04201679086108601],
    [12, 4_000_000, 1e-6, 0.0006415081545908551],
    [5_000_000, 10_000_000, 0.5, 0.0002523132458941848],
    [5_003_000, 10_000_000, 0.5, 0.000041707102032799966],
  ];
  it.each(pmf)(
    "binomialPmf(%d, %d, %d) is accurate to 1e-13 relative, also at n = 1e7",
    (k, n, p, expected) => {
      expectRelative(binomialPmf(k, n, p), expected, 1e-13);
    },
  );

  // scipy.stats.binomtest(k, n, p).pvalue
  const tests: [number, number, number, number][] = [
    [7, 20, 0.5, 0.26317596435546875],
    [0, 10, 0.5, 0.001953125],
    [3, 100, 0.1, 0.017843766383309492],
    [20, 100, 0.1, 0.0023002489189653482],
    [1, 30, 0.3, 0.0004747437983279955],
    [11, 30, 0.3, 0.42915259589315097],
    [5, 6, 0.9, 0.46855899999999995],
    [2, 7, 0.25, 1],
    [300, 1000, 0.3, 1],
    [4800, 10_000, 0.5, 6.593515598672341e-5],
    [4_990_000, 10_000_000, 0.5, 2.5448004911550766e-10],
  ];
  it.each(tests)("binomialTestTwoSided(%d, %d, %d) matches scipy.stats.binomtest", (k, n, p, expected) => {
    expectRelative(binomialTestTwoSided(k, n, p), expected, 1e-12);
  });
});

describe("Wilson interval", () => {
  // scipy.stats.binomtest(k, n).proportion_ci(confidence_level=c, method="wilson")
  const intervals: [number, number, number, number, number][] = [
    [81, 263, 0.95, 0.2552885198782742, 0.36620957698280004],
    [15, 148, 0.95, 0.06238639953073629, 0.16048724172330803],
    [0, 20, 0.95, 0, 0.16112515805281935],
    [1, 29, 0.95, 0.006113214292762667, 0.17175521879320282],
    [7, 20, 0.9, 0.20226004005676104, 0.5334873111515284],
    [999, 1000, 0.99, 0.9915394337800183, 0.9998825836463816],
  ];
  it.each(intervals)("wilsonInterval(%d, %d, %d) matches scipy", (k, n, confidence, low, high) => {
    const [l, h] = wilsonInterval(k, n, confidence);
    expect(Math.abs(l - low)).toBeLessThanOrEqual(1e-14);
    expect(Math.abs(h - high)).toBeLessThanOrEqual(1e-14);
  });

  it("reproduces the worked examples of Newcombe (1998a, Stat Med 17:857), score method, to 4 decimals", () => {
    const published: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [k, n, low, high] of published) {
      const [l, h] = wilsonInterval(k, n, 0.95);
      expect(l).toBeCloseTo(low, 4);
      expect(h).toBeCloseTo(high, 4);
    }
  });
});

describe("paired proportions", () => {
  it("mcnemarExact: Agresti's presidential approval data (An Introduction to Categorical Data Analysis, 2nd ed., Table 8.1)", () => {
    // 1600 people asked twice: 150 approve -> disapprove, 86 disapprove -> approve.
    // scipy.stats.binomtest(86, 236, 0.5).pvalue
    expectRelative(mcnemarExact(150, 86), 3.715936139571387e-5, 1e-12);
    expectRelative(mcnemarExact(86, 150), 3.715936139571387e-5, 1e-12);
    // scipy.stats.binomtest(3, 12, 0.5).pvalue and binomtest(0, 5, 0.5).pvalue
    expectRelative(mcnemarExact(9, 3), 0.14599609375, 1e-14);
    expectRelative(mcnemarExact(0, 5), 0.0625, 1e-14);
    expect(mcnemarExact(0, 0)).toBe(1);
  });

  it("pairedProportionDifferenceInterval reproduces Newcombe (1998b, Stat Med 17:2635), method 10 column of the worked examples", () => {
    // (both, first only, second only, neither) -> 95% limits as printed (4 decimals). Newcombe's
    // first proportion is the candidate's here. All rows agree to the printed digits except the
    // lower limit of (1, 97, 1, 1), which computes to 0.87367 against a printed 0.8736.
    const published: [number, number, number, number, number, number][] = [
      [36, 12, 2, 0, 0.0569, 0.3404],
      [20, 12, 2, 16, 0.0562, 0.3292],
      [18, 12, 2, 18, 0.0562, 0.329],
      [36, 14, 0, 0, 0.1528, 0.4167],
      [35, 14, 0, 1, 0.1461, 0.4175],
      [18, 14, 0, 18, 0.1441, 0.3963],
      [2, 97, 1, 0, 0.8721, 0.9854],
      [1, 97, 1, 1, 0.8736, 0.985],
      [0, 29, 1, 0, 0.6666, 0.9882],
      [2, 98, 0, 0, 0.9178, 0.9945],
      [1, 98, 0, 1, 0.9171, 0.9916],
      [0, 30, 0, 0, 0.8395, 1],
      [54, 0, 0, 0, -0.0664, 0.0664],
    ];
    for (const [both, onlyCandidate, onlyBaseline, neither, low, high] of published) {
      const ci = pairedProportionDifferenceInterval({ both, onlyCandidate, onlyBaseline, neither }, 0.95);
      expect(ci.estimate).toBe(
        (onlyCandidate - onlyBaseline) / (both + onlyCandidate + onlyBaseline + neither),
      );
      expect(Math.abs(ci.low - low)).toBeLessThan(1e-4);
      expect(Math.abs(ci.high - high)).toBeLessThan(1e-4);
    }
  });

  it("is the mirror image when candidate and baseline swap", () => {
    const a = pairedProportionDifferenceInterval(
      { both: 40, onlyCandidate: 3, onlyBaseline: 9, neither: 8 },
      0.9,
    );
    const b = pairedProportionDifferenceInterval(
      { both: 40, onlyCandidate: 9, onlyBaseline: 3, neither: 8 },
      0.9,
    );
    expect(a.estimate).toBeCloseTo(-b.estimate, 15);
    expect(a.low).toBeCloseTo(-b.high, 15);
    expect(a.high).toBeCloseTo(-b.low, 15);
  });
});

describe("Wilcoxon signed-rank test", () => {
  it("exact: Hollander & Wolfe (1973, p. 29) depression scores, as in scipy's wilcoxon docs", () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    // scipy.stats.wilcoxon(x - y, method="exact") -> statistic 5.0, pvalue 0.0390625
    const result = wilcoxonSignedRank(x.map((v, i) => v - (y[i] as number)));
    expect(result).toEqual({ statistic: 5, pValue: 0.0390625, n: 9 });
  });

  it("exact, n = 18 without ties", () => {
    const d = [
      -1.338, -0.937, -0.961, 0.048, -1.913, 0.211, -0.557, 1.294, 1.357, 1.792, 1.167, 0.347, 1.26, 1.905,
      -0.254, 1.01, 0.357, 1.84,
    ];
    // scipy.stats.wilcoxon(d, method="exact")
    const result = wilcoxonSignedRank(d);
    expect(result.statistic).toBe(55);
    expectRelative(result.pValue, 0.19638824462890625, 1e-14);
  });

  it("normal approximation with zeros dropped, tie correction and continuity correction", () => {
    const d = [0, 0, 1, -1, 2, 2, -2, 3, 3, 3, -1, 4, 5, 0, 2, 1, 1, -3, 6, 2, 2, 1, -1, 4, 7, 3, 2, 1, 0, 5];
    // scipy.stats.wilcoxon(d, method="approx", correction=True)  (zero_method="wilcox" drops the zeros)
    const result = wilcoxonSignedRank(d);
    expect(result.statistic).toBe(43.5);
    expect(result.n).toBe(26);
    expectRelative(result.pValue, 0.000774184676205979, 1e-12);
  });

  it("ties below n = 25 switch to the normal approximation", () => {
    // scipy.stats.wilcoxon(d, method="approx", correction=True)
    const result = wilcoxonSignedRank([1.5, -0.5, 2.0, 2.0, 3.1, -1.2, 0.7, 0.7, 4.4, 1.1]);
    expect(result.statistic).toBe(6);
    expectRelative(result.pValue, 0.032088733978231254, 1e-12);
  });

  it("normal approximation, n = 60", () => {
    const d = [
      -1.94, -0.34, -1.37, 0.17, 0.06, -0.29, -2.62, -0.64, -0.15, 0.01, -1.63, -0.58, -1.08, -0.91, 0.96,
      -0.91, -0.13, 0.78, -0.68, -0.21, 0.01, -0.04, -1.33, -0.02, 1.26, -1.65, 0.76, 0.02, -0.74, 1.9, 0.66,
      -1.3, -0.03, 0.48, -0.29, 0.58, -0.17, 0.57, 1.34, -0.78, 0.1, -0.56, 0.03, -1.29, -0.68, -0.3, 0.8,
      1.05, -1.42, -0.89, 0.55, -2.09, -0.56, -0.2, 1.16, 0.59, -0.43, -0.47, -0.35, 1.42,
    ];
    // scipy.stats.wilcoxon(d, method="approx", correction=True)
    const result = wilcoxonSignedRank(d);
    expect(result.statistic).toBe(660);
    expectRelative(result.pValue, 0.060985885452377146, 1e-12);
  });

  it("returns p = 1 when every difference is zero", () => {
    expect(wilcoxonSignedRank([0, 0, 0])).toEqual({ statistic: 0, pValue: 1, n: 0 });
  });
});

describe("Holm adjustment", () => {
  // Computed by hand with the algorithm of statsmodels.stats.multitest.multipletests(method="holm")
  // (statsmodels is not installed): sort ascending, multiply the i-th (0-based) by m - i,
  // take the running maximum, cap at 1, restore the order.
  it.each([
    [
      [0.01, 0.04, 0.03, 0.005],
      [0.03, 0.06, 0.06, 0.02],
    ],
    [
      [0.2, 0.01, 0.5, 0.01],
      [0.4, 0.04, 0.5, 0.04],
    ],
    [
      [0.3, 0.6, 0.9],
      [0.9, 1, 1],
    ],
    [[0.02], [0.02]],
    [[], []],
  ])("holmAdjust(%j) = %j", (raw, adjusted) => {
    const result = holmAdjust(raw);
    expect(result).toHaveLength(adjusted.length);
    result.forEach((p, i) => {
      expect(p).toBeCloseTo(adjusted[i] as number, 15);
    });
  });
});

describe("planning", () => {
  it("minimumDetectableEffect is (z_{1-alpha/2} + z_power) * se", () => {
    // scipy.stats.norm.ppf(0.975) + scipy.stats.norm.ppf(0.8) = 2.8015852181129683
    expectRelative(
      minimumDetectableEffect(0.01, { alpha: 0.05, power: 0.8, sided: "two" }),
      0.02801585218112968,
      1e-14,
    );
    // scipy.stats.norm.ppf(0.95) + scipy.stats.norm.ppf(0.9) = 2.9264051924960723
    expectRelative(
      minimumDetectableEffect(2, { alpha: 0.05, power: 0.9, sided: "one" }),
      5.852810384992145,
      1e-14,
    );
  });

  it("requiredSampleSize scales the standard error as 1 / sqrt(n)", () => {
    const options = { alpha: 0.05, power: 0.8, sided: "two" } as const;
    const mde = minimumDetectableEffect(0.01, options);
    // Half the detectable effect needs four times the items, exactly.
    expect(requiredSampleSize(1000, 0.01, mde / 2, options)).toBe(4000);
    expect(requiredSampleSize(1000, 0.01, -mde, options)).toBe(1000);
    // 1000 * (0.02801585218112968 / 0.014)^2 = 4004.53...
    expect(requiredSampleSize(1000, 0.01, 0.014, options)).toBe(4005);
  });
});

describe("bootstrap", () => {
  it("bootstrapCounts is deterministic given the seed and reuses the output array", () => {
    const out = new Uint32Array(1000);
    const first = Array.from(bootstrapCounts(1000, createRng(42), out));
    const again = bootstrapCounts(1000, createRng(42), out);
    expect(again).toBe(out);
    expect(Array.from(again)).toEqual(first);
    expect(Array.from(bootstrapCounts(1000, createRng(43)))).not.toEqual(first);
  });

  it("bootstrapCounts draws every item equally often in the long run", () => {
    // 2000 resamples of 10 items: each count is Binomial(20000, 0.1) in total, sd ~ 42.
    const totals = new Array<number>(10).fill(0);
    const rng = createRng(7);
    const out = new Uint32Array(10);
    for (let r = 0; r < 2000; r++) {
      bootstrapCounts(10, rng, out);
      out.forEach((c, i) => {
        totals[i] = (totals[i] as number) + c;
      });
    }
    for (const total of totals) expect(Math.abs(total - 2000)).toBeLessThan(6 * 42);
  });

  it("bootstrapCounts has multinomial counts: mean 1, variance 1 - 1/n, e^-1 of items left out", () => {
    const n = 100_000;
    const counts = bootstrapCounts(n, createRng(2024));
    let sum = 0;
    let squares = 0;
    let zeros = 0;
    for (const c of counts) {
      sum += c;
      squares += c * c;
      if (c === 0) zeros++;
    }
    expect(sum).toBe(n);
    // Sample variance of the counts has sd ~ sqrt(3 / n) = 0.0055; the zero share ~ 0.0015.
    expect(Math.abs(squares / n - 1 - (1 - 1 / n))).toBeLessThan(0.03);
    expect(Math.abs(zeros / n - (1 - 1 / n) ** n)).toBeLessThan(0.01);
  });

  it("bootstrapCounts treats items in a short last block like all others", () => {
    // n = 4100 is one block of 4096 items plus a block of 4, drawn in a separate stage.
    const n = 4100;
    const rng = createRng(99);
    const out = new Uint32Array(n);
    let last = 0;
    let first = 0;
    const resamples = 2000;
    for (let r = 0; r < resamples; r++) {
      bootstrapCounts(n, rng, out);
      for (let i = 0; i < 4; i++) {
        last += out[n - 1 - i] as number;
        first += out[i] as number;
      }
    }
    // Each sum is ~ Binomial(2000 * 4100, 4 / 4100): mean 8000, sd ~ 89.
    expect(Math.abs(last - 8000)).toBeLessThan(500);
    expect(Math.abs(first - 8000)).toBeLessThan(500);
  });

  it("bootstrapCounts accepts any Rng, seeding its own generator from it", () => {
    const counter = () => {
      let i = 0;
      return { nextUint32: () => (i++ * 2654435761) >>> 0 };
    };
    const a = bootstrapCounts(5000, counter());
    const b = bootstrapCounts(5000, counter());
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.reduce((s, c) => s + c, 0)).toBe(5000);
  });

  it("jackknifeAcceleration with one item per block is the closed form for the mean (Efron & Tibshirani 1993, 14.15)", () => {
    const x = [7.698, 0.078, 1.519, 0.567, 0.636, 0.806, 0.133, 0.793, 0.421, 27.743, 1.253, 0.703];
    const mean = (w: Uint32Array | undefined) => {
      let s = 0;
      let n = 0;
      x.forEach((v, i) => {
        const weight = w ? (w[i] as number) : 1;
        s += weight * v;
        n += weight;
      });
      return s / n;
    };
    const m = x.reduce((a, b) => a + b, 0) / x.length;
    const s2 = x.reduce((a, v) => a + (v - m) ** 2, 0);
    const s3 = x.reduce((a, v) => a + (v - m) ** 3, 0);
    expectRelative(jackknifeAcceleration(x.length, mean, x.length), s3 / (6 * s2 ** 1.5), 1e-10);
  });

  it("pairedBootstrap BCa agrees with scipy.stats.bootstrap on skewed data, within Monte Carlo error", () => {
    // numpy.random.default_rng(3).lognormal(0, 1, 30), rounded to 3 decimals
    const x = [
      7.698, 0.078, 1.519, 0.567, 0.636, 0.806, 0.133, 0.793, 0.421, 27.743, 1.253, 0.703, 0.755, 0.513,
      0.348, 0.677, 1.619, 0.788, 2.606, 0.819, 1.025, 4.692, 1.725, 0.603, 0.833, 1.717, 6.925, 0.764, 0.784,
      2.725,
    ];
    const mean = (w: Uint32Array | undefined) => {
      let s = 0;
      let n = 0;
      x.forEach((v, i) => {
        const weight = w ? (w[i] as number) : 1;
        s += weight * v;
        n += weight;
      });
      return s / n;
    };
    // scipy.stats.bootstrap((x,), numpy.mean, n_resamples=200000, method="BCa", random_state=0):
    // (1.3014560061679132, 6.011572198266285); method="percentile" gives (1.0675, 4.4977), so
    // the tolerances below still tell BCa from percentile.
    const bca = pairedBootstrap({
      n: x.length,
      statistic: mean,
      resamples: 20_000,
      seed: 11,
      confidence: 0.95,
    });
    expect(bca.method).toBe("bca");
    // Monte Carlo error of 20,000 resamples: over seeds 1..12 the differences from scipy stayed
    // below 0.013 (low), 0.15 (high) and 0.017 (standard error, scipy's 0.9163857046221903).
    expect(Math.abs(bca.low - 1.3014560061679132)).toBeLessThan(0.04);
    expect(Math.abs(bca.high - 6.011572198266285)).toBeLessThan(0.4);
    expect(Math.abs(bca.standardError - 0.9163857046221903)).toBeLessThan(0.04);
    const percentile = pairedBootstrap({
      n: x.length,
      statistic: mean,
      resamples: 20_000,
      seed: 11,
      confidence: 0.95,
      method: "percentile",
    });
    // (below 0.01 and 0.07 over the same seeds)
    expect(Math.abs(percentile.low - 1.0675)).toBeLessThan(0.04);
    expect(Math.abs(percentile.high - 4.4977374999999995)).toBeLessThan(0.2);
  });

  it("falls back to the percentile interval when BCa is undefined, and says so", () => {
    // A statistic that is constant on every resample puts the estimate at the median: BCa works.
    const constant = pairedBootstrap({ n: 5, statistic: () => 1, resamples: 50, seed: 1, confidence: 0.9 });
    expect(constant).toMatchObject({ estimate: 1, low: 1, high: 1, standardError: 0, method: "bca" });
    // Every replicate above the estimate: z0 = -infinity.
    const skewed = pairedBootstrap({
      n: 5,
      statistic: (w) => (w === undefined ? 0 : 1),
      resamples: 50,
      seed: 1,
      confidence: 0.9,
    });
    expect(skewed.method).toBe("percentile");
  });
});

describe("sign-flip permutation test", () => {
  it("finds a clear shift and leaves a null sample alone", () => {
    const shifted = Array.from({ length: 40 }, (_, i) => 0.5 + Math.sin(i) * 0.3);
    const strong = signFlipPermutationTest(shifted, { resamples: 2000, seed: 3 });
    expect(strong.pValue).toBeCloseTo(1 / 2001, 12);
    expect(strong.statistic).toBeCloseTo(shifted.reduce((a, b) => a + b, 0) / 40, 14);
    const symmetric = [1, -1, 2, -2, 3, -3];
    expect(signFlipPermutationTest(symmetric, { resamples: 500, seed: 3 }).pValue).toBe(1);
  });

  it("is exact for tiny samples: p approaches the 2^-n enumeration", () => {
    // n = 5 positive values: only all-plus and all-minus reach |mean|, so p -> 2/32.
    const result = signFlipPermutationTest([1, 2, 3, 4, 5], { resamples: 20_000, seed: 9 });
    expect(Math.abs(result.pValue - 2 / 32)).toBeLessThan(0.01);
  });
});

describe("argument checks", () => {
  it.each([
    ["normalCdf(NaN)", () => normalCdf(Number.NaN), /x/],
    ["normalQuantile(1.5)", () => normalQuantile(1.5), /p must be in \[0, 1\]/],
    ["studentTCdf df = 0", () => studentTCdf(1, 0), /df must be a positive number/],
    ["studentTQuantile df = -1", () => studentTQuantile(0.3, -1), /df/],
    ["binomialPmf k > n", () => binomialPmf(5, 4, 0.5), /k must not exceed n/],
    ["binomialPmf negative n", () => binomialPmf(0, -1, 0.5), /n must be a non-negative integer/],
    ["binomialTestTwoSided p = NaN", () => binomialTestTwoSided(1, 4, Number.NaN), /p must be in/],
    ["wilsonInterval n = 0", () => wilsonInterval(0, 0, 0.95), /n must be a positive integer/],
    ["wilsonInterval confidence = 1", () => wilsonInterval(1, 4, 1), /confidence/],
    ["mcnemarExact negative", () => mcnemarExact(-1, 2), /b must be a non-negative integer/],
    [
      "paired counts of 0 items",
      () =>
        pairedProportionDifferenceInterval({ both: 0, onlyCandidate: 0, onlyBaseline: 0, neither: 0 }, 0.95),
      /n = 0/,
    ],
    [
      "paired count 1.5",
      () =>
        pairedProportionDifferenceInterval(
          { both: 1.5, onlyCandidate: 0, onlyBaseline: 0, neither: 1 },
          0.95,
        ),
      /counts.both/,
    ],
    ["wilcoxon empty", () => wilcoxonSignedRank([]), /diffs must not be empty/],
    ["wilcoxon NaN", () => wilcoxonSignedRank([1, Number.NaN]), /diffs\[1\]/],
    ["holm p > 1", () => holmAdjust([0.1, 1.2]), /pValues\[1\]/],
    ["permutation resamples 0", () => signFlipPermutationTest([1], { resamples: 0, seed: 1 }), /resamples/],
    ["createRng fractional seed", () => createRng(1.5), /seed/],
    ["bootstrapCounts n = 0", () => bootstrapCounts(0, createRng(1)), /n must be a positive integer/],
    ["bootstrapCounts wrong out", () => bootstrapCounts(3, createRng(1), new Uint32Array(2)), /out/],
    [
      "pairedBootstrap confidence 0",
      () => pairedBootstrap({ n: 3, statistic: () => 0, resamples: 10, seed: 1, confidence: 0 }),
      /confidence/,
    ],
    [
      "pairedBootstrap NaN statistic",
      () =>
        pairedBootstrap({
          n: 3,
          statistic: (w) => (w ? Number.NaN : 0),
          resamples: 10,
          seed: 1,
          confidence: 0.9,
        }),
      /statistic on resample 0/,
    ],
    [
      "pairedBootstrap jackknifeBlocks > n",
      () =>
        pairedBootstrap({
          n: 3,
          statistic: () => 0,
          resamples: 10,
          seed: 1,
          confidence: 0.9,
          jackknifeBlocks: 4,
        }),
      /jackknifeBlocks/,
    ],
    [
      "minimumDetectableEffect negative se",
      () => minimumDetectableEffect(-1, { alpha: 0.05, power: 0.8, sided: "two" }),
      /standardError/,
    ],
    [
      "requiredSampleSize zero effect",
      () => requiredSampleSize(10, 0.1, 0, { alpha: 0.05, power: 0.8, sided: "two" }),
      /effect/,
    ],
  ])("%s throws a RangeError naming the argument", (_, call, message) => {
    expect(call).toThrow(RangeError);
    expect(call).toThrow(message);
  });
});
