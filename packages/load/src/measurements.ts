import { type Histogram, newHistogram } from "./histogram.js";
import { ERROR_KINDS, type ErrorKind } from "./outcome.js";

/** Counts of one run (or of merged shards). */
export interface Counters {
  /** Measured requests: every arrival after the warm-up that started, or was dropped. */
  requests: number;
  /** Requests that succeeded (2xx, valid body, complete stream). */
  ok: number;
  errors: Record<ErrorKind, number>;
  /** Starts that left more than the lateness allowance after their intended time because the generator was busy. */
  late: number;
  /** Starts that had to wait for a free connection (every one was busy). */
  queued: number;
  /** Tokens received (streaming). */
  tokens: number;
}

export interface TimeBucket {
  /** Requests whose intended start falls in this bucket, and how many failed. */
  count: number;
  errors: number;
  /** Latency (from the intended start) of the bucket's timed requests. */
  latency: Histogram;
}

/** What a run measured, in a form that merges exactly with other shards of the same test. */
export interface Measurements {
  /** From the intended start (coordinated-omission corrected). */
  latency: Histogram;
  /** From the actual start, as a closed-loop tool would report it. */
  uncorrected: Histogram;
  /** How long after its intended time each request actually started. */
  startLag: Histogram;
  /** Streaming: time to first token (from the intended start), gaps between tokens, tokens per second per stream (×1000). */
  ttft: Histogram;
  itl: Histogram;
  tokenRate: Histogram;
  counters: Counters;
  /** Successful responses per second over the measured window (summed over shards). */
  throughput: number;
  /** Length of the measured window, from the first intended start to the last response (longest shard). */
  windowMs: number;
  timeline: { bucketMs: number; buckets: TimeBucket[] };
  /** The first message of each error kind, for the report. */
  errorSamples: Partial<Record<ErrorKind, string>>;
}

export function emptyCounters(): Counters {
  const errors = Object.fromEntries(ERROR_KINDS.map((k) => [k, 0])) as Record<ErrorKind, number>;
  return { requests: 0, ok: 0, errors, late: 0, queued: 0, tokens: 0 };
}

export function totalErrors(c: Counters): number {
  let n = 0;
  for (const k of ERROR_KINDS) n += c.errors[k];
  return n;
}

export function emptyMeasurements(bucketMs: number): Measurements {
  return {
    latency: newHistogram(),
    uncorrected: newHistogram(),
    startLag: newHistogram(),
    ttft: newHistogram(),
    itl: newHistogram(),
    tokenRate: newHistogram(),
    counters: emptyCounters(),
    throughput: 0,
    windowMs: 0,
    timeline: { bucketMs, buckets: [] },
    errorSamples: {},
  };
}

export function newBucket(): TimeBucket {
  return { count: 0, errors: 0, latency: newHistogram(2) };
}
