import { closestMatches, didYouMean, GateError, type Metric, type Threshold } from "@mlgate/core";
import { type Histogram, percentileMs } from "./histogram.js";
import { type Measurements, totalErrors } from "./measurements.js";
import type { ErrorKind } from "./outcome.js";

/** Percentiles reported for latency (from the intended start) and gateable as `p50` … `p99.9`. */
export const PERCENTILES: readonly { name: string; q: number }[] = [
  { name: "p50", q: 50 },
  { name: "p90", q: 90 },
  { name: "p95", q: 95 },
  { name: "p99", q: 99 },
  { name: "p99.9", q: 99.9 },
];

const ERROR_METRICS: Record<string, ErrorKind> = {
  errors_3xx: "status_3xx",
  errors_4xx: "status_4xx",
  errors_5xx: "status_5xx",
  errors_timeout: "timeout",
  errors_connection: "connection",
  errors_validation: "validation",
  errors_stream: "stream",
  errors_dropped: "dropped",
};

const STREAM_ONLY = [
  "ttft_p50",
  "ttft_p90",
  "ttft_p95",
  "ttft_p99",
  "itl_p50",
  "itl_p90",
  "itl_p95",
  "itl_p99",
  "tokens_per_second",
  "tokens",
];

/** Every metric a threshold may name, for this kind of run. */
export function metricNames(stream: boolean): string[] {
  const names = [
    ...PERCENTILES.map((p) => p.name),
    "max",
    "mean",
    "uncorrected_p50",
    "uncorrected_p95",
    "uncorrected_p99",
    "uncorrected_max",
    "start_lag_p99",
    "error_rate",
    "throughput",
    "requests",
    "errors",
    "late_starts",
    "queued_starts",
    ...Object.keys(ERROR_METRICS),
  ];
  return stream ? [...names, ...STREAM_ONLY] : names;
}

/**
 * Refuse thresholds this gate cannot judge before any load is generated, so a typo does not cost a
 * 30-minute run.
 */
export function checkThresholdNames(thresholds: readonly Threshold[], stream: boolean): void {
  const known = metricNames(stream);
  for (const t of thresholds) {
    if (t.fn !== null) {
      throw new GateError(
        `threshold "${t.source}": load-test has no baseline, so ${t.fn}() is not available`,
        {
          hint: "write the absolute limit, e.g. p95 < 250ms",
        },
      );
    }
    if (t.slice !== undefined)
      throw new GateError(`threshold "${t.source}": load-test results have no slices`);
    if (known.includes(t.metric)) continue;
    if (!stream && STREAM_ONLY.includes(t.metric)) {
      throw new GateError(`threshold "${t.source}": ${t.metric} is measured on streaming endpoints only`, {
        hint: "add --stream (stream: true) for a server-sent-events endpoint",
      });
    }
    const guess = didYouMean(closestMatches(t.metric, known));
    throw new GateError(
      `threshold "${t.source}": no metric named "${t.metric}"${guess ? `; ${guess}` : ""}`,
      {
        hint: `available: ${known.join(", ")}`,
      },
    );
  }
}

function time(h: Histogram, q: number, description: string): Metric {
  return { value: percentileMs(h, q) ?? Number.NaN, dimension: "time", description };
}

/**
 * The run's numbers as report metrics. Percentiles of an empty histogram are NaN here (so a
 * threshold on them fails rather than passes); the report leaves them out.
 */
export function metricsOf(m: Measurements, stream: boolean): Record<string, Metric> {
  const c = m.counters;
  const errors = totalErrors(c);
  const out: Record<string, Metric> = {};
  for (const p of PERCENTILES) {
    const uncorrected = percentileMs(m.uncorrected, p.q);
    out[p.name] = time(
      m.latency,
      p.q,
      `latency from the intended start${uncorrected === undefined ? "" : `; from the actual start: ${uncorrected.toFixed(3)}ms`}`,
    );
  }
  out.max = {
    value: percentileMs(m.latency, 100) ?? Number.NaN,
    dimension: "time",
    description: "slowest request, from its intended start",
  };
  out.mean = {
    value: m.latency.totalCount ? m.latency.mean / 1000 : Number.NaN,
    dimension: "time",
    description: "mean latency from the intended start",
  };
  out.uncorrected_p50 = time(m.uncorrected, 50, "from the actual start, as a closed-loop tool measures");
  out.uncorrected_p95 = time(m.uncorrected, 95, "from the actual start");
  out.uncorrected_p99 = time(m.uncorrected, 99, "from the actual start");
  out.uncorrected_max = {
    value: percentileMs(m.uncorrected, 100) ?? Number.NaN,
    dimension: "time",
    description: "from the actual start",
  };
  out.start_lag_p99 = time(m.startLag, 99, "how late requests left after their intended time");
  out.error_rate = {
    value: c.requests > 0 ? errors / c.requests : Number.NaN,
    dimension: "ratio",
    description: "failed requests / measured requests",
  };
  out.throughput = { value: m.throughput, dimension: "rate", description: "successful responses per second" };
  out.requests = {
    value: c.requests,
    dimension: "count",
    description: "measured requests (warm-up excluded)",
  };
  out.errors = { value: errors, dimension: "count" };
  out.late_starts = {
    value: c.late,
    dimension: "count",
    description: "started late because the generator was busy",
  };
  out.queued_starts = { value: c.queued, dimension: "count", description: "waited for a free connection" };
  for (const [name, kind] of Object.entries(ERROR_METRICS))
    out[name] = { value: c.errors[kind], dimension: "count" };
  if (stream) {
    for (const q of [50, 90, 95, 99]) {
      out[`ttft_p${q}`] = time(m.ttft, q, "time to first token, from the intended start");
      out[`itl_p${q}`] = time(m.itl, q, "gap between consecutive tokens");
    }
    const rate = m.tokenRate.totalCount ? m.tokenRate.getValueAtPercentile(50) / 1000 : Number.NaN;
    out.tokens_per_second = {
      value: rate,
      dimension: "rate",
      description: "median decoding rate of a stream",
    };
    out.tokens = { value: c.tokens, dimension: "count", description: "tokens received" };
  }
  return out;
}
