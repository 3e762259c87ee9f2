import {
  type Check,
  evaluateThresholds,
  formatNumber,
  type Metric,
  type Threshold,
  type ThresholdFunction,
} from "@mlgate/core";
import { holmAdjust } from "./holm.js";
import { hodgesLehmann, mannWhitney } from "./mann-whitney.js";
import { type ArmMoments, binaryMoments, sequentialTest } from "./sequential.js";
import { kolmogorovSmirnov, populationStabilityIndex } from "./shift.js";
import { aggregate } from "./summary.js";
import type { MetricTrack, Side } from "./track.js";

export interface JudgeSettings {
  /** Family-wise false-alarm rate of the statistical comparisons (Holm across metrics). */
  alpha: number;
  /** Spread of the sequential test's mixture, in standard deviations of one sample. */
  tauSd: number;
  thresholds: readonly Threshold[];
  /** Shift metrics fail above these: PSI at any look, KS (when also significant) at the end of a step. */
  psiLimit: number;
  ksLimit: number;
}

export const DEFAULT_TAU_SD = 0.25;
export const DEFAULT_PSI_LIMIT = 0.2;
export const DEFAULT_KS_LIMIT = 0.1;

export interface LookContext {
  /** The step's bake time is over: fixed-horizon tests run now. */
  endOfStep: boolean;
  /** After the promotion: the baseline may have no live traffic left. */
  guard: boolean;
}

export type TestName = "sequential" | "mann-whitney" | "psi" | "ks";

/** One statistical comparison of one metric at one look. */
export interface Evaluation {
  metric: string;
  test: TestName;
  status: "pass" | "fail" | "pending";
  samples: Record<Side, number>;
  /** The metric's aggregate per side, in its canonical unit. */
  estimate?: Record<Side, number>;
  /** Candidate relative to baseline: 0.21 means 21% higher; for 0/1 metrics the difference in rate. */
  effect?: number;
  /** `absolute` for 0/1 metrics (error rates), whose baseline is often 0. */
  effectKind?: "relative" | "absolute";
  interval?: [number, number];
  /** PSI or the KS distance. */
  statistic?: number;
  p?: number;
  pAdjusted?: number;
  /** The rule in words: `sequential mSPRT, α = 0.01, tolerance +5%`. */
  rule: string;
  message: string;
}

export interface LookResult {
  evaluations: Evaluation[];
  checks: Check[];
  /** The first rule that failed, in words. */
  failure?: { metric: string; rule: string; message: string };
  warnings: string[];
  /** Metrics without enough samples in this step to be judged. */
  short: string[];
  /** The values thresholds saw. */
  metrics: Record<string, Metric>;
}

const pct = (x: number) => `${x > 0 ? "+" : ""}${formatNumber(x * 100, 3)}%`;

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

/** The judgement at one look: thresholds on the step's samples, then the comparisons under Holm. */
export function judgeLook(
  tracks: readonly MetricTrack[],
  settings: JudgeSettings,
  ctx: LookContext,
): LookResult {
  const evaluations: Evaluation[] = [];
  const warnings: string[] = [];
  const short: string[] = [];
  const byName = new Map(tracks.map((t) => [t.spec.name, t]));
  const needsBaseline = new Set(settings.thresholds.filter((t) => t.fn !== null).map((t) => t.metric));

  // What thresholds see: aggregates of this step's samples, once a side has enough of them.
  const metrics: Record<string, Metric> = {};
  for (const track of tracks) {
    const s = track.spec;
    const n = { candidate: track.stepCount("candidate"), baseline: track.stepCount("baseline") };
    const baselineWanted = !ctx.guard && (s.compare !== "none" || needsBaseline.has(s.name));
    if (n.candidate < s.minSamples || (baselineWanted && n.baseline < s.minSamples)) short.push(s.name);
    if (n.candidate < s.minSamples) continue;
    const value = aggregate(track.stepSamples("candidate"), s.aggregate)!;
    const metric: Metric = { value, dimension: s.dimension };
    if (n.baseline >= s.minSamples) metric.baseline = aggregate(track.stepSamples("baseline"), s.aggregate)!;
    metrics[s.name] = metric;
  }

  const shiftOf = (name: string) => {
    const t = byName.get(name);
    if (!t) return undefined;
    const c = t.stepSamples("candidate");
    const b = t.stepSamples("baseline");
    if (c.length < t.spec.minSamples || b.length < t.spec.minSamples) return undefined;
    return { psi: populationStabilityIndex(c, b), ks: kolmogorovSmirnov(c, b) };
  };
  const functions: Record<string, ThresholdFunction> = {
    psi: (_m, name) => {
      const s = shiftOf(name);
      return s
        ? { value: s.psi, dimension: "none" }
        : { missing: `not enough samples of ${name} on both sides` };
    },
    ks: (_m, name) => {
      const s = shiftOf(name);
      return s
        ? { value: s.ks.statistic, dimension: "none" }
        : { missing: `not enough samples of ${name} on both sides` };
    },
  };
  const checks = evaluateThresholds(settings.thresholds, metrics, { functions, missing: "skip" });
  let failure: LookResult["failure"];
  for (const c of checks) {
    if (c.status === "fail" && !failure) {
      const metric = settings.thresholds.find((t) => t.source === c.name)?.metric ?? c.name;
      failure = { metric, rule: `threshold ${c.name}`, message: c.message ?? `${c.name} failed` };
    }
    if (c.status === "warn") warnings.push(c.message ?? c.name);
  }

  // Statistical comparisons: p-values collected for Holm, effect sizes judged directly.
  const tested: Evaluation[] = [];
  for (const track of tracks) {
    const s = track.spec;
    const samples = { candidate: track.stepCount("candidate"), baseline: track.stepCount("baseline") };
    const estimate =
      metrics[s.name]?.baseline !== undefined
        ? { candidate: metrics[s.name]!.value, baseline: metrics[s.name]!.baseline! }
        : undefined;
    const base = { metric: s.name, samples, ...(estimate ? { estimate } : {}) };
    const sign = s.direction === "increase" ? 1 : -1;
    if (s.compare === "sequential") {
      const c = moments(track, "candidate");
      const b = moments(track, "baseline");
      const rule = `sequential mSPRT, α = ${formatNumber(settings.alpha)}, tolerance ${pct(sign * s.tolerance)}`;
      if (c.n < s.minSamples || b.n < s.minSamples) {
        evaluations.push({
          ...base,
          test: "sequential",
          status: "pending",
          rule,
          message: `waiting for ${s.minSamples} samples per side`,
        });
        continue;
      }
      const margin = s.scale === "log" ? Math.log1p(s.tolerance) : s.tolerance * Math.abs(b.mean);
      const tau = Math.max(settings.tauSd * pooledSd(c, b), margin / 2, 1e-12);
      const r = sequentialTest({ candidate: c, baseline: b, sign, margin, tau, alpha: settings.alpha });
      track.sequentialP = Math.min(track.sequentialP, r.p);
      const bMean = s.scale === "log" ? 0 : b.mean;
      const e: Evaluation = {
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
      evaluations.push(e);
      tested.push(e);
    } else if (s.compare === "mann-whitney" && ctx.endOfStep) {
      const c = track.stepSamples("candidate").map((v) => track.transform(v));
      const b = track.stepSamples("baseline").map((v) => track.transform(v));
      const confidence = 1 - settings.alpha;
      const rule = `Mann-Whitney at confidence ${formatNumber(confidence)}, tolerance ${pct(sign * s.tolerance)}`;
      if (c.length < s.minSamples || b.length < s.minSamples) {
        evaluations.push({
          ...base,
          test: "mann-whitney",
          status: "pending",
          rule,
          message: `waiting for ${s.minSamples} samples per side`,
        });
        continue;
      }
      const mw = mannWhitney(c, b);
      const hl = hodgesLehmann(c, b, confidence);
      const bMean = s.scale === "log" ? 0 : b.reduce((x, y) => x + y, 0) / b.length;
      const e: Evaluation = {
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
      evaluations.push(e);
      tested.push(e);
    } else if (s.compare === "shift") {
      const shift = shiftOf(s.name);
      if (!shift) {
        evaluations.push({
          ...base,
          test: "psi",
          status: "pending",
          rule: `PSI <= ${settings.psiLimit}`,
          message: `waiting for ${s.minSamples} samples per side`,
        });
        continue;
      }
      const psiFails = shift.psi > settings.psiLimit;
      evaluations.push({
        ...base,
        test: "psi",
        status: psiFails ? "fail" : "pass",
        statistic: shift.psi,
        rule: `PSI <= ${settings.psiLimit}`,
        message: `PSI ${formatNumber(shift.psi, 3)}${psiFails ? `, above ${settings.psiLimit}: the candidate's ${s.name} distribution has shifted` : ""}`,
      });
      if (psiFails && !failure) {
        failure = {
          metric: s.name,
          rule: `PSI <= ${settings.psiLimit}`,
          message: `${s.name} shifted: PSI ${formatNumber(shift.psi, 3)} against the baseline (limit ${settings.psiLimit})`,
        };
      }
      if (ctx.endOfStep) {
        const e: Evaluation = {
          ...base,
          test: "ks",
          status: "pass",
          statistic: shift.ks.statistic,
          p: shift.ks.p,
          rule: `KS distance <= ${settings.ksLimit} or not significant at ${formatNumber(settings.alpha)}`,
          message: "",
        };
        evaluations.push(e);
        tested.push(e);
      }
    }
  }

  // Holm across every p-value of this look.
  const adjusted = holmAdjust(tested.map((e) => e.p ?? 1));
  tested.forEach((e, i) => {
    e.pAdjusted = adjusted[i]!;
    const track = byName.get(e.metric)!;
    const s = track.spec;
    const sign = s.direction === "increase" ? 1 : -1;
    const significant = e.pAdjusted <= settings.alpha;
    const worse =
      e.test === "ks" ? (e.statistic ?? 0) > settings.ksLimit : sign * (e.effect ?? 0) > s.tolerance;
    const p = `p = ${formatNumber(e.pAdjusted, 3)}${tested.length > 1 ? " after Holm" : ""}`;
    const what =
      e.test === "sequential"
        ? "sequential test"
        : e.test === "mann-whitney"
          ? "Mann-Whitney test"
          : "KS test";
    if (e.test === "ks") {
      e.message = `KS distance ${formatNumber(e.statistic ?? Number.NaN, 3)}, ${p}`;
    } else {
      const interval = e.interval
        ? `, ${formatNumber((1 - settings.alpha) * 100)}% interval ${describeInterval(e)}`
        : "";
      const of =
        e.test === "mann-whitney"
          ? "Hodges-Lehmann shift"
          : s.kind === "binary"
            ? "rates"
            : s.scale === "log"
              ? "geometric means"
              : "means";
      e.message = `${s.name}: the candidate is ${describeChange(e)} the baseline (${what} of ${of}${interval}, ${p})`;
    }
    if (significant && worse) {
      e.status = "fail";
      if (!failure) {
        failure = {
          metric: e.metric,
          rule: e.rule,
          message:
            e.test === "ks"
              ? `${s.name} shifted: KS distance ${formatNumber(e.statistic!, 3)} against the baseline (${what}, ${p})`
              : e.message,
        };
      }
    }
  });

  return { evaluations, checks, ...(failure ? { failure } : {}), warnings, short, metrics };
}

const signedPoints = (x: number) => `${x > 0 ? "+" : ""}${formatNumber(x * 100, 3)} pp`;

/** `+21% [+12%, +31%]` (relative) or `+2.1 pp [+0.4 pp, +3.9 pp]` (0/1 metrics) for tables. */
export function describeEffect(e: Evaluation): string {
  if (e.effect === undefined) return "";
  const show = e.effectKind === "absolute" ? signedPoints : pct;
  return `${show(e.effect)}${e.interval ? ` [${show(e.interval[0])}, ${show(e.interval[1])}]` : ""}`;
}

/** `+12% to +31%`. */
function describeInterval(e: Evaluation): string {
  const show = e.effectKind === "absolute" ? signedPoints : pct;
  return e.interval ? `${show(e.interval[0])} to ${show(e.interval[1])}` : "";
}

/** `21% above` / `2.1 percentage points above` / `as high as`. */
function describeChange(e: Evaluation): string {
  const x = e.effect ?? 0;
  const where = x > 0 ? "above" : x < 0 ? "below" : "level with";
  if (x === 0) return where;
  const size =
    e.effectKind === "absolute"
      ? `${formatNumber(Math.abs(x) * 100, 3)} percentage points`
      : `${formatNumber(Math.abs(x) * 100, 3)}%`;
  return `${size} ${where}`;
}
