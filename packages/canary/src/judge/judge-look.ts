import { evaluateThresholds, formatNumber, type Metric, type ThresholdFunction } from "@mlgate/core";
import {
  compareKs,
  compareMannWhitney,
  comparePsi,
  compareSequential,
  type EvaluationBase,
  type Shift,
  shiftOf,
} from "./compare.js";
import { describeChange, describeInterval, testWords } from "./describe.js";
import { holmAdjust } from "./holm.js";
import { aggregate } from "./summary.js";
import type { MetricTrack } from "./track.js";
import type { Evaluation, JudgeFailure, JudgeSettings, LookContext, LookResult } from "./types.js";

export { describeEffect } from "./describe.js";
export * from "./types.js";

/** What thresholds see: each metric's aggregate of this step's samples, once a side has enough of them. */
function stepValues(
  tracks: readonly MetricTrack[],
  settings: JudgeSettings,
  ctx: LookContext,
): { metrics: Record<string, Metric>; short: string[] } {
  const needsBaseline = new Set(settings.thresholds.filter((t) => t.fn !== null).map((t) => t.metric));
  const metrics: Record<string, Metric> = {};
  const short: string[] = [];
  for (const track of tracks) {
    const s = track.spec;
    const n = { candidate: track.stepCount("candidate"), baseline: track.stepCount("baseline") };
    // After the promotion the baseline may serve nothing: the candidate alone must have data.
    const baselineWanted = !ctx.guard && (s.compare !== "none" || needsBaseline.has(s.name));
    if (n.candidate < s.minSamples || (baselineWanted && n.baseline < s.minSamples)) short.push(s.name);
    if (n.candidate < s.minSamples) continue;
    const metric: Metric = {
      value: aggregate(track.stepSamples("candidate"), s.aggregate)!,
      dimension: s.dimension,
    };
    if (n.baseline >= s.minSamples) metric.baseline = aggregate(track.stepSamples("baseline"), s.aggregate)!;
    metrics[s.name] = metric;
  }
  return { metrics, short };
}

/** psi(), ks() and ks_p() for thresholds, computed from the step's samples of the named metric. */
function shiftFunctions(shifts: (name: string) => Shift | undefined): Record<string, ThresholdFunction> {
  const missing = (name: string) => ({ missing: `not enough samples of ${name} on both sides` });
  return {
    psi: (_m, name) => {
      const s = shifts(name);
      return s ? { value: s.psi, dimension: "none" } : missing(name);
    },
    ks: (_m, name) => {
      const s = shifts(name);
      return s ? { value: s.ks.statistic, dimension: "none" } : missing(name);
    },
    ks_p: (_m, name) => {
      const s = shifts(name);
      return s ? { value: s.ks.p, dimension: "none" } : missing(name);
    },
  };
}

/** Adjust the look's p-values by Holm, word each comparison, and mark the ones that fail. */
function settleTests(
  tested: Evaluation[],
  byName: Map<string, MetricTrack>,
  settings: JudgeSettings,
): JudgeFailure | undefined {
  let failure: JudgeFailure | undefined;
  const adjusted = holmAdjust(tested.map((e) => e.p ?? 1));
  tested.forEach((e, i) => {
    e.pAdjusted = adjusted[i]!;
    const s = byName.get(e.metric)!.spec;
    const sign = s.direction === "increase" ? 1 : -1;
    const p = `p = ${formatNumber(e.pAdjusted, 3)}${tested.length > 1 ? " after Holm" : ""}`;
    const what = testWords(e);
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
    const worse =
      e.test === "ks" ? (e.statistic ?? 0) > settings.ksLimit : sign * (e.effect ?? 0) > s.tolerance;
    if (e.pAdjusted <= settings.alpha && worse) {
      e.status = "fail";
      failure ??= {
        metric: e.metric,
        rule: e.rule,
        message:
          e.test === "ks"
            ? `${s.name} shifted: KS distance ${formatNumber(e.statistic!, 3)} against the baseline (${what}, ${p})`
            : e.message,
      };
    }
  });
  return failure;
}

/** The judgement at one look: thresholds on the step's samples, then the comparisons under Holm. */
export function judgeLook(
  tracks: readonly MetricTrack[],
  settings: JudgeSettings,
  ctx: LookContext,
): LookResult {
  const byName = new Map(tracks.map((t) => [t.spec.name, t]));
  const { metrics, short } = stepValues(tracks, settings, ctx);
  const shifts = new Map<string, Shift | undefined>();
  const shiftNamed = (name: string) => {
    if (!shifts.has(name)) {
      const track = byName.get(name);
      shifts.set(name, track ? shiftOf(track) : undefined);
    }
    return shifts.get(name);
  };

  const checks = evaluateThresholds(settings.thresholds, metrics, {
    functions: shiftFunctions(shiftNamed),
    missing: "skip",
  });
  const warnings = checks.filter((c) => c.status === "warn").map((c) => c.message ?? c.name);
  const failed = checks.find((c) => c.status === "fail");
  let failure: JudgeFailure | undefined = failed && {
    metric: settings.thresholds.find((t) => t.source === failed.name)?.metric ?? failed.name,
    rule: `threshold ${failed.name}`,
    message: failed.message ?? `${failed.name} failed`,
  };

  // Comparisons with a p-value wait for Holm; effect sizes (PSI) are judged directly.
  const evaluations: Evaluation[] = [];
  const tested: Evaluation[] = [];
  for (const track of tracks) {
    const s = track.spec;
    const m = metrics[s.name];
    const base: EvaluationBase = {
      metric: s.name,
      samples: { candidate: track.stepCount("candidate"), baseline: track.stepCount("baseline") },
      ...(m?.baseline !== undefined ? { estimate: { candidate: m.value, baseline: m.baseline } } : {}),
    };
    const withP = (e: Evaluation) => {
      evaluations.push(e);
      if (e.status !== "pending") tested.push(e);
    };
    if (s.compare === "sequential") withP(compareSequential(track, settings, base));
    else if (s.compare === "mann-whitney" && ctx.endOfStep) withP(compareMannWhitney(track, settings, base));
    else if (s.compare === "shift") {
      const shift = shiftNamed(s.name);
      const psi = comparePsi(track, shift, settings, base);
      evaluations.push(psi);
      if (psi.status === "fail") {
        failure ??= {
          metric: s.name,
          rule: psi.rule,
          message: `${s.name} shifted: PSI ${formatNumber(psi.statistic!, 3)} against the baseline (limit ${settings.psiLimit})`,
        };
      }
      if (shift && ctx.endOfStep) withP(compareKs(shift, settings, base));
    }
  }
  const tests = settleTests(tested, byName, settings);
  failure ??= tests;
  return { evaluations, checks, ...(failure ? { failure } : {}), warnings, short, metrics };
}
