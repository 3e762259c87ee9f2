import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { z } from "zod";
import { decodeHistogram, encodeHistogram, mergeHistograms } from "./histogram.js";
import { LIMITS } from "./limits.js";
import { emptyCounters, type Measurements, newBucket } from "./measurements.js";
import { ERROR_KINDS } from "./outcome.js";

export const RESULT_FORMAT = "mlgate-load-result";

/** How the run was set up: shards of one test must agree on all of it. */
export interface RunMeta {
  target: string;
  method: string;
  model: "open" | "closed";
  /** Human description of the load: `200/s for 30s`, `ramp 0 → 200/s over 30s`, `50 users for 30s`. */
  profile: string;
  /** Open model: the whole test's mean arrival rate over the measured phase (every shard). */
  rate?: number;
  /** Requests the whole test plans to measure (every shard), when known in advance. */
  plannedRequests?: number;
  durationMs: number;
  warmupMs: number;
  stream: boolean;
  /** 1-based. */
  shard: { index: number; count: number };
  startedAt: string;
  /** Why the run stopped before its end (abort-early), if it did. */
  aborted?: string;
  /** Set on a merged result: how many shards it combines. */
  mergedShards?: number;
}

export interface LoadResult {
  meta: RunMeta;
  measurements: Measurements;
}

const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const encoded = z
  .string()
  .min(1)
  .max(16 * 1024 * 1024);

const fileSchema = z.strictObject({
  format: z.literal(RESULT_FORMAT),
  version: z.literal(1),
  meta: z.strictObject({
    target: z.string().max(8192),
    method: z.string().max(16),
    model: z.enum(["open", "closed"]),
    profile: z.string().max(2000),
    rate: z.number().nonnegative().optional(),
    plannedRequests: count.optional(),
    durationMs: z.number().nonnegative(),
    warmupMs: z.number().nonnegative(),
    stream: z.boolean(),
    shard: z.strictObject({ index: z.int().min(1), count: z.int().min(1).max(LIMITS.maxShards) }),
    startedAt: z.string().max(64),
    aborted: z.string().max(2000).optional(),
    mergedShards: z.int().min(1).max(LIMITS.maxShards).optional(),
  }),
  counters: z.strictObject({
    requests: count,
    ok: count,
    late: count,
    queued: count,
    tokens: count,
    errors: z.strictObject(
      Object.fromEntries(ERROR_KINDS.map((k) => [k, count])) as Record<
        (typeof ERROR_KINDS)[number],
        typeof count
      >,
    ),
  }),
  throughput: z.number().nonnegative(),
  windowMs: z.number().nonnegative(),
  errorSamples: z.partialRecord(z.enum(ERROR_KINDS), z.string().max(1000)),
  histograms: z.strictObject({
    latency: encoded,
    uncorrected: encoded,
    startLag: encoded,
    ttft: encoded,
    itl: encoded,
    tokenRate: encoded,
  }),
  timeline: z.strictObject({
    bucketMs: z.number().positive(),
    buckets: z
      .array(z.strictObject({ count, errors: count, latency: encoded }))
      .max(LIMITS.maxTimelineBuckets),
  }),
});

type ResultFile = z.infer<typeof fileSchema>;

/** The result as JSON, histograms in HdrHistogram's compressed encoding. */
export function encodeResult(result: LoadResult): string {
  const m = result.measurements;
  const file: ResultFile = {
    format: RESULT_FORMAT,
    version: 1,
    meta: result.meta,
    counters: m.counters,
    throughput: m.throughput,
    windowMs: m.windowMs,
    errorSamples: m.errorSamples as Record<string, string>,
    histograms: {
      latency: encodeHistogram(m.latency),
      uncorrected: encodeHistogram(m.uncorrected),
      startLag: encodeHistogram(m.startLag),
      ttft: encodeHistogram(m.ttft),
      itl: encodeHistogram(m.itl),
      tokenRate: encodeHistogram(m.tokenRate),
    },
    timeline: {
      bucketMs: m.timeline.bucketMs,
      buckets: m.timeline.buckets.map((b) => ({
        count: b.count,
        errors: b.errors,
        latency: encodeHistogram(b.latency),
      })),
    },
  };
  return `${JSON.stringify(file)}\n`;
}

export async function writeResultFile(path: string, result: LoadResult): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, encodeResult(result));
}

/** Parse a result file's text; every problem names the file and the field. */
export function decodeResult(text: string, file: string): LoadResult {
  const raw = parseJsonText(text, file, "load-test result");
  if (raw && typeof raw === "object" && (raw as { format?: unknown }).format !== RESULT_FORMAT) {
    throw new GateError(`${file} is not a load-test result file`, {
      location: { file },
      hint: "give the files written by `mlgate load-test --shard i/n` (result-file)",
    });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GateError(`${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`, {
      location: { file },
    });
  }
  const f = parsed.data;
  const h = (name: keyof ResultFile["histograms"]) =>
    decodeHistogram(f.histograms[name], `${file}: histograms.${name}`);
  const measurements: Measurements = {
    latency: h("latency"),
    uncorrected: h("uncorrected"),
    startLag: h("startLag"),
    ttft: h("ttft"),
    itl: h("itl"),
    tokenRate: h("tokenRate"),
    counters: f.counters,
    throughput: f.throughput,
    windowMs: f.windowMs,
    errorSamples: f.errorSamples,
    timeline: {
      bucketMs: f.timeline.bucketMs,
      buckets: f.timeline.buckets.map((b, i) => ({
        count: b.count,
        errors: b.errors,
        latency: decodeHistogram(b.latency, `${file}: timeline.buckets[${i}].latency`),
      })),
    },
  };
  return { meta: f.meta, measurements };
}

export async function readResultFile(file: string): Promise<LoadResult> {
  const text = await readTextFile(file, "load-test result", { maxBytes: LIMITS.maxResultFileBytes });
  return decodeResult(text, file);
}

/** Fields every shard of one test must share. */
const SAME: (keyof RunMeta)[] = ["target", "method", "model", "profile", "durationMs", "warmupMs", "stream"];

/**
 * Combine the shards of one test. Histograms add exactly (same layout, counts summed), counters
 * add, and throughputs add because matrix shards run side by side. Every shard must be there once.
 */
export function mergeResults(parts: readonly { file: string; result: LoadResult }[]): LoadResult {
  const first = parts[0];
  if (!first) throw new GateError("no result files to merge");
  const n = first.result.meta.shard.count;
  const seen = new Map<number, string>();
  for (const { file, result } of parts) {
    for (const key of SAME) {
      if (result.meta[key] !== first.result.meta[key]) {
        throw new GateError(
          `${file} is from a different test than ${first.file}: ${key} is ${JSON.stringify(result.meta[key])}, not ${JSON.stringify(first.result.meta[key])}`,
          {
            location: { file },
          },
        );
      }
    }
    const { index, count: total } = result.meta.shard;
    if (total !== n)
      throw new GateError(`${file} is shard ${index}/${total}, but ${first.file} is one of ${n}`, {
        location: { file },
      });
    const twin = seen.get(index);
    if (twin)
      throw new GateError(`shard ${index}/${n} appears twice: ${twin} and ${file}`, { location: { file } });
    seen.set(index, file);
    if (result.measurements.timeline.bucketMs !== first.result.measurements.timeline.bucketMs) {
      throw new GateError(`${file} has a different timeline resolution than ${first.file}`, {
        location: { file },
      });
    }
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new GateError(
      `shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${n}`).join(", ")} missing from the merge`,
      {
        hint: "every shard's result file is needed: check that each matrix job uploaded its artifact",
      },
    );
  }

  const ms = parts.map((p) => p.result.measurements);
  const counters = emptyCounters();
  for (const m of ms) {
    counters.requests += m.counters.requests;
    counters.ok += m.counters.ok;
    counters.late += m.counters.late;
    counters.queued += m.counters.queued;
    counters.tokens += m.counters.tokens;
    for (const k of ERROR_KINDS) counters.errors[k] += m.counters.errors[k];
  }
  const longest = Math.max(...ms.map((m) => m.timeline.buckets.length));
  const buckets = Array.from({ length: longest }, (_, i) => {
    const b = newBucket();
    for (const m of ms) {
      const part = m.timeline.buckets[i];
      if (!part) continue;
      b.count += part.count;
      b.errors += part.errors;
      b.latency.add(part.latency);
    }
    return b;
  });
  const errorSamples: Measurements["errorSamples"] = {};
  for (const m of ms)
    for (const [k, v] of Object.entries(m.errorSamples)) errorSamples[k as keyof typeof errorSamples] ??= v;
  const aborted = parts.map((p) => p.result.meta.aborted).find((a) => a !== undefined);
  const merged: Measurements = {
    latency: mergeHistograms(ms.map((m) => m.latency)),
    uncorrected: mergeHistograms(ms.map((m) => m.uncorrected)),
    startLag: mergeHistograms(ms.map((m) => m.startLag)),
    ttft: mergeHistograms(ms.map((m) => m.ttft)),
    itl: mergeHistograms(ms.map((m) => m.itl)),
    tokenRate: mergeHistograms(ms.map((m) => m.tokenRate)),
    counters,
    throughput: ms.reduce((sum, m) => sum + m.throughput, 0),
    windowMs: Math.max(...ms.map((m) => m.windowMs)),
    timeline: { bucketMs: first.result.measurements.timeline.bucketMs, buckets },
    errorSamples,
  };
  const starts = parts.map((p) => p.result.meta.startedAt).sort();
  return {
    meta: {
      ...first.result.meta,
      shard: { index: 1, count: 1 },
      mergedShards: n,
      startedAt: starts[0] ?? first.result.meta.startedAt,
      ...(aborted ? { aborted } : {}),
    },
    measurements: merged,
  };
}
