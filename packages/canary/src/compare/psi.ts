import { GateError } from "@mlgate/core";
import { describeValue, requireSample } from "./validate.js";

export const DEFAULT_PSI_BINS = 10;
/** More bins than this leave too few values per bin for the shares to mean anything. */
export const MAX_PSI_BINS = 1000;
/** The share given to an empty bin, so that ln(c / b) stays finite. */
export const DEFAULT_PSI_EPSILON = 1e-4;
/** Conventional reading of PSI: below 0.1 stable, below 0.25 a moderate shift, above a major one. */
export const PSI_MODERATE = 0.1;
export const PSI_SHIFTED = 0.25;

export interface PsiBin {
  /** The bin holds values in [low, high); the first bin starts at −∞ and the last ends at +∞. */
  low: number;
  high: number;
  /** Share of the baseline's values in the bin, before smoothing. */
  baseline: number;
  /** Share of the candidate's values in the bin, before smoothing. */
  candidate: number;
  /** This bin's term of the index: (c − b) · ln(c / b) on the smoothed shares. */
  contribution: number;
}

export interface PsiResult {
  psi: number;
  bins: PsiBin[];
}

export interface PsiOptions {
  /** Number of quantile bins wanted (fewer result where the baseline repeats values). Default 10. */
  bins?: number;
  /** Share given to an empty bin. Default 1e-4. */
  epsilon?: number;
}

/**
 * Population stability index of the candidate against the baseline: Σ (c − b) · ln(c / b) over bins
 * cut at the baseline's quantiles, b and c being each sample's share of a bin. It is zero when both
 * samples fill the bins alike and grows as the candidate's mass moves to where the baseline has little.
 */
export function populationStabilityIndex(
  baseline: readonly number[],
  candidate: readonly number[],
  options: PsiOptions = {},
): PsiResult {
  requireSample(baseline, "PSI baseline");
  requireSample(candidate, "PSI candidate");
  const bins = options.bins ?? DEFAULT_PSI_BINS;
  const epsilon = options.epsilon ?? DEFAULT_PSI_EPSILON;
  if (typeof bins !== "number" || !Number.isInteger(bins) || bins < 2 || bins > MAX_PSI_BINS)
    throw new GateError(
      `PSI bins must be a whole number from 2 to ${MAX_PSI_BINS}, got ${describeValue(bins)}`,
    );
  if (typeof epsilon !== "number" || !(epsilon > 0 && epsilon < 1))
    throw new GateError(`PSI epsilon must be strictly between 0 and 1, got ${describeValue(epsilon)}`);

  const sortedBaseline = Float64Array.from(baseline).sort();
  let edges = quantileEdges(sortedBaseline, bins);
  // A constant baseline has no quantiles: cut on both samples instead, so a candidate that moves
  // away from that one value still shows (the baseline then fills one bin and leaves the others empty).
  if (edges.length === 0) edges = quantileEdges(Float64Array.from([...baseline, ...candidate]).sort(), bins);

  const b = shares(baseline, edges);
  const c = shares(candidate, edges);
  let psi = 0;
  const result: PsiBin[] = b.map((bShare, k) => {
    const cShare = c[k]!;
    const bs = bShare > 0 ? bShare : epsilon;
    const cs = cShare > 0 ? cShare : epsilon;
    const contribution = (cs - bs) * Math.log(cs / bs);
    psi += contribution;
    return {
      low: k === 0 ? Number.NEGATIVE_INFINITY : edges[k - 1]!,
      high: k === edges.length ? Number.POSITIVE_INFINITY : edges[k]!,
      baseline: bShare,
      candidate: cShare,
      contribution,
    };
  });
  return { psi, bins: result };
}

/** The conventional reading of a PSI value. */
export function psiLevel(psi: number): "stable" | "moderate" | "shifted" {
  if (typeof psi !== "number" || Number.isNaN(psi) || psi < 0)
    throw new GateError(`PSI must be a number >= 0, got ${describeValue(psi)}`);
  return psi < PSI_MODERATE ? "stable" : psi < PSI_SHIFTED ? "moderate" : "shifted";
}

/**
 * Interior bin edges at the sample's 1/bins, 2/bins, … quantiles. An edge is the smallest value with
 * at least k·n/bins values below it, so a run of tied values is never split across two bins (a cut
 * falling inside a run moves to its end) and every bin holds at least one baseline value.
 */
function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const n = sorted.length;
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    // ceil(k·n / bins) in integers: no rounding at bin boundaries.
    let i = Math.floor((k * n + bins - 1) / bins);
    if (i >= n) break;
    const v = sorted[i]!;
    if (sorted[i - 1] === v) {
      while (i < n && sorted[i] === v) i++;
      if (i >= n) break;
    }
    const edge = sorted[i]!;
    if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
  }
  return edges;
}

/** Each bin's share of the values; bin k holds [edges[k−1], edges[k]), the ends are open. */
function shares(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    // The number of edges at or below v is v's bin.
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]!++;
  }
  return counts.map((count) => count / values.length);
}
