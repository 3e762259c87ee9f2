import { binomialSf, binomialTestTwoSided } from "./binomial.js";
import { requireCount, requireOpenUnit } from "./guards.js";
import { wilsonInterval } from "./wilson.js";

/**
 * Exact McNemar test: b = items the baseline got right and the candidate wrong, c = the
 * opposite. Under no difference each discordant item is a fair coin, so the two-sided p-value is
 * the exact binomial test of b out of b + c at 1/2. No discordant items means no evidence: 1.
 */
export function mcnemarExact(b: number, c: number): number {
  requireCount("b", b);
  requireCount("c", c);
  if (b + c === 0) return 1;
  return binomialTestTwoSided(Math.min(b, c), b + c, 0.5);
}

/**
 * One-sided exact McNemar test: the probability, with no true difference, of at least `worse`
 * discordant items going the wrong way out of `worse + better`, i.e. P(X >= worse) for
 * X ~ Binomial(worse + better, 1/2). This is the p-value of "the candidate is worse" at a zero margin;
 * with `worse > better` it is half the two-sided {@link mcnemarExact}, since the null is symmetric.
 */
export function mcnemarExactOneSided(worse: number, better: number): number {
  requireCount("worse", worse);
  requireCount("better", better);
  if (worse === 0) return 1;
  return binomialSf(worse - 1, worse + better, 0.5);
}

export interface PairedCounts {
  /** Items both models got right. */
  both: number;
  /** Items only the candidate got right. */
  onlyCandidate: number;
  /** Items only the baseline got right. */
  onlyBaseline: number;
  /** Items both got wrong. */
  neither: number;
}

export interface DifferenceInterval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * Confidence interval for candidate accuracy minus baseline accuracy on the same items:
 * Newcombe's hybrid score interval for paired proportions, method 10 of Newcombe (1998)
 * "Improved confidence intervals for the difference between binomial proportions based on paired
 * data", Stat Med 17:2635-2650. It combines the Wilson intervals of the two accuracies with
 * the correlation phi of the paired table, so it respects the pairing, never leaves [-1, 1] and
 * does not degenerate when accuracies sit near 0 or 1, where the Wald interval fails.
 */
export function pairedProportionDifferenceInterval(
  counts: PairedCounts,
  confidence: number,
): DifferenceInterval {
  const { both: a, onlyCandidate: b, onlyBaseline: c, neither: d } = counts;
  requireCount("counts.both", a);
  requireCount("counts.onlyCandidate", b);
  requireCount("counts.onlyBaseline", c);
  requireCount("counts.neither", d);
  requireOpenUnit("confidence", confidence);
  const n = a + b + c + d;
  if (n === 0) throw new RangeError("counts must include at least one item, got n = 0");

  const p1 = (a + b) / n; // candidate accuracy
  const p2 = (a + c) / n; // baseline accuracy
  const [l1, u1] = wilsonInterval(a + b, n, confidence);
  const [l2, u2] = wilsonInterval(a + c, n, confidence);

  // Newcombe's continuity correction on a positive phi: ad - bc shrinks by n/2, not below 0.
  const marginals = (a + b) * (c + d) * (a + c) * (b + d);
  let numerator = a * d - b * c;
  if (numerator > 0) numerator = Math.max(numerator - n / 2, 0);
  const phi = marginals > 0 ? numerator / Math.sqrt(marginals) : 0;

  const estimate = (b - c) / n;
  const dl1 = p1 - l1;
  const du1 = u1 - p1;
  const dl2 = p2 - l2;
  const du2 = u2 - p2;
  const below = Math.sqrt(Math.max(0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2));
  const above = Math.sqrt(Math.max(0, du1 * du1 - 2 * phi * du1 * dl2 + dl2 * dl2));
  return { estimate, low: Math.max(-1, estimate - below), high: Math.min(1, estimate + above) };
}
