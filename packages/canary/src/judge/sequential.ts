import { logNormalCdf } from "./normal.js";

/** Count, mean and variance of one side's samples on the compared scale. */
export interface ArmMoments {
  n: number;
  mean: number;
  variance: number;
}

export interface SequentialInput {
  candidate: ArmMoments;
  baseline: ArmMoments;
  /** +1 when a larger candidate value is worse (latency, errors), −1 when smaller is worse (accuracy). */
  sign: 1 | -1;
  /** The difference tolerated in the bad direction, on the compared scale (>= 0). */
  margin: number;
  /** Spread of the mixing distribution over effects, on the compared scale (> 0). */
  tau: number;
  alpha: number;
}

export interface SequentialResult {
  /** candidate mean − baseline mean, on the compared scale. */
  effect: number;
  /** Estimated variance of `effect`. */
  variance: number;
  /** log of the one-sided mixture likelihood ratio against "no worse than the margin". */
  logLikelihoodRatio: number;
  /** 1 / likelihood ratio, capped at 1: valid at this look; the running minimum over looks stays valid. */
  p: number;
  /** Two-sided (1 − alpha) confidence sequence for `effect` at this look. */
  interval: [number, number];
}

/**
 * Mixture sequential probability ratio test for a difference of two means (normal approximation with
 * plug-in variances). The likelihood ratio of "the candidate is worse by θ" against "worse by exactly
 * the margin" is averaged over θ − margin ~ half-normal(τ); under the null that average is a
 * nonnegative supermartingale, so by Ville's inequality it ever reaches 1/alpha with probability at
 * most alpha, however often it is looked at. Closed form:
 *
 *   Λ = 2 √(V/(V+τ²)) · exp(τ²x² / (2V(V+τ²))) · Φ(τx / √(V(V+τ²))),   x = sign·D − margin.
 *
 * The interval inverts the two-sided normal mixture (Robbins' boundary) at level 1 − alpha.
 * See docs/judge.md.
 */
export function sequentialTest(input: SequentialInput): SequentialResult {
  const { candidate: c, baseline: b, sign, margin, tau, alpha } = input;
  const effect = c.mean - b.mean;
  const variance = c.variance / Math.max(c.n, 1) + b.variance / Math.max(b.n, 1);
  const x = sign * effect - margin;
  if (!(variance > 0) || !(tau > 0)) {
    // No spread at all: a difference is certain, no difference is no evidence.
    const certain = variance === 0 && x > 0 && c.n > 1 && b.n > 1;
    return {
      effect,
      variance,
      logLikelihoodRatio: certain ? Number.POSITIVE_INFINITY : 0,
      p: certain ? 0 : 1,
      interval: [effect, effect],
    };
  }
  const t2 = tau * tau;
  const vt = variance + t2;
  const logLikelihoodRatio =
    Math.log(2) +
    0.5 * Math.log(variance / vt) +
    (t2 * x * x) / (2 * variance * vt) +
    logNormalCdf((tau * x) / Math.sqrt(variance * vt));
  const p = Math.min(1, Math.exp(-logLikelihoodRatio));
  const half = Math.sqrt(((2 * variance * vt) / t2) * (Math.log(1 / alpha) + 0.5 * Math.log(vt / variance)));
  return { effect, variance, logLikelihoodRatio, p, interval: [effect - half, effect + half] };
}

/**
 * Moments of 0/1 samples given their count of ones, with half a success and half a failure added
 * (so a side with no errors yet still has a variance, and 0 vs 0 is no evidence either way).
 */
export function binaryMoments(n: number, ones: number): ArmMoments {
  const p = (ones + 0.5) / (n + 1);
  return { n, mean: n > 0 ? ones / n : 0, variance: p * (1 - p) };
}
