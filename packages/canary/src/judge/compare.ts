import { formatNumber } from "@mlgate/core";
import { pct } from "./describe.js";
import { hodgesLehmann, mannWhitney } from "./mann-whitney.js";
import { type ArmMoments, binaryMoments, sequentialTest } from "./sequential.js";
import { type KolmogorovSmirnovResult, kolmogorovSmirnov, populationStabilityIndex } from "./shift.js";
import type { MetricTrack, Side } from "./track.js";
import type { Evaluation, JudgeSettings } from "./types.js";

/** The fields every evaluation of a metric shares at one look. */
export type EvaluationBase = Pick<Evaluation, "metric" | "samples" | "estimate">;

function moments(track: MetricTrack, side: Side): ArmMoments {
  const m = track.total[side];
  if (track.spec.kind === "binary") return binaryMoments(m.n, Math.round(m.mean * m.n));
  return { n: m.n, mean: m.mean, variance: m.variance };
}

/** Difference on the compared scale → change of the candidate: relative, or absolute for 0/1 metrics. */
function relative(track: MetricTrack, d: number, baselineMean: number): number {
  if (track.spec.scale === "log") return Math.exp(d) - 1;
  if (track.spec.kind === "binary") return d;
  return baselineMean !== 0 ? d / Math.abs(baselineMean) : Number.NaN;
}

function pooledSd(a: ArmMoments, b: ArmMoments): number {
  const dof = a.n + b.n - 2;
  if (dof <= 0) return 0;
  return Math.sqrt(((a.n - 1) * a.variance + (b.n - 1) * b.variance) / dof);
}

const signOf = (track: MetricTrack) => (track.spec.direction === "increase" ? 1 : -1);
const pending = (
  base: EvaluationBase,
  test: Evaluation["test"],
  rule: string,
  minSamples: number,
): Evaluation => ({
  ...base,
  test,
  status: "pending",
  rule,
  message: `waiting for ${minSamples} samples per side`,
});

/**
 * The sequential comparison on the rollout's running moments; updates the track's running minimum
 * p-value (an always-valid p-value). Its status is settled by Holm's step in the look.
 */
export function compareSequential(
  track: MetricTrack,
  settings: JudgeSettings,
  base: EvaluationBase,
): Evaluation {
  const s = track.spec;
  const sign = signOf(track);
  const c = moments(track, "candidate");
  const b = moments(track, "baseline");
  const rule = `sequential mSPRT, α = ${formatNumber(settings.alpha)}, tolerance ${pct(sign * s.tolerance)}`;
  if (c.n < s.minSamples || b.n < s.minSamples) return pending(base, "sequential", rule, s.minSamples);
  const margin = s.scale === "log" ? Math.log1p(s.tolerance) : s.tolerance * Math.abs(b.mean);
  const tau = Math.max(settings.tauSd * pooledSd(c, b), margin / 2, 1e-12);
  const r = sequentialTest({ candidate: c, baseline: b, sign, margin, tau, alpha: settings.alpha });
  track.sequentialP = Math.min(track.sequentialP, r.p);
  const bMean = s.scale === "log" ? 0 : b.mean;
  return {
    ...base,
    samples: { candidate: c.n, baseline: b.n },
    test: "sequential",
    status: "pass",
    effectKind: s.kind === "binary" ? "absolute" : "relative",
    effect: relative(track, r.effect, bMean),
    interval: [relative(track, r.interval[0], bMean), relative(track, r.interval[1], bMean)],
    p: track.sequentialP,
    rule,
    message: "",
  };
}

/** The fixed-horizon comparison on this step's samples: Mann-Whitney's p-value, Hodges-Lehmann's shift. */
export function compareMannWhitney(
  track: MetricTrack,
  settings: JudgeSettings,
  base: EvaluationBase,
): Evaluation {
  const s = track.spec;
  const c = track.stepSamples("candidate").map((v) => track.transform(v));
  const b = track.stepSamples("baseline").map((v) => track.transform(v));
  const confidence = 1 - settings.alpha;
  const rule = `Mann-Whitney at confidence ${formatNumber(confidence)}, tolerance ${pct(signOf(track) * s.tolerance)}`;
  if (c.length < s.minSamples || b.length < s.minSamples)
    return pending(base, "mann-whitney", rule, s.minSamples);
  const mw = mannWhitney(c, b);
  const hl = hodgesLehmann(c, b, confidence);
  const bMean = s.scale === "log" ? 0 : b.reduce((x, y) => x + y, 0) / b.length;
  return {
    ...base,
    test: "mann-whitney",
    status: "pass",
    effectKind: s.kind === "binary" ? "absolute" : "relative",
    effect: relative(track, hl.shift, bMean),
    interval: [relative(track, hl.interval[0], bMean), relative(track, hl.interval[1], bMean)],
    p: mw.pTwoSided,
    rule,
    message: "",
  };
}

export interface Shift {
  psi: number;
  ks: KolmogorovSmirnovResult;
}

/** PSI and KS of this step's samples, once both sides have enough of them. */
export function shiftOf(track: MetricTrack): Shift | undefined {
  const c = track.stepSamples("candidate");
  const b = track.stepSamples("baseline");
  if (c.length < track.spec.minSamples || b.length < track.spec.minSamples) return undefined;
  return { psi: populationStabilityIndex(c, b), ks: kolmogorovSmirnov(c, b) };
}

/** The PSI verdict of a shift metric (an effect size: judged directly, at every look). */
export function comparePsi(
  track: MetricTrack,
  shift: Shift | undefined,
  settings: JudgeSettings,
  base: EvaluationBase,
): Evaluation {
  const rule = `PSI <= ${settings.psiLimit}`;
  if (!shift) return pending(base, "psi", rule, track.spec.minSamples);
  const fails = shift.psi > settings.psiLimit;
  return {
    ...base,
    test: "psi",
    status: fails ? "fail" : "pass",
    statistic: shift.psi,
    rule,
    message: `PSI ${formatNumber(shift.psi, 3)}${fails ? `, above ${settings.psiLimit}: the candidate's ${track.spec.name} distribution has shifted` : ""}`,
  };
}

/** The KS test of a shift metric (fixed horizon: at the end of a step); settled by Holm's step. */
export function compareKs(shift: Shift, settings: JudgeSettings, base: EvaluationBase): Evaluation {
  return {
    ...base,
    test: "ks",
    status: "pass",
    statistic: shift.ks.statistic,
    p: shift.ks.p,
    rule: `KS distance <= ${settings.ksLimit} or not significant at ${formatNumber(settings.alpha)}`,
    message: "",
  };
}
