import {
  type Chart,
  type Check,
  type Finding,
  formatNumber,
  formatValue,
  type Metric,
  makeReport,
  type Report,
  type Verdict,
} from "@mlgate/core";
import type { RolloutOutcome, StepRecord } from "../engine/outcome.js";
import type { CanaryInput } from "../input.js";
import { CANARY_GATE } from "../input.js";
import { describeEffect, type Evaluation } from "../judge/judge-look.js";
import { describePlan } from "../plan/build-plan.js";
import { formatDuration } from "../plan/parse-steps.js";
import { formatWeight } from "../plan/types.js";

/** Charts past this many looks are thinned evenly, so the Mermaid block stays readable. */
const MAX_CHART_POINTS = 60;

function stepLabel(outcome: RolloutOutcome): string {
  const at = outcome.stoppedAt;
  if (!at) return `at ${formatWeight(outcome.finalWeight)}`;
  return at.where;
}

function verdictOf(outcome: RolloutOutcome, checks: readonly Check[]): Verdict {
  if (outcome.rollbackError) return "error";
  switch (outcome.result) {
    case "promoted":
    case "already-promoted":
      return checks.some((c) => c.status === "warn") ? "warn" : "pass";
    case "cleaned-up":
      return "pass";
    case "concluded":
      return outcome.strategy?.verdict ?? (checks.some((c) => c.status === "warn") ? "warn" : "pass");
    case "held":
      return "warn";
    case "not-started":
      return "error";
    default:
      // The evidence said no; anything else means the gate could not judge.
      return outcome.cause === "metric" ? "fail" : "error";
  }
}

function headlineOf(outcome: RolloutOutcome, input: CanaryInput): string {
  const where = stepLabel(outcome);
  const candidate = input.versions.candidate;
  const own = outcome.strategy?.headline;
  const undone = outcome.strategy?.rollbackWords ?? "rolled back";
  switch (outcome.result) {
    case "concluded":
      return own ?? outcome.reason ?? "concluded";
    case "promoted": {
      if (own) return own;
      const guard =
        input.plan.guardMs > 0 ? ` and a ${formatDuration(Math.round(input.plan.guardMs))} guard window` : "";
      return `promoted ${candidate} to 100% after ${outcome.stepsCompleted - (input.plan.guardMs > 0 ? 1 : 0)} step(s)${guard}: no metric was worse than the baseline`;
    }
    case "already-promoted":
    case "cleaned-up":
      return outcome.reason ?? outcome.result;
    case "not-started":
      return `${outcome.reason}; no traffic was moved`;
    case "rolled-back":
      if (outcome.rollbackError) {
        return `ROLLBACK FAILED: ${outcome.rollbackError}; the candidate may still serve ${formatWeight(outcome.finalWeight)} — stopped ${where} because ${outcome.reason}`;
      }
      return `${outcome.reason} — ${undone} ${where}; the baseline serves all traffic (verified)`;
    case "paused":
      return `${outcome.reason} — paused ${where}: re-run to resume, or run with resume: cleanup to roll back`;
    case "held":
      return `${outcome.reason} — held ${where}; the candidate keeps ${formatWeight(outcome.finalWeight)} of traffic`;
  }
}

function pValue(e: Evaluation): string {
  if (e.pAdjusted === undefined) return "";
  const holm = e.p !== e.pAdjusted ? " (Holm)" : "";
  return `, p = ${formatNumber(e.pAdjusted, 3)}${holm}`;
}

/** `step 2 (25%) · p95: 12.1ms vs 10.3ms (n 150 / 150), +17% [+8%, +26%], p = 0.002 · sequential … · fail` */
function evaluationLine(step: StepRecord, e: Evaluation, input: CanaryInput): string {
  const spec = input.metrics.find((m) => m.name === e.metric);
  const d = spec?.dimension ?? "none";
  const where = step.words.evaluation;
  const estimate = e.estimate
    ? `${formatValue(e.estimate.candidate, d)} vs ${formatValue(e.estimate.baseline, d)}`
    : "no estimate yet";
  const stat =
    e.statistic !== undefined
      ? `, ${e.test === "psi" ? "PSI" : "KS distance"} ${formatNumber(e.statistic, 3)}`
      : "";
  const effect = e.effect !== undefined ? `, ${describeEffect(e)}` : "";
  return `${where} · ${e.metric}: ${estimate} (n ${e.samples.candidate} / ${e.samples.baseline})${effect}${stat}${pValue(e)} · ${e.rule} · ${e.status}`;
}

function comparisonChecks(outcome: RolloutOutcome, input: CanaryInput): Check[] {
  const last = [...outcome.steps].reverse().find((s) => s.look);
  if (!last?.look) return [];
  return last.look.evaluations.map((e) => ({
    name: `${e.metric}: candidate vs baseline (${e.test})`,
    status: e.status === "pending" ? "skip" : e.status,
    actual:
      e.effect !== undefined
        ? `${describeEffect(e)}${pValue(e)}`
        : e.statistic !== undefined
          ? formatNumber(e.statistic, 3) + pValue(e)
          : "—",
    expected: e.rule,
    ...(e.status !== "pass" ? { message: e.message || evaluationLine(last, e, input) } : {}),
  }));
}

function metricsOf(outcome: RolloutOutcome, input: CanaryInput): Record<string, Metric> {
  const last = [...outcome.steps].reverse().find((s) => s.look);
  const out: Record<string, Metric> = {};
  if (!last?.look) return out;
  for (const [name, m] of Object.entries(last.look.metrics)) {
    const spec = input.metrics.find((s) => s.name === name);
    const e = last.look.evaluations.find((x) => x.metric === name && x.interval);
    const metric: Metric = {
      ...m,
      description:
        `${spec?.aggregate ?? "value"} of ${spec?.provider ?? ""} ${spec?.query.slice(0, 60) ?? ""}`.trim(),
    };
    if (
      e?.interval &&
      m.baseline !== undefined &&
      Number.isFinite(e.interval[0]) &&
      Number.isFinite(e.interval[1])
    ) {
      metric.interval = [m.baseline * e.interval[0], m.baseline * e.interval[1]];
      metric.intervalOf = "delta";
    }
    out[name] = metric;
  }
  return out;
}

function thin<T>(points: readonly T[]): T[] {
  if (points.length <= MAX_CHART_POINTS) return [...points];
  const step = points.length / MAX_CHART_POINTS;
  return Array.from(
    { length: MAX_CHART_POINTS },
    (_, i) => points[Math.min(points.length - 1, Math.round(i * step))]!,
  );
}

function chartsOf(outcome: RolloutOutcome, input: CanaryInput): Chart[] {
  const points = thin(outcome.timeline);
  if (points.length === 0) return [];
  const x = points.map((p) => formatDuration(Math.round(p.atMs / 100) * 100));
  const charts: Chart[] = [
    {
      kind: "line",
      title: "Candidate's share of traffic over the rollout",
      x,
      yLabel: "% of traffic",
      series: [{ name: "candidate weight (%)", values: points.map((p) => p.weight) }],
    },
  ];
  const key = outcome.metric ?? input.metrics[0]?.name;
  const spec = input.metrics.find((m) => m.name === key);
  if (key && spec) {
    const value = (v: number | undefined) => (v === undefined ? 0 : v);
    charts.push({
      kind: "line",
      title: `${key} (${spec.aggregate}) per look: candidate vs baseline`,
      x,
      yLabel: spec.dimension === "time" ? "ms" : spec.dimension === "ratio" ? "fraction" : key,
      series: [
        { name: `candidate ${key}`, values: points.map((p) => value(p.values[key]?.candidate)) },
        { name: `baseline ${key}`, values: points.map((p) => value(p.values[key]?.baseline)) },
      ],
    });
  }
  return charts;
}

function findingsOf(outcome: RolloutOutcome, input: CanaryInput): Finding[] {
  const findings: Finding[] = [];
  if (outcome.rollbackError) {
    findings.push({
      rule: "canary.rollback-failed",
      level: "fail",
      message: `the rollback could not be verified: ${outcome.rollbackError}`,
    });
  }
  if (
    outcome.reason &&
    outcome.result !== "promoted" &&
    outcome.result !== "already-promoted" &&
    outcome.result !== "cleaned-up" &&
    outcome.result !== "concluded"
  ) {
    findings.push({
      rule: `canary.${outcome.cause ?? outcome.result}`,
      level: outcome.result === "held" ? "warn" : "fail",
      message: outcome.reason,
      properties: {
        result: outcome.result,
        ...(outcome.rule ? { rule: outcome.rule } : {}),
        ...(outcome.metric ? { metric: outcome.metric } : {}),
      },
    });
  }
  for (const w of outcome.warnings) findings.push({ rule: "canary.warning", level: "warn", message: w });
  findings.push(...(outcome.strategy?.findings ?? []));
  for (const step of outcome.steps) {
    const where = step.words.finding;
    findings.push({
      rule: "canary.step",
      level: "info",
      message: `${where}: ${step.outcome} after ${formatDuration(Math.round(step.endedMs - step.startedMs))}, ${step.looks} look(s)${step.extensions ? `, extended ${step.extensions} time(s) for data` : ""}`,
    });
    for (const e of step.look?.evaluations ?? []) {
      findings.push({ rule: `canary.${e.test}`, level: "info", message: evaluationLine(step, e, input) });
    }
  }
  return findings;
}

/** The report: reason first on a rollback, per-step and per-metric evidence, the timeline charts. */
export function buildReport(outcome: RolloutOutcome, input: CanaryInput): Report {
  const summary = outcome.strategy;
  const checks = [...outcome.checks, ...(summary?.checks ?? []), ...comparisonChecks(outcome, input)];
  const verdict = verdictOf(outcome, checks);
  const judge =
    input.judge.mode === "sequential"
      ? `sequential judge (mixture SPRT, anytime-valid) at a family-wise α of ${formatNumber(input.judge.alpha)} with Holm's correction`
      : `fixed-horizon Mann-Whitney judge at confidence ${formatNumber(1 - input.judge.alpha)} with Holm's correction`;
  const strategyNotes = summary
    ? [
        `Strategy: ${summary.strategy}; ${summary.exposure}.`,
        ...summary.comparison,
        ...(summary.rule ? [`Decided by: ${summary.rule}.`] : []),
      ]
    : [];
  return makeReport({
    gate: CANARY_GATE,
    verdict,
    headline: headlineOf(outcome, input),
    checks,
    metrics: { ...metricsOf(outcome, input), ...(summary?.metrics ?? {}) },
    findings: findingsOf(outcome, input),
    charts: chartsOf(outcome, input),
    outputs: {
      result: outcome.result,
      "final-weight": String(outcome.finalWeight),
      "steps-completed": String(outcome.stepsCompleted),
      "rolled-back": String(outcome.rolledBack),
      reason: outcome.reason ?? "",
      ...(summary?.outputs ?? {}),
    },
    notes: [
      `Plan: ${summary?.plan ?? describePlan(input.plan)}${input.plan.timeScale !== 1 ? ` (durations scaled by ${input.plan.timeScale})` : ""}; ${input.versions.candidate} against ${input.versions.baseline} in ${input.environment}.`,
      `Judged by the ${judge}; thresholds on each step's samples.${outcome.resumedFrom !== undefined ? ` Resumed at step ${outcome.resumedFrom + 1}.` : ""}`,
      ...strategyNotes,
    ],
    startedAt: new Date(outcome.startedAt).toISOString(),
    durationMs: outcome.durationMs,
  });
}
