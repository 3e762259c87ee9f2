import {
  type Chart,
  type Check,
  evaluateThresholds,
  type Finding,
  formatValue,
  type Metric,
  makeReport,
  type Report,
  type Threshold,
  verdictOf,
} from "@mlgate/core";
import { percentileMs } from "./histogram.js";
import { DEFAULTS } from "./limits.js";
import { type Measurements, totalErrors } from "./measurements.js";
import { metricsOf, PERCENTILES } from "./metrics.js";
import { ERROR_KINDS, ERROR_LABELS } from "./outcome.js";
import type { LoadResult } from "./result-file.js";

export const GATE = "load-test";

/** Thresholds whose metric a late generator can distort: latencies, throughput, token rates. */
const TIMED = new Set(["time", "rate"]);

export interface ReportContext {
  thresholds: readonly Threshold[];
  /** False for one shard of a split test: its thresholds are judged on the merged result. */
  judge: boolean;
  resultFile?: string;
  /** `Name: value` lines, secrets masked. */
  headers?: readonly string[];
  bodyFile?: string;
  connections?: number;
  lateAfterMs?: number;
  maxLateFraction?: number;
  /** Wall-clock time the gate took, for the footer. */
  durationMs?: number;
}

/** The share of starts the generator let slip, when it is more than allowed. */
function lateBeyondAllowance(result: LoadResult, ctx: ReportContext): number | undefined {
  const { counters } = result.measurements;
  if (result.meta.model !== "open" || counters.requests === 0) return undefined;
  const fraction = counters.late / counters.requests;
  return fraction > (ctx.maxLateFraction ?? DEFAULTS.maxLateFraction) ? fraction : undefined;
}

/**
 * Why the run cannot speak for the requested load, or undefined when it can. Late starts only ever
 * add to the measured latency and bunch arrivals together (harder on a server, not easier), so a
 * run that passes despite them still proves the SLA; one that misses a threshold may be missing it
 * because of the generator, and is not judged.
 */
export function inconclusiveReason(
  result: LoadResult,
  ctx: ReportContext,
  checks: readonly Check[] = [],
): string | undefined {
  const fraction = lateBeyondAllowance(result, ctx);
  // Only timing can suffer from a late generator: error counts and rates are judged regardless.
  const timingMissed = checks.some(
    (c, i) =>
      (c.status === "fail" || c.status === "warn") && TIMED.has(ctx.thresholds[i]?.dimension ?? "none"),
  );
  if (fraction === undefined || !timingMissed) return undefined;
  const rate =
    result.meta.rate === undefined ? "the requested rate" : `${formatValue(result.meta.rate, "rate")}`;
  const split =
    result.meta.shard.count > 1 || result.meta.mergedShards
      ? "add shards"
      : "split the test across a matrix with shard: i/n";
  return `inconclusive: the load generator could not hold ${rate}: ${formatValue(fraction, "ratio")} of starts left more than ${ctx.lateAfterMs ?? DEFAULTS.lateAfterMs}ms late because the generator was busy; lower the rate per runner or ${split}`;
}

/** Empty histograms give NaN percentiles: a bound on them fails with a reason instead of passing. */
function explainUnmeasured(
  checks: Check[],
  metrics: Record<string, Metric>,
  thresholds: readonly Threshold[],
): Check[] {
  return checks.map((c, i) => {
    const t = thresholds[i];
    if (!t || c.status === "pass" || !Number.isNaN(metrics[t.metric]?.value ?? 0)) return c;
    return {
      ...c,
      actual: "—",
      message: `${t.metric} could not be measured: no request in the measured phase produced it`,
    };
  });
}

function chartsOf(m: Measurements): Chart[] {
  const charts: Chart[] = [];
  const buckets = m.timeline.buckets;
  if (buckets.length > 0) {
    const step = m.timeline.bucketMs;
    const label = (i: number) => (step % 1000 === 0 ? `${(i * step) / 1000}s` : `${Math.round(i * step)}ms`);
    const series = [50, 95, 99].map((q) => ({
      name: `p${q} (ms)`,
      values: buckets.map((b) => Number((percentileMs(b.latency, q) ?? 0).toFixed(3))),
    }));
    charts.push({
      kind: "line",
      title: "Latency over time, from the intended start (p50, p95, p99)",
      x: buckets.map((_, i) => label(i)),
      yLabel: "ms",
      series,
    });
  }
  if (m.latency.totalCount > 0) {
    charts.push({
      kind: "bar",
      title: "Latency percentiles: from the intended start vs from the actual start",
      x: [...PERCENTILES.map((p) => p.name), "max"],
      yLabel: "ms",
      series: [
        {
          name: "from the intended start (ms)",
          values: [
            ...PERCENTILES.map((p) => round(percentileMs(m.latency, p.q))),
            round(percentileMs(m.latency, 100)),
          ],
        },
        {
          name: "from the actual start (ms)",
          values: [
            ...PERCENTILES.map((p) => round(percentileMs(m.uncorrected, p.q))),
            round(percentileMs(m.uncorrected, 100)),
          ],
        },
      ],
    });
  }
  return charts;
}

function round(v: number | undefined): number {
  return v === undefined ? 0 : Number(v.toFixed(3));
}

function findingsOf(result: LoadResult, ctx: ReportContext): Finding[] {
  const { counters, errorSamples } = result.measurements;
  const out: Finding[] = [];
  for (const kind of ERROR_KINDS) {
    const n = counters.errors[kind];
    if (n === 0) continue;
    const sample = errorSamples[kind];
    out.push({
      rule: `load.${kind.replace("_", "-")}`,
      level: "info",
      message: `${n} ${ERROR_LABELS[kind]}${sample ? `, e.g. ${sample}` : ""}`,
      properties: { count: n },
    });
  }
  if (counters.queued > 0) {
    out.push({
      rule: "load.connections-busy",
      level: "warn",
      message: `${counters.queued} starts waited for a free connection: all ${ctx.connections ?? "available"} were busy, so the endpoint was not keeping up; their wait counts in their latency (raise connections if the endpoint should serve more requests in parallel)`,
      properties: { count: counters.queued },
    });
  }
  if (counters.late > 0) {
    const many = lateBeyondAllowance(result, ctx) !== undefined;
    out.push({
      rule: "load.late-starts",
      level: many ? "warn" : "info",
      message: `${counters.late} starts left more than ${ctx.lateAfterMs ?? DEFAULTS.lateAfterMs}ms after their intended time because the generator was busy${many ? "; their delay counts in the measured latency, so the figures are on the pessimistic side" : ""}`,
      properties: { count: counters.late },
    });
  }
  if (result.meta.model === "closed") {
    out.push({
      rule: "load.closed-model",
      level: "info",
      message:
        "closed model: each user waits for its answer before sending again, so a stall delays requests instead of showing as latency (coordinated omission); use the open model (rate) to hold an SLA",
    });
  }
  return out;
}

function notesOf(result: LoadResult, ctx: ReportContext): string[] {
  const meta = result.meta;
  const m = result.measurements;
  const notes = [
    `Target: ${meta.method} ${meta.target} · load: ${meta.profile}${meta.warmupMs > 0 ? ` after a ${formatValue(meta.warmupMs, "time")} warm-up (excluded)` : ""}${meta.stream ? " · streaming" : ""}`,
    `Measured ${m.counters.requests} requests over ${formatValue(m.windowMs, "time")}; latency is measured from each request's intended start, so stalls are not hidden (the "actual start" figures are what a closed-loop tool would report).`,
  ];
  if (meta.mergedShards) notes.push(`Merged from ${meta.mergedShards} shards; histograms combined exactly.`);
  if (meta.shard.count > 1)
    notes.push(
      `Shard ${meta.shard.index}/${meta.shard.count}: ${ctx.judge ? "" : "thresholds are judged on the merged result (mlgate load-test --merge). "}Result file: ${ctx.resultFile ?? "(not written)"}`,
    );
  if (ctx.headers && ctx.headers.length > 0) notes.push(`Headers: ${ctx.headers.join("; ")}`);
  if (ctx.bodyFile) notes.push(`Bodies: ${ctx.bodyFile}`);
  if (meta.aborted) notes.push(`Stopped early: ${meta.aborted}`);
  return notes;
}

function headlineOf(result: LoadResult, checks: readonly Check[], judged: boolean): string {
  const m = result.measurements;
  const p95 = percentileMs(m.latency, 95);
  const errors = totalErrors(m.counters);
  const rate = m.counters.requests > 0 ? errors / m.counters.requests : 0;
  const summary = `${formatValue(m.throughput, "rate")} ok, p95 ${p95 === undefined ? "—" : formatValue(p95, "time")}, errors ${formatValue(rate, "ratio")}`;
  const stopped = result.meta.aborted ? `stopped early: ${result.meta.aborted}; ` : "";
  if (!judged)
    return `shard ${result.meta.shard.index}/${result.meta.shard.count} measured ${m.counters.requests} requests (${summary}); thresholds are judged on the merged result`;
  const failed = checks.filter((c) => c.status === "fail");
  const warned = checks.filter((c) => c.status === "warn");
  if (failed.length > 0) {
    const reasons = failed.map((c) => c.message ?? c.name).join("; ");
    return `${stopped}${failed.length} of ${checks.length} SLA checks failed: ${reasons}`;
  }
  if (warned.length > 0)
    return `${stopped}SLA met with ${warned.length} warning(s): ${warned.map((c) => c.message ?? c.name).join("; ")}`;
  return `${stopped}all ${checks.length} SLA checks passed (${summary})`;
}

function outputsOf(
  result: LoadResult,
  metrics: Record<string, Metric>,
  ctx: ReportContext,
): Record<string, string> {
  const num = (name: string) => {
    const v = metrics[name]?.value;
    return v === undefined || Number.isNaN(v) ? "" : String(Number(v.toFixed(6)));
  };
  return {
    p50: num("p50"),
    p95: num("p95"),
    p99: num("p99"),
    throughput: num("throughput"),
    "error-rate": num("error_rate"),
    "result-file": ctx.resultFile ?? "",
    requests: String(result.measurements.counters.requests),
  };
}

/** The Report of a finished (or merged) run. */
export function buildReport(result: LoadResult, ctx: ReportContext): Report {
  const stream = result.meta.stream;
  const metrics = metricsOf(result.measurements, stream);
  const evaluated = ctx.judge ? evaluateThresholds(ctx.thresholds, metrics) : [];
  const checks: Check[] = ctx.judge
    ? explainUnmeasured(evaluated, metrics, ctx.thresholds)
    : ctx.thresholds.map((t) => ({
        name: t.source,
        status: "skip" as const,
        message: "judged on the merged result of every shard",
      }));
  const findings = findingsOf(result, ctx);
  const inconclusive = inconclusiveReason(result, ctx, checks);
  const verdict = inconclusive ? "error" : verdictOf(findings, checks);
  const shown: Record<string, Metric> = {};
  for (const [k, v] of Object.entries(metrics)) if (!Number.isNaN(v.value)) shown[k] = v;
  return makeReport({
    gate: GATE,
    verdict,
    headline: inconclusive ?? headlineOf(result, checks, ctx.judge),
    findings,
    checks,
    metrics: shown,
    charts: chartsOf(result.measurements),
    notes: notesOf(result, ctx),
    outputs: outputsOf(result, metrics, ctx),
    startedAt: result.meta.startedAt,
    ...(ctx.durationMs !== undefined ? { durationMs: ctx.durationMs } : {}),
  });
}
