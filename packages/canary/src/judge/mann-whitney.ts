import { normalQuantile, normalSurvival } from "./normal.js";
import { sortedCopy } from "./summary.js";

export interface MannWhitneyResult {
  /** U of the candidate: how often a candidate sample exceeds a baseline sample (ties count half). */
  u: number;
  z: number;
  /** P(a result this far or further from n·m/2 in either direction) under "same distribution". */
  pTwoSided: number;
  /** One-sided: the candidate tends to be larger. */
  pGreater: number;
  /** One-sided: the candidate tends to be smaller. */
  pLess: number;
}

/**
 * The Mann-Whitney U (Wilcoxon rank-sum) test with the normal approximation, the tie correction of
 * the variance and a continuity correction. O((n+m) log(n+m)).
 */
export function mannWhitney(candidate: readonly number[], baseline: readonly number[]): MannWhitneyResult {
  const n = candidate.length;
  const m = baseline.length;
  if (n === 0 || m === 0) return { u: Number.NaN, z: 0, pTwoSided: 1, pGreater: 1, pLess: 1 };
  // Merge the two sorted samples, giving tied runs their average rank.
  const c = Float64Array.from(candidate).sort();
  const b = Float64Array.from(baseline).sort();
  let rankSum = 0;
  let tieTerm = 0;
  let i = 0;
  let j = 0;
  let rank = 0;
  while (i < n || j < m) {
    const v = j >= m || (i < n && c[i]! <= b[j]!) ? c[i]! : b[j]!;
    let inC = 0;
    let inB = 0;
    while (i < n && c[i] === v) {
      i++;
      inC++;
    }
    while (j < m && b[j] === v) {
      j++;
      inB++;
    }
    const t = inC + inB;
    if (t > 1) tieTerm += t * t * t - t;
    rankSum += inC * (rank + (t + 1) / 2);
    rank += t;
  }
  const N = n + m;
  const u = rankSum - (n * (n + 1)) / 2;
  const mean = (n * m) / 2;
  const variance = ((n * m) / 12) * (N + 1 - tieTerm / (N * (N - 1)));
  if (!(variance > 0)) return { u, z: 0, pTwoSided: 1, pGreater: 1, pLess: 1 };
  const sd = Math.sqrt(variance);
  const zGreater = (u - mean - 0.5) / sd;
  const zLess = (u - mean + 0.5) / sd;
  const pGreater = normalSurvival(zGreater);
  const pLess = normalSurvival(-zLess);
  return {
    u,
    z: (u - mean) / sd,
    pTwoSided: Math.min(1, 2 * Math.min(pGreater, pLess)),
    pGreater,
    pLess,
  };
}

/** Differences beyond this many pairs are estimated from an evenly spaced subsample of each side. */
const MAX_SIDE_FOR_SHIFT = 250;

function thin(sorted: readonly number[]): number[] {
  if (sorted.length <= MAX_SIDE_FOR_SHIFT) return [...sorted];
  const step = sorted.length / MAX_SIDE_FOR_SHIFT;
  return Array.from({ length: MAX_SIDE_FOR_SHIFT }, (_, i) => sorted[Math.floor((i + 0.5) * step)]!);
}

/**
 * Hodges-Lehmann estimate of the shift candidate − baseline (the median of all pairwise differences)
 * with its distribution-free confidence interval from the order statistics of those differences.
 * Large samples are thinned to evenly spaced quantiles first.
 */
export function hodgesLehmann(
  candidate: readonly number[],
  baseline: readonly number[],
  confidence: number,
): { shift: number; interval: [number, number] } {
  const c = thin(sortedCopy(candidate));
  const b = thin(sortedCopy(baseline));
  if (c.length === 0 || b.length === 0) return { shift: Number.NaN, interval: [Number.NaN, Number.NaN] };
  const diffs = new Float64Array(c.length * b.length);
  let k = 0;
  for (const x of c) for (const y of b) diffs[k++] = x - y;
  const nm = diffs.length;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const reach = z * Math.sqrt((c.length * b.length * (c.length + b.length + 1)) / 12);
  const lo = Math.max(0, Math.floor(nm / 2 - reach));
  const hi = Math.min(nm - 1, nm - 1 - lo);
  // Three order statistics by selection: linear time instead of sorting every difference.
  const mid = nm % 2 ? select(diffs, (nm - 1) / 2) : (select(diffs, nm / 2 - 1) + select(diffs, nm / 2)) / 2;
  const interval: [number, number] = [select(diffs, lo), select(diffs, hi)];
  return { shift: mid, interval };
}

/** The k-th smallest value (0-based), partially reordering `a` in place (Hoare's selection). */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k]!;
  }
  return a[k]!;
}
