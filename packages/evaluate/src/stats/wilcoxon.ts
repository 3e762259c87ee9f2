import { requireFiniteArray } from "./guards.js";
import { normalCdf } from "./normal.js";

export interface WilcoxonResult {
  /** min(W+, W-), the two-sided statistic scipy.stats.wilcoxon reports. */
  statistic: number;
  pValue: number;
  /** Non-zero differences that entered the test. */
  n: number;
}

/** Largest n for the exact null distribution: 2^25 subsets still count exactly in a double. */
const EXACT_MAX_N = 25;

/** Number of subsets of {1..n} with each rank sum s, for s = 0..n(n+1)/2. */
function signedRankCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  let reach = 0;
  for (let rank = 1; rank <= n; rank++) {
    reach += rank;
    for (let s = reach; s >= rank; s--) counts[s] = (counts[s] as number) + (counts[s - rank] as number);
  }
  return counts;
}

/** Ranks of |d| with ties averaged; also reports whether any tie occurred and the tie term. */
function absoluteRanks(values: readonly number[]): { ranks: Float64Array; tieSum: number } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => Math.abs(values[i] as number) - Math.abs(values[j] as number),
  );
  const ranks = new Float64Array(n);
  let tieSum = 0; // sum of t^3 - t over groups of tied |d|
  for (let start = 0; start < n; ) {
    const value = Math.abs(values[order[start] as number] as number);
    let end = start + 1;
    while (end < n && Math.abs(values[order[end] as number] as number) === value) end++;
    const average = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i] as number] = average;
    const t = end - start;
    tieSum += t * t * t - t;
    start = end;
  }
  return { ranks, tieSum };
}

/**
 * Wilcoxon signed-rank test on paired differences (candidate - baseline), two-sided.
 * Zero differences are dropped (Wilcoxon's method). With at most 25 non-zero differences and no
 * ties the p-value comes from the exact null distribution; otherwise from the normal
 * approximation with the tie-corrected variance and a continuity correction. Both match
 * scipy.stats.wilcoxon on the non-zero differences (method="exact", or method="approx" with
 * correction=True). If every difference is zero there is nothing to test: p = 1, n = 0.
 */
export function wilcoxonSignedRank(diffs: ArrayLike<number>): WilcoxonResult {
  requireFiniteArray("diffs", diffs);
  if (diffs.length === 0) throw new RangeError("diffs must not be empty");
  const nonZero: number[] = [];
  for (let i = 0; i < diffs.length; i++) {
    const d = diffs[i] as number;
    if (d !== 0) nonZero.push(d);
  }
  const n = nonZero.length;
  if (n === 0) return { statistic: 0, pValue: 1, n: 0 };

  const { ranks, tieSum } = absoluteRanks(nonZero);
  let plus = 0;
  let minus = 0;
  for (let i = 0; i < n; i++) {
    if ((nonZero[i] as number) > 0) plus += ranks[i] as number;
    else minus += ranks[i] as number;
  }
  const statistic = Math.min(plus, minus);

  if (n <= EXACT_MAX_N && tieSum === 0) {
    const counts = signedRankCounts(n);
    const total = 2 ** n;
    if (plus === Math.floor((counts.length - 1) / 2)) return { statistic, pValue: 1, n };
    let atMost = 0;
    for (let s = 0; s <= plus; s++) atMost += counts[s] as number;
    let atLeast = 0;
    for (let s = plus; s < counts.length; s++) atLeast += counts[s] as number;
    return { statistic, pValue: Math.min(1, (2 * Math.min(atMost, atLeast)) / total), n };
  }

  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1) - 0.5 * tieSum) / 24);
  const correction = 0.5 * Math.sign(statistic - mean);
  const z = (statistic - mean - correction) / sd;
  return { statistic, pValue: Math.min(1, 2 * normalCdf(-Math.abs(z))), n };
}
