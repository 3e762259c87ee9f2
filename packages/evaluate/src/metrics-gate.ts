import {
  type Chart,
  type Check,
  evaluateThresholds,
  GateError,
  type Metric,
  makeReport,
  parseThresholds,
  type Report,
  type Threshold,
  verdictOf,
} from "@mlgate/core";
import { type GateExtras, NO_EXTRAS, noBaselineCheck } from "./extras.js";
import { type MetricValues, readMetricsFile } from "./metrics-file.js";

export const EVAL_GATE = "eval-gate";

export interface MetricsGateInput {
  /** Metrics of the candidate model (JSON or YAML). */
  candidate: string;
  /** Metrics of the baseline (production) model, for `delta()` and `ratio()` gates. */
  baseline?: string;
  /** Thresholds in the shared language: `accuracy >= 0.92`, `delta(f1) >= -0.005`. */
  gates: readonly string[];
  /** metric name → JSONPath, for metric files written by other tools. */
  select?: Record<string, string>;
  /** Comparisons without a baseline file: an error (default), or skipped (while a first baseline is saved). */
  missingBaseline?: "error" | "skip";
}

/** Above this many metrics, the report lists only the gated ones. */
const MAX_LISTED_METRICS = 50;

/**
 * Judge a candidate's metric file against absolute and baseline-relative thresholds. `extras`
 * (behavioural tests, baseline checks, notes) join the report before the verdict is taken.
 */
export async function runMetricsGate(
  input: MetricsGateInput,
  extras: GateExtras = NO_EXTRAS,
): Promise<Report> {
  const started = Date.now();
  const skipComparisons = input.missingBaseline === "skip" && input.baseline === undefined;
  if (input.gates.length === 0 && extras.checks.length === 0 && !skipComparisons) {
    throw new GateError("no gates to check", {
      hint: "add `gates:` under `eval-gate:` in mlgate.yml, or pass --gate 'accuracy >= 0.9'",
    });
  }
  const parsed = parseThresholds(input.gates);
  const thresholds = skipComparisons ? parsed.filter((t) => t.fn === null) : parsed;
  const scoped = thresholds.find((t) => t.slice !== undefined);
  if (scoped) {
    throw new GateError(`"${scoped.source}": slice gates need per-item results, not a metrics file`, {
      hint: "give per-item results (JSONL or CSV with id, label, prediction and slice columns), or name the slice's metric directly, e.g. slices.fr.accuracy",
    });
  }
  const options = input.select ? { select: input.select } : {};
  const candidate = await readMetricsFile(input.candidate, options);
  const baseline = input.baseline ? await readMetricsFile(input.baseline, options) : undefined;

  const metrics = joinMetrics(candidate, baseline);
  const late = extras.late?.({}) ?? { checks: [], notes: [] };
  const checks = [
    ...evaluateThresholds(thresholds, metrics),
    ...(skipComparisons ? parsed.filter((t) => t.fn !== null).map((t) => noBaselineCheck(t.source)) : []),
    ...extras.checks,
    ...late.checks,
  ];
  const findings = [...extras.findings];
  const verdict = verdictOf(findings, checks);

  return makeReport({
    gate: EVAL_GATE,
    verdict,
    headline: headlineOf(checks, baseline !== undefined),
    checks,
    metrics: { ...listedMetrics(metrics, thresholds), ...extras.metrics },
    charts: comparisonChart(metrics, thresholds),
    findings,
    links: [...extras.links],
    outputs: {
      "failed-checks": String(checks.filter((c) => c.status === "fail").length),
      metrics: JSON.stringify(
        Object.fromEntries(gatedNames(thresholds).map((n) => [n, candidate[n] ?? null])),
      ),
    },
    notes: [
      ...(baseline ? [] : ["No baseline given: only absolute thresholds can be judged."]),
      ...extras.notes,
      ...late.notes,
    ],
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  });
}

/** Each candidate metric, with the baseline's value of the same name when there is one. */
function joinMetrics(candidate: MetricValues, baseline: MetricValues | undefined): Record<string, Metric> {
  const out = Object.create(null) as Record<string, Metric>;
  for (const [name, value] of Object.entries(candidate)) {
    const base = baseline?.[name];
    out[name] = base === undefined ? { value } : { value, baseline: base };
  }
  return out;
}

function gatedNames(thresholds: readonly Threshold[]): string[] {
  return [...new Set(thresholds.map((t) => t.metric))];
}

function listedMetrics(
  metrics: Record<string, Metric>,
  thresholds: readonly Threshold[],
): Record<string, Metric> {
  const names = Object.keys(metrics);
  const keep =
    names.length <= MAX_LISTED_METRICS ? names : gatedNames(thresholds).filter((n) => n in metrics);
  return Object.fromEntries(keep.map((n) => [n, metrics[n] as Metric]));
}

/** One line: what was decided and the checks that decided it. */
function headlineOf(checks: readonly Check[], hasBaseline: boolean): string {
  const failed = checks.filter((c) => c.status === "fail");
  const warned = checks.filter((c) => c.status === "warn");
  const why = (list: readonly Check[]) =>
    list
      .slice(0, 3)
      .map((c) => (c.actual ? `${c.name} (got ${c.actual})` : (c.message ?? c.name)))
      .join("; ") + (list.length > 3 ? `; and ${list.length - 3} more` : "");
  if (failed.length > 0) return `${failed.length} of ${checks.length} checks failed: ${why(failed)}`;
  const vs = hasBaseline ? " against the baseline" : "";
  if (warned.length > 0)
    return `all must-pass checks passed${vs}; ${warned.length} warning(s): ${why(warned)}`;
  return checks.length === 1 ? `the only check passed${vs}` : `all ${checks.length} checks passed${vs}`;
}

/** Candidate vs baseline bars for gated scores on a 0..1 scale (mixing scales would flatten the chart). */
function comparisonChart(metrics: Record<string, Metric>, thresholds: readonly Threshold[]): Chart[] {
  const names = gatedNames(thresholds).filter((n) => {
    const m = metrics[n];
    return m?.baseline !== undefined && [m.value, m.baseline].every((v) => v >= 0 && v <= 1);
  });
  if (names.length === 0) return [];
  return [
    {
      kind: "bar",
      title: "Candidate vs baseline",
      x: names,
      series: [
        { name: "baseline", values: names.map((n) => metrics[n]?.baseline as number) },
        { name: "candidate", values: names.map((n) => metrics[n]?.value as number) },
      ],
    },
  ];
}
