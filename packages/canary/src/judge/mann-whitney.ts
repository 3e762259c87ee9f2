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
  const all = [
    ...candidate.map((v) => ({ v, c: true })),
    ...baseline.map((v) => ({ v, c: false })),
  ].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j + 2) / 2;
    const t = j - i + 1;
    if (t > 1) tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if (all[k]!.c) rankSum += rank;
    i = j + 1;
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
  diffs.sort();
  const nm = diffs.length;
  const mid = nm % 2 ? diffs[(nm - 1) / 2]! : (diffs[nm / 2 - 1]! + diffs[nm / 2]!) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const reach = z * Math.sqrt((c.length * b.length * (c.length + b.length + 1)) / 12);
  const lo = Math.max(0, Math.floor(nm / 2 - reach));
  const hi = Math.min(nm - 1, nm - 1 - lo);
  return { shift: mid, interval: [diffs[lo]!, diffs[hi]!] };
}
