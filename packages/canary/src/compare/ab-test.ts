import { GateError } from "@mlgate/core";
import { normalQuantile, normalSurvival } from "../judge/normal.js";
import { confidenceSequenceRadius, mixtureLogLikelihoodRatio } from "./msprt.js";
import { describeValue, requireConfidence, requireCount, requireOpenUnit } from "./validate.js";
import { newcombeDifference } from "./wilson.js";

/** Visitors shown one arm and how many of them converted. */
export interface ArmCounts {
  n: number;
  conversions: number;
}

export interface AbFixedResult {
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  effect: number;
  /** effect / rateA (±Infinity when rateA is 0 and the effect is not, 0 when both rates are 0). */
  relative: number;
  /** Confidence interval of `effect` (Newcombe's hybrid score interval). */
  low: number;
  high: number;
  /** Two-sided p-value of the pooled two-proportion z-test. */
  pValue: number;
  decision: "b-better" | "a-better" | "no-difference";
}

function requireArm(arm: ArmCounts, name: string, minN: number): void {
  if (typeof arm !== "object" || arm === null)
    throw new GateError(`arm ${name} is ${describeValue(arm)}; expected { n, conversions }`);
  requireCount(arm.n, `arm ${name} n`, minN);
  requireCount(arm.conversions, `arm ${name} conversions`);
  if (arm.conversions > arm.n)
    throw new GateError(`arm ${name} has ${arm.conversions} conversions out of only ${arm.n} visitors`);
}

/**
 * Fixed-horizon A/B comparison of a conversion rate, to be read once, at the sample size planned
 * with {@link abSampleSize}: the pooled two-proportion z-test for "equal rates", and the
 * Newcombe (Wilson-based) interval for the difference, which unlike the Wald interval keeps its
 * coverage when conversions are rare. Looking repeatedly and stopping at the first significant
 * result inflates the error rate: use {@link abSequential} for that. The decision follows the test;
 * in borderline cases the interval may just touch 0 while the test rejects, or the reverse.
 */
export function abFixedSample(a: ArmCounts, b: ArmCounts, confidence = 0.95): AbFixedResult {
  requireArm(a, "A", 1);
  requireArm(b, "B", 1);
  requireConfidence(confidence);
  const rateA = a.conversions / a.n;
  const rateB = b.conversions / b.n;
  const effect = rateB - rateA;
  const pooled = (a.conversions + b.conversions) / (a.n + b.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  // Both arms all-converted or none-converted: identical rates, no evidence of a difference.
  const pValue = se > 0 ? Math.min(1, 2 * normalSurvival(Math.abs(effect) / se)) : 1;
  const { low, high } = newcombeDifference(
    { successes: a.conversions, n: a.n },
    { successes: b.conversions, n: b.n },
    confidence,
  );
  const relative =
    rateA > 0 ? effect / rateA : effect === 0 ? 0 : Math.sign(effect) * Number.POSITIVE_INFINITY;
  const decision = pValue < 1 - confidence ? (effect > 0 ? "b-better" : "a-better") : "no-difference";
  return { rateA, rateB, effect, relative, low, high, pValue, decision };
}

export interface SampleSizeInput {
  /** The control arm's expected conversion rate, in (0, 1). */
  baselineRate: number;
  /** The smallest absolute change worth detecting (0.01 = one percentage point); may be negative. */
  minimumDetectableEffect: number;
  /** Two-sided false-positive rate. Default 0.05. */
  alpha?: number;
  /** Chance of detecting an effect of exactly the minimum size. Default 0.8. */
  power?: number;
}

/**
 * Visitors needed per arm for {@link abFixedSample} to detect `minimumDetectableEffect` with the given
 * power (normal approximation, pooled variance under the null and unpooled under the alternative):
 *
 *   n = ( z(1 − α/2) · √(2 p̄ (1 − p̄)) + z(power) · √(p₁(1 − p₁) + p₂(1 − p₂)) )² / δ²,
 *
 * with p₁ the baseline rate, p₂ = p₁ + δ and p̄ their mean, rounded up.
 */
export function abSampleSize(input: SampleSizeInput): number {
  if (typeof input !== "object" || input === null)
    throw new GateError(
      `sample size input is ${describeValue(input)}; expected { baselineRate, minimumDetectableEffect }`,
    );
  const { baselineRate: p1, minimumDetectableEffect: delta, alpha = 0.05, power = 0.8 } = input;
  requireOpenUnit(p1, "baselineRate");
  requireOpenUnit(alpha, "alpha");
  requireOpenUnit(power, "power");
  if (typeof delta !== "number" || !Number.isFinite(delta) || delta === 0)
    throw new GateError(`minimumDetectableEffect must be a non-zero number, got ${describeValue(delta)}`, {
      hint: "it is an absolute change of the rate: 0.01 for one percentage point",
    });
  const p2 = p1 + delta;
  if (!(p2 > 0 && p2 < 1))
    throw new GateError(
      `baselineRate ${p1} + minimumDetectableEffect ${delta} = ${p2} is not a rate strictly between 0 and 1`,
    );
  const mean = (p1 + p2) / 2;
  const root =
    normalQuantile(1 - alpha / 2) * Math.sqrt(2 * mean * (1 - mean)) +
    normalQuantile(power) * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const n = Math.ceil((root * root) / (delta * delta));
  if (!Number.isSafeInteger(n))
    throw new GateError(`detecting a change of ${delta} needs more visitors than can be counted (${n})`);
  return Math.max(1, n);
}

/** Scale of the default mixing distribution: relative changes of about 10% of the pooled rate. */
export const DEFAULT_MIXING_SCALE = 0.1;

export interface AbSequentialOptions {
  /** Chance of ever declaring a winner when the rates are equal, over all looks together. Default 0.05. */
  alpha?: number;
  /**
   * τ², the variance of the normal mixture over the difference of rates: the effect size the test is
   * tuned to find fastest. Fix it before the experiment (e.g. the square of the smallest difference
   * of interest). Default (0.1 · min(p̄, 1 − p̄))², p̄ the pooled rate.
   */
  mixingVariance?: number;
}

export interface AbSequentialResult {
  decision: "b-better" | "a-better" | "continue";
  /** Always-valid p-value at this look, min(1, 1/Λ); the running minimum over looks is valid too. */
  pValue: number;
  /** rateB − rateA. */
  effect: number;
  /** The (1 − alpha) confidence sequence for the effect at this look, clipped to [−1, 1]. */
  low: number;
  high: number;
  rateA: number;
  rateB: number;
  /** The τ² used. */
  mixingVariance: number;
}

/**
 * Sequential A/B comparison of a conversion rate that may be read after every visitor and stopped at
 * the first decision without inflating the false-positive rate: the mSPRT of msprt.ts on
 * θ̂ = rate(B) − rate(A), with V = p̃A(1 − p̃A)/nA + p̃B(1 − p̃B)/nB and p̃ = (conversions + ½)/(n + 1)
 * (half a conversion and half a miss, so that an arm with no conversions yet still has a spread).
 * Decide "b-better" or "a-better" once Λ >= 1/alpha, i.e. once the confidence sequence leaves 0.
 *
 * The plug-in variance makes the guarantee approximate for tiny arms; so does the default τ², which
 * follows the pooled rate (stable under the null). Pass a fixed `mixingVariance` for the strict form.
 * An arm with no visitors yet gives "continue".
 */
export function abSequential(
  a: ArmCounts,
  b: ArmCounts,
  options: AbSequentialOptions = {},
): AbSequentialResult {
  requireArm(a, "A", 0);
  requireArm(b, "B", 0);
  const alpha = options.alpha ?? 0.05;
  requireOpenUnit(alpha, "alpha");
  if (
    options.mixingVariance !== undefined &&
    (typeof options.mixingVariance !== "number" ||
      !Number.isFinite(options.mixingVariance) ||
      options.mixingVariance <= 0)
  )
    throw new GateError(
      `mixingVariance must be a positive number, got ${describeValue(options.mixingVariance)}`,
    );
  const smooth = (arm: ArmCounts) => (arm.conversions + 0.5) / (arm.n + 1);
  const pooled = (a.conversions + b.conversions + 0.5) / (a.n + b.n + 1);
  const tau2 = options.mixingVariance ?? (DEFAULT_MIXING_SCALE * Math.min(pooled, 1 - pooled)) ** 2;
  const rateA = a.n > 0 ? a.conversions / a.n : 0;
  const rateB = b.n > 0 ? b.conversions / b.n : 0;
  if (a.n === 0 || b.n === 0)
    return {
      decision: "continue",
      pValue: 1,
      effect: 0,
      low: -1,
      high: 1,
      rateA,
      rateB,
      mixingVariance: tau2,
    };
  const sa = smooth(a);
  const sb = smooth(b);
  const variance = (sa * (1 - sa)) / a.n + (sb * (1 - sb)) / b.n;
  const effect = rateB - rateA;
  const logLr = mixtureLogLikelihoodRatio(effect, variance, tau2);
  const pValue = Math.min(1, Math.exp(-logLr));
  const radius = confidenceSequenceRadius(variance, tau2, alpha);
  const decision = logLr >= Math.log(1 / alpha) ? (effect > 0 ? "b-better" : "a-better") : "continue";
  return {
    decision,
    pValue,
    effect,
    low: Math.max(-1, effect - radius),
    high: Math.min(1, effect + radius),
    rateA,
    rateB,
    mixingVariance: tau2,
  };
}
