import { type Dimension, GateError } from "@mlgate/core";

/** `shadow`: the paired answers of shadow traffic (the same requests answered by both versions). */
export type MetricProviderKind = "prometheus" | "web" | "probe" | "cloudwatch" | "shadow";

/** How the candidate is compared with the baseline, beyond thresholds. */
export type Comparison = "sequential" | "mann-whitney" | "shift" | "none";

/** Which way is bad: latency and errors `increase`, accuracy `decrease`. */
export type Direction = "increase" | "decrease";

/** How a metric's samples are reduced to the one value thresholds see. */
export type Aggregate = "mean" | "median" | "p90" | "p95" | "p99" | "max" | "min" | "sum";

export const AGGREGATES: readonly Aggregate[] = ["mean", "median", "p90", "p95", "p99", "max", "min", "sum"];

/** What the probe records per request. */
export type ProbeSignal = "latency" | "errors" | "prediction";

/** What paired shadow answers give per request. */
export type ShadowSignal = "latency" | "errors";

export interface MetricSpec {
  /** The name thresholds use: `p95`, `error_rate`, `score`. */
  name: string;
  provider: MetricProviderKind;
  /** PromQL (prometheus), a URL (web), a CloudWatch query, a probe or shadow signal; `{{version}}` is filled in per side. */
  query: string;
  /** web: where the number sits in the JSON answer. */
  path?: string;
  /** Multiply raw values by this to get the canonical unit (seconds → ms: 1000). */
  factor: number;
  dimension: Dimension;
  aggregate: Aggregate;
  direction: Direction;
  compare: Comparison;
  /** Relative difference tolerated before a significant one counts against the candidate (0.05 = 5%). */
  tolerance: number;
  /** `binary`: every sample is 0 or 1 (an error or not). */
  kind: "continuous" | "binary";
  /** Compare on the log scale (positive, skewed values such as latency) or as they are. */
  scale: "log" | "linear";
  /** Fewer samples per side in a step than this and the metric is not judged yet. */
  minSamples: number;
}

/** Samples of one metric for each side, oldest first. */
export interface SamplePair {
  candidate: number[];
  baseline: number[];
}

/** Epoch milliseconds: samples with from < t <= to. */
export interface CollectWindow {
  from: number;
  to: number;
}

export interface Versions {
  baseline: string;
  candidate: string;
}

/** Where metric samples come from. One instance serves every metric of its kind. */
export interface MetricSource {
  readonly kind: MetricProviderKind;
  /** Begin background work (the probe's own traffic). */
  start?(): Promise<void>;
  /** Samples of each metric (by name) in the window. A metric with nothing to show has empty arrays. */
  collect(metrics: readonly MetricSpec[], window: CollectWindow): Promise<Map<string, SamplePair>>;
  close(): Promise<void>;
}

/**
 * A metric source could not answer. `permanent` failures (a malformed query, a query matching many
 * series) will not get better by asking again, so they end the analysis at once.
 */
export class MetricSourceError extends GateError {
  readonly permanent: boolean;

  constructor(message: string, options: { permanent?: boolean; hint?: string; cause?: unknown } = {}) {
    super(message, {
      ...(options.hint ? { hint: options.hint } : {}),
      ...(options.cause ? { cause: options.cause } : {}),
    });
    this.permanent = options.permanent ?? false;
  }
}

/** Fill `{{version}}` (and other `{{key}}`s) in a query template. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? values[key]! : whole,
  );
}

/** Version labels land inside queries and URLs, so they are plain words. */
export const VERSION_LABEL = /^[A-Za-z0-9_.:+@/-]{1,128}$/;
