import { sortedCopy } from "./summary.js";

/** Proportions below this are floored, so an empty bin does not make the index infinite. */
const PSI_FLOOR = 1e-4;
export const PSI_BINS = 10;

/**
 * Population stability index of the candidate's scores against the baseline's: bins at the
 * baseline's deciles (merged where scores repeat; both samples' deciles when the baseline has
 * almost a single value), Σ (c − b) · ln(c / b) over the bins.
 * Conventional reading: below 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a major one.
 */
export function populationStabilityIndex(
  candidate: readonly number[],
  baseline: readonly number[],
  bins = PSI_BINS,
): number {
  if (candidate.length === 0 || baseline.length === 0) return Number.NaN;
  let edges = quantileEdges(sortedCopy(baseline), bins);
  // A baseline with (nearly) one value has no deciles to speak of: bin on both samples instead.
  if (edges.length < 2) edges = quantileEdges(sortedCopy([...baseline, ...candidate]), bins);
  const count = (values: readonly number[]) => {
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const v of values) {
      // Bin k holds values in [edges[k-1], edges[k]).
      let lo = 0;
      let hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v >= edges[mid]!) lo = mid + 1;
        else hi = mid;
      }
      counts[lo]!++;
    }
    return counts.map((c) => Math.max(c / values.length, PSI_FLOOR));
  };
  const pc = count(candidate);
  const pb = count(baseline);
  let psi = 0;
  for (let i = 0; i < pc.length; i++) psi += (pc[i]! - pb[i]!) * Math.log(pc[i]! / pb[i]!);
  return psi;
}

/** The distinct interior quantiles of a sorted sample, as bin edges. */
function quantileEdges(sorted: readonly number[], bins: number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / bins))]!;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}

export interface KolmogorovSmirnovResult {
  /** The largest gap between the two empirical distribution functions (0 to 1). */
  statistic: number;
  /** Asymptotic p-value of "same distribution" (Kolmogorov's distribution, Stephens' small-sample factor). */
  p: number;
}

/** Two-sample Kolmogorov-Smirnov test. */
export function kolmogorovSmirnov(
  candidate: readonly number[],
  baseline: readonly number[],
): KolmogorovSmirnovResult {
  const n = candidate.length;
  const m = baseline.length;
  if (n === 0 || m === 0) return { statistic: Number.NaN, p: 1 };
  const a = sortedCopy(candidate);
  const b = sortedCopy(baseline);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(a[i]!, b[j]!);
    while (i < n && a[i]! <= v) i++;
    while (j < m && b[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = Math.sqrt((n * m) / (n + m));
  return { statistic: d, p: kolmogorovSurvival((ne + 0.12 + 0.11 / ne) * d) };
}

/** P(K > λ) for Kolmogorov's distribution: 2 Σ (−1)^(k−1) exp(−2k²λ²). */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += (k % 2 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
