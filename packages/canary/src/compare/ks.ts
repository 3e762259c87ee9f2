import { kolmogorovSmirnov } from "../judge/shift.js";
import { requireSample } from "./validate.js";

export interface KsResult {
  /** D: the largest vertical gap between the two empirical distribution functions, in [0, 1]. */
  statistic: number;
  /** P(a gap this large or larger) if both samples come from one continuous distribution. */
  pValue: number;
  n: number;
  m: number;
}

/**
 * Two-sample Kolmogorov-Smirnov test. The judge's implementation does the work: D is taken after
 * every run of tied values on both sides has been stepped over (so ties never open a spurious gap),
 * and the p-value is Kolmogorov's limiting distribution at (√Nₑ + 0.12 + 0.11/√Nₑ)·D, Nₑ = nm/(n+m),
 * Stephens' correction that makes it usable from a handful of values per side. With many ties
 * (discrete data) the p-value is conservative.
 */
export function ksTwoSample(a: readonly number[], b: readonly number[]): KsResult {
  requireSample(a, "KS first sample");
  requireSample(b, "KS second sample");
  const { statistic, p } = kolmogorovSmirnov(a, b);
  return { statistic, pValue: p, n: a.length, m: b.length };
}
