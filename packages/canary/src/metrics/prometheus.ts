import { fetchJson } from "./http-json.js";
import {
  type CollectWindow,
  fillTemplate,
  type MetricSource,
  MetricSourceError,
  type MetricSpec,
  type SamplePair,
  type Versions,
} from "./types.js";

export interface PrometheusOptions {
  /** Base URL of the Prometheus server (its HTTP API lives under /api/v1). */
  url: string;
  versions: Versions;
  /** Resolution of range queries; every evaluated point is one sample (default 15 s). */
  stepMs: number;
  /** How far behind real time to stay, so the newest scrapes have landed (default two steps). */
  delayMs: number;
  timeoutMs: number;
  headers?: Record<string, string>;
}

/** A range query answers at most this many points per series (Prometheus refuses more than 11,000). */
const MAX_POINTS = 11_000;

/** `15s`, `1500ms`: the query step as PromQL writes a duration, for `{{step}}` in range selectors. */
export function promDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}

interface MatrixSeries {
  metric?: Record<string, string>;
  values?: [number, string][];
}

/**
 * Prometheus range queries over the analysis window, once per side with `{{version}}` filled in.
 * Evaluation times sit on multiples of the step, and each window takes the ones after the previous
 * window's end, so no point is counted twice and none is skipped. NaN and infinite points (a ratio
 * over no traffic) are dropped: they are not samples.
 */
export class PrometheusSource implements MetricSource {
  readonly kind = "prometheus";

  constructor(private readonly options: PrometheusOptions) {}

  async collect(metrics: readonly MetricSpec[], window: CollectWindow): Promise<Map<string, SamplePair>> {
    const step = this.options.stepMs;
    const from = window.from - this.options.delayMs;
    const to = window.to - this.options.delayMs;
    const start = (Math.floor(from / step) + 1) * step;
    const end = Math.floor(to / step) * step;
    const out = new Map<string, SamplePair>();
    for (const metric of metrics) {
      if (end < start) {
        out.set(metric.name, { candidate: [], baseline: [] });
        continue;
      }
      const [candidate, baseline] = await Promise.all([
        this.range(metric, this.options.versions.candidate, start, end),
        this.range(metric, this.options.versions.baseline, start, end),
      ]);
      out.set(metric.name, { candidate, baseline });
    }
    return out;
  }

  async close(): Promise<void> {}

  private async range(
    metric: MetricSpec,
    version: string,
    startMs: number,
    endMs: number,
  ): Promise<number[]> {
    const step = this.options.stepMs;
    const points = Math.floor((endMs - startMs) / step) + 1;
    if (points > MAX_POINTS) {
      throw new MetricSourceError(
        `metric ${metric.name}: a window of ${points} points is over Prometheus's limit`,
        {
          permanent: true,
          hint: "raise prometheus.step or shorten the analysis interval",
        },
      );
    }
    const query = fillTemplate(metric.query, { version, step: promDuration(step) });
    const base = this.options.url.replace(/\/+$/, "");
    const answer = await fetchJson({
      url: `${base}/api/v1/query_range`,
      form: {
        query,
        start: (startMs / 1000).toFixed(3),
        end: (endMs / 1000).toFixed(3),
        step: (step / 1000).toFixed(3),
      },
      timeoutMs: this.options.timeoutMs,
      what: "Prometheus",
      ...(this.options.headers ? { headers: this.options.headers } : {}),
    });
    const json = answer.json as {
      status?: string;
      errorType?: string;
      error?: string;
      data?: { resultType?: string; result?: MatrixSeries[] };
    };
    if (json?.status !== "success") {
      const reason = typeof json?.error === "string" ? json.error.slice(0, 300) : `HTTP ${answer.status}`;
      // bad_data is the query's fault; timeouts and unavailability may pass.
      const permanent =
        json?.errorType === "bad_data" ||
        (answer.status >= 400 && answer.status < 500 && answer.status !== 429);
      throw new MetricSourceError(`metric ${metric.name}: Prometheus refused the query: ${reason}`, {
        permanent,
        ...(permanent ? { hint: `check the query: ${query.slice(0, 200)}` } : {}),
      });
    }
    const result = json.data?.result;
    if (json.data?.resultType !== "matrix" || !Array.isArray(result)) {
      throw new MetricSourceError(`metric ${metric.name}: Prometheus did not answer a range result`, {
        permanent: true,
      });
    }
    if (result.length > 1) {
      throw new MetricSourceError(
        `metric ${metric.name}: the query for version ${version} returns ${result.length} series, not one`,
        { permanent: true, hint: "aggregate it to one series, e.g. wrap it in sum(...) or avg(...)" },
      );
    }
    const values = result[0]?.values ?? [];
    const samples: number[] = [];
    for (const pair of values) {
      const v = Number(Array.isArray(pair) ? pair[1] : Number.NaN);
      if (Number.isFinite(v)) samples.push(v * metric.factor);
    }
    return samples;
  }
}
