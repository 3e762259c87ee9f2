/**
 * Bounds on what a load test may ask for, so a typo (`--rate 2000000/s`, `--duration 30h`) or a
 * hostile config cannot tie up a runner, flood an endpoint or exhaust memory.
 */
export const LIMITS = Object.freeze({
  /** Highest arrival rate one generator accepts, per second (split larger tests across shards). */
  maxRate: 50_000,
  /** Longest measured phase and longest warm-up, in milliseconds. */
  maxDurationMs: 60 * 60 * 1000,
  maxWarmupMs: 10 * 60 * 1000,
  /** Most requests one generator sends, warm-up included. */
  maxRequests: 50_000_000,
  /** Closed model: most concurrent users; open model: most connections. */
  maxConcurrency: 10_000,
  maxConnections: 10_000,
  /** Ramp stages. */
  maxStages: 100,
  /** Per-request timeout bounds, in milliseconds. */
  minTimeoutMs: 10,
  maxTimeoutMs: 10 * 60 * 1000,
  /** Shards of one test. */
  maxShards: 256,
  /** Request bodies file. */
  maxBodyFileBytes: 64 * 1024 * 1024,
  maxBodies: 1_000_000,
  maxBodyBytes: 1024 * 1024,
  /** Headers. */
  maxHeaders: 64,
  maxHeaderValueBytes: 8 * 1024,
  /** Response bodies kept for validation, and the JSON Schema file. */
  maxValidatedBodyBytes: 1024 * 1024,
  maxSchemaBytes: 1024 * 1024,
  /** Streaming responses: most events in one stream, and most bytes of one event. */
  maxStreamEvents: 100_000,
  maxStreamEventBytes: 1024 * 1024,
  /** A mergeable result file, and how many time buckets it may hold. */
  maxResultFileBytes: 64 * 1024 * 1024,
  maxTimelineBuckets: 1_000,
  /** Files named by --merge. */
  maxMergeFiles: 256,
});

/** Defaults for what the user did not say. */
export const DEFAULTS = Object.freeze({
  timeoutMs: 30_000,
  connections: 1024,
  progressEveryMs: 5_000,
  /** A start that leaves this much after its intended time, because the generator was busy, is late. */
  lateAfterMs: 10,
  /** More late starts than this fraction and the run cannot speak for the requested rate. */
  maxLateFraction: 0.01,
  /** Time buckets aimed for on the latency-over-time chart. */
  timelineBuckets: 60,
  /** Drain: how long to wait for in-flight requests after the schedule ends (capped by the timeout). */
  drainMs: 30_000,
});
