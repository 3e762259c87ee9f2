import { fetchJson, redact } from "./http-json.js";
import { numbersAt, type PathSegment, parsePath } from "./json-path.js";
import {
  type CollectWindow,
  fillTemplate,
  type MetricSource,
  MetricSourceError,
  type MetricSpec,
  type SamplePair,
  type Versions,
} from "./types.js";

export interface WebOptions {
  versions: Versions;
  timeoutMs: number;
  headers?: Record<string, string>;
}

/**
 * Any HTTP endpoint that answers JSON: the metric's `query` is a URL with `{{version}}` (and
 * `{{from}}`/`{{to}}`, the window in epoch seconds), `path` picks the number or list of numbers.
 * Each look asks once per side; every number found is one sample.
 */
export class WebSource implements MetricSource {
  readonly kind = "web";
  private readonly paths = new Map<string, PathSegment[]>();

  constructor(private readonly options: WebOptions) {}

  async collect(metrics: readonly MetricSpec[], window: CollectWindow): Promise<Map<string, SamplePair>> {
    const out = new Map<string, SamplePair>();
    for (const metric of metrics) {
      const [candidate, baseline] = await Promise.all([
        this.fetch(metric, this.options.versions.candidate, window),
        this.fetch(metric, this.options.versions.baseline, window),
      ]);
      out.set(metric.name, { candidate, baseline });
    }
    return out;
  }

  async close(): Promise<void> {}

  private pathOf(metric: MetricSpec): PathSegment[] {
    let segments = this.paths.get(metric.name);
    if (!segments) {
      segments = parsePath(metric.path ?? "$");
      this.paths.set(metric.name, segments);
    }
    return segments;
  }

  private async fetch(metric: MetricSpec, version: string, window: CollectWindow): Promise<number[]> {
    const url = fillTemplate(metric.query, {
      version: encodeURIComponent(version),
      from: (window.from / 1000).toFixed(3),
      to: (window.to / 1000).toFixed(3),
    });
    const answer = await fetchJson({
      url,
      timeoutMs: this.options.timeoutMs,
      what: `metric ${metric.name}`,
      ...(this.options.headers ? { headers: this.options.headers } : {}),
    });
    if (answer.status >= 400) {
      throw new MetricSourceError(`metric ${metric.name}: ${redact(url)} answered HTTP ${answer.status}`, {
        permanent: answer.status !== 429 && answer.status !== 408,
      });
    }
    return numbersAt(answer.json, this.pathOf(metric)).map((v) => v * metric.factor);
  }
}
