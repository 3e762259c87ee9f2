import {
  errorReport,
  formatValue,
  GateError,
  parseThresholds,
  type Report,
  type Threshold,
} from "@mlgate/core";
import { lossWatches } from "./abort-early.js";
import { readBodies } from "./bodies.js";
import { type DriveState, driveClosed, driveOpen } from "./generator.js";
import { compileHeaders } from "./headers.js";
import { percentileMs } from "./histogram.js";
import { ConnectionPool, POOL_DEFAULTS } from "./http/connection-pool.js";
import { DEFAULTS, LIMITS } from "./limits.js";
import { checkThresholdNames } from "./metrics.js";
import { formatProgress, type Progress } from "./progress.js";
import { showCount, showMs, showRate, within } from "./quantities.js";
import { Recorder } from "./recorder.js";
import { buildReport, GATE } from "./report.js";
import { MeasuredRequest, RequestPlan } from "./request.js";
import { loadResponseSchema } from "./response-schema.js";
import {
  type LoadResult,
  mergeResults,
  type RunMeta,
  readResultFile,
  writeResultFile,
} from "./result-file.js";
import { ArrivalSchedule, type RateSegment } from "./schedule.js";
import { parseTarget, type Target } from "./target.js";

/** Everything a load test can be asked; `resolveLoadTest` builds it from mlgate.yml and flags. */
export interface LoadTestInput {
  /** The endpoint, exactly as requests should reach it. */
  url?: string;
  method?: string;
  /** Open model: arrivals per second (the starting rate when `ramp` is given). */
  rate?: number;
  /** Measured phase at `rate` (default 30 s); not used with `ramp`. */
  durationMs?: number;
  /** Ramp stages: each moves linearly from the previous rate to `rate` over `durationMs`. */
  ramp?: { durationMs: number; rate: number }[];
  /** Unmeasured load before the measured phase, at the starting rate. */
  warmupMs?: number;
  /** Closed model: this many users in a loop, instead of an arrival rate. */
  concurrency?: number;
  /** Open model: most connections at once (default 1024). */
  connections?: number;
  timeoutMs?: number;
  maxRequests?: number;
  bodyFile?: string;
  headers?: Record<string, string>;
  stream?: boolean;
  responseSchema?: string;
  gates: string[];
  abortEarly?: boolean;
  /** 0-based index of `count` shards. */
  shard?: { index: number; count: number };
  resultFile?: string;
  /** Result files of every shard: merge them and judge the thresholds, instead of generating load. */
  merge?: string[];
  /** Progress lines while running (default every 5 s); `log` receives them. */
  progressEveryMs?: number;
  log?: (line: string) => void;
  /** Receives the secret header values (from `${env.NAME}`, or sensitive headers) before anything is logged, to mask them. */
  onSecrets?: (secrets: readonly string[]) => void;
  /** Where `${env.NAME}` in headers reads from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Skip the connectivity check before the run (it sends one unmeasured request). */
  skipPreflight?: boolean;
  /** A start this much after its intended time, because the generator was busy, is late (default 10 ms). */
  lateAfterMs?: number;
}

/** Run the load test (or merge shards) and judge it; failures to judge become an `error` report. */
export async function runLoadTest(input: LoadTestInput): Promise<Report> {
  try {
    return input.merge ? await judgeMerged(input) : await runAndJudge(input);
  } catch (e) {
    return errorReport(GATE, e);
  }
}

function thresholdsOf(input: LoadTestInput, stream: boolean, required: boolean): Threshold[] {
  if (required && input.gates.length === 0) {
    throw new GateError("no SLA thresholds to check", {
      hint: "pass --gate 'p95 < 250ms' (repeatable) or add gates: under load-test: in mlgate.yml",
    });
  }
  const thresholds = parseThresholds(input.gates);
  checkThresholdNames(thresholds, stream);
  return thresholds;
}

async function judgeMerged(input: LoadTestInput): Promise<Report> {
  const started = Date.now();
  const files = input.merge ?? [];
  if (files.length === 0) throw new GateError("--merge names no result files");
  const parts = [];
  for (const file of files) parts.push({ file, result: await readResultFile(file) });
  const merged = mergeResults(parts);
  const thresholds = thresholdsOf(input, merged.meta.stream, true);
  if (input.resultFile) await writeResultFile(input.resultFile, merged);
  return buildReport(merged, {
    thresholds,
    judge: true,
    ...(input.resultFile ? { resultFile: input.resultFile } : {}),
    durationMs: Date.now() - started,
  });
}

/** The rate curve of an open-model test, warm-up first. */
interface LoadShape {
  segments: RateSegment[];
  warmupMs: number;
  measuredMs: number;
  profile: string;
}

function shapeOf(input: LoadTestInput): LoadShape {
  const warmupMs = within(input.warmupMs ?? 0, 0, LIMITS.maxWarmupMs, "warm-up", showMs);
  if (input.ramp && input.ramp.length > 0) {
    if (input.durationMs !== undefined) {
      throw new GateError("give either a duration or ramp stages, not both", {
        hint: "ramp stages last as long as their durations add up to",
      });
    }
    if (input.ramp.length > LIMITS.maxStages)
      throw new GateError(`${input.ramp.length} ramp stages; the limit is ${LIMITS.maxStages}`);
    let from = within(input.rate ?? 0, 0, LIMITS.maxRate, "rate", showRate);
    const segments: RateSegment[] = [];
    const warmRate = from > 0 ? from : input.ramp[0]!.rate;
    if (warmupMs > 0) segments.push({ durationMs: warmupMs, fromRate: warmRate, toRate: warmRate });
    const parts: string[] = [];
    let measuredMs = 0;
    for (const stage of input.ramp) {
      within(stage.rate, 0, LIMITS.maxRate, "ramp rate", showRate);
      within(stage.durationMs, 1, LIMITS.maxDurationMs, "ramp stage duration", showMs);
      segments.push({ durationMs: stage.durationMs, fromRate: from, toRate: stage.rate });
      parts.push(`${showRate(stage.rate)} over ${showMs(stage.durationMs)}`);
      from = stage.rate;
      measuredMs += stage.durationMs;
    }
    within(measuredMs, 1, LIMITS.maxDurationMs, "total ramp duration", showMs);
    return {
      segments,
      warmupMs,
      measuredMs,
      profile: `ramp from ${showRate(input.rate ?? 0)} to ${parts.join(", then ")}`,
    };
  }
  const rate = within(input.rate ?? 0, Number.MIN_VALUE, LIMITS.maxRate, "rate", showRate);
  const measuredMs = within(input.durationMs ?? 30_000, 1, LIMITS.maxDurationMs, "duration", showMs);
  const segments: RateSegment[] = [];
  if (warmupMs > 0) segments.push({ durationMs: warmupMs, fromRate: rate, toRate: rate });
  segments.push({ durationMs: measuredMs, fromRate: rate, toRate: rate });
  return { segments, warmupMs, measuredMs, profile: `${showRate(rate)} for ${showMs(measuredMs)}` };
}

function bucketMsFor(measuredMs: number): number {
  const raw = measuredMs / DEFAULTS.timelineBuckets;
  if (raw <= 1000) return 1000;
  const nice = [2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000];
  return nice.find((n) => n >= raw) ?? 600_000;
}

/** A connectivity check before the run, so a wrong URL is one clear error rather than a run of failures. */
async function preflight(
  pool: ConnectionPool,
  plan: RequestPlan,
  target: Target,
  clock: () => number,
): Promise<void> {
  const outcome = await new Promise<{ error?: string | undefined; detail?: string | undefined }>(
    (resolve) => {
      const request = new MeasuredRequest(
        plan.withoutChecks(),
        clock,
        () => {},
        (r) => resolve({ error: r.error, detail: r.detail }),
      );
      request.send(pool, -1, 0, clock());
    },
  );
  if (outcome.error !== "connection" && outcome.error !== "timeout") return;
  const detail = outcome.detail ?? "";
  const why = /ECONNREFUSED/.test(detail)
    ? "connection refused (nothing listens there)"
    : /ENOTFOUND|EAI_AGAIN/.test(detail)
      ? "the host name does not resolve"
      : outcome.error === "timeout"
        ? `no answer within ${formatValue(plan.timeoutMs, "time")}`
        : detail;
  throw new GateError(`cannot reach ${target.url}: ${why}`, {
    hint: "check the URL and that the endpoint is up and reachable from this runner; requests go to exactly this URL",
  });
}

async function runAndJudge(input: LoadTestInput): Promise<Report> {
  const wallStart = Date.now();
  if (!input.url) {
    throw new GateError("no target URL", {
      hint: "pass the URL (mlgate load-test URL), set load-test.url in mlgate.yml, or merge shards with --merge",
    });
  }
  const target = parseTarget(input.url);
  const stream = input.stream === true;
  const shard = input.shard ?? { index: 0, count: 1 };
  if (shard.count > 1 && input.concurrency !== undefined) {
    throw new GateError("shards split an arrival rate; the closed model (concurrency) cannot be sharded", {
      hint: "use --rate with --shard",
    });
  }
  const thresholds = thresholdsOf(input, stream, shard.count === 1);
  if (stream && input.responseSchema) {
    throw new GateError("response-schema checks whole JSON bodies; a streaming response has none", {
      hint: "drop one of stream and response-schema",
    });
  }
  const closed = input.concurrency !== undefined;
  if (closed && (input.rate !== undefined || (input.ramp?.length ?? 0) > 0)) {
    throw new GateError("give either a rate (open model) or a concurrency (closed model), not both", {
      hint: "the open model (--rate) starts requests on schedule and is the one to hold an SLA with",
    });
  }
  if (!closed && input.rate === undefined && !(input.ramp && input.ramp.length > 0)) {
    throw new GateError("no load given", {
      hint: "pass --rate 200/s (open model) or --concurrency 50 (closed model)",
    });
  }
  const timeoutMs = within(
    input.timeoutMs ?? DEFAULTS.timeoutMs,
    LIMITS.minTimeoutMs,
    LIMITS.maxTimeoutMs,
    "timeout",
    showMs,
  );
  const maxRequests = within(
    input.maxRequests ?? LIMITS.maxRequests,
    1,
    LIMITS.maxRequests,
    "max-requests",
    showCount,
  );
  const connections = within(
    input.connections ?? DEFAULTS.connections,
    1,
    LIMITS.maxConnections,
    "connections",
    showCount,
  );
  const lateAfterMs = input.lateAfterMs ?? DEFAULTS.lateAfterMs;

  const headers = compileHeaders(input.headers ?? {}, input.env ?? process.env);
  if (headers.secrets.length > 0) input.onSecrets?.(headers.secrets);
  const bodies = input.bodyFile ? await readBodies(input.bodyFile) : undefined;
  const check = input.responseSchema ? await loadResponseSchema(input.responseSchema) : undefined;
  const method = (input.method ?? (bodies ? "POST" : "GET")).toUpperCase();
  const extra: string[] = [];
  const named = new Set(Object.keys(input.headers ?? {}).map((h) => h.toLowerCase()));
  if (bodies && !named.has("content-type")) extra.push("content-type", "application/json");
  if (stream && !named.has("accept")) extra.push("accept", "text/event-stream");
  const plan = new RequestPlan({
    method,
    target,
    headers,
    extraHeaders: extra,
    bodies: bodies?.bodies,
    timeoutMs,
    stream,
    check,
  });

  // Open model: the schedule; closed model: users for a duration.
  const shape = closed ? undefined : shapeOf(input);
  const users = closed ? within(input.concurrency!, 1, LIMITS.maxConcurrency, "concurrency", showCount) : 0;
  const closedWarmupMs = closed ? within(input.warmupMs ?? 0, 0, LIMITS.maxWarmupMs, "warm-up", showMs) : 0;
  const closedMeasuredMs = closed
    ? within(input.durationMs ?? 30_000, 1, LIMITS.maxDurationMs, "duration", showMs)
    : 0;
  const schedule = shape ? new ArrivalSchedule(shape.segments, shard) : undefined;
  const warmupMs = shape ? shape.warmupMs : closedWarmupMs;
  const measuredMs = shape ? shape.measuredMs : closedMeasuredMs;
  const totalMs = warmupMs + measuredMs;

  let plannedRequests: number | undefined;
  let globalPlanned: number | undefined;
  if (schedule) {
    const warmGlobal = schedule.globalCountBefore(warmupMs);
    globalPlanned = schedule.globalTotal - warmGlobal;
    plannedRequests = Math.min(schedule.total, maxRequests) - schedule.shardCountOf(warmGlobal);
    if (schedule.total > maxRequests && shard.count === 1) globalPlanned = Math.max(0, plannedRequests);
  } else if (input.maxRequests !== undefined) globalPlanned = plannedRequests = input.maxRequests;

  let t0 = performance.now();
  const clock = () => performance.now() - t0;
  // Connections are opened as requests need them and kept alive: at most one per request in flight,
  // which the models bound (connections, or users).
  const pool = new ConnectionPool(target.connectTo, {
    timeoutMs,
    connectTimeoutMs: Math.min(timeoutMs, 10_000),
    ...POOL_DEFAULTS,
    clock,
  });
  const log = input.log ?? (() => {});
  try {
    if (!input.skipPreflight) await preflight(pool, plan, target, clock);

    const recorder = new Recorder(warmupMs, bucketMsFor(measuredMs), lateAfterMs);
    // The run's clock starts now (the pool's idle-connection stamps from the check only shift later).
    t0 = performance.now();
    const state: DriveState = { started: 0, inFlight: 0 };
    let aborted: string | undefined;
    const watches = input.abortEarly ? lossWatches(thresholds) : [];
    const ctx = {
      pool,
      plan,
      recorder,
      clock,
      maxRequests,
      stopped: () => aborted !== undefined,
    };

    const progressEvery = Math.max(
      250,
      input.progressEveryMs ?? Math.min(DEFAULTS.progressEveryMs, Math.max(1000, totalMs / 10)),
    );
    let lastProgressAt = 0;
    let lastDone = 0;
    const tickMs = Math.min(progressEvery, 500);
    const progress = (now: number, phase?: Progress["phase"]) => {
      const done = recorder.windowDone;
      const p: Progress = {
        phase: phase ?? (now < warmupMs ? "warm-up" : now <= totalMs ? "measuring" : "finishing"),
        elapsedMs: now,
        totalMs,
        achievedRate: ((done - lastDone) * 1000) / Math.max(1, now - lastProgressAt),
        started: state.started,
        inFlight: state.inFlight,
        requests: recorder.m.counters.requests,
        errors: recorder.errors(),
        late: recorder.m.counters.late,
        ...(schedule ? { targetRate: currentRate(shape!.segments, now) / shard.count } : {}),
        ...(shard.count > 1 ? { shard: { index: shard.index + 1, count: shard.count } } : {}),
      };
      const p95 = percentileMs(recorder.m.latency, 95);
      if (p95 !== undefined) p.p95Ms = p95;
      log(formatProgress(p));
      lastProgressAt = now;
      lastDone = done;
    };
    const ticker = setInterval(() => {
      const now = clock();
      if (aborted === undefined && watches.length > 0) {
        for (const w of watches) {
          const reason = w.lost(recorder.m, globalPlanned);
          if (reason) {
            aborted = reason;
            log(`stopping early: ${reason}`);
            break;
          }
        }
      }
      if (now - lastProgressAt >= progressEvery - tickMs / 2) progress(now);
    }, tickMs);
    ticker.unref();
    const startedAt = new Date().toISOString();
    try {
      if (schedule) await driveOpen(schedule, connections, ctx, state);
      else await driveClosed(users, totalMs, ctx, state);
    } finally {
      clearInterval(ticker);
    }
    progress(clock(), "done");

    const measurements = recorder.finish();
    const meta: RunMeta = {
      target: target.url,
      method,
      model: closed ? "closed" : "open",
      profile: shape ? shape.profile : `${users} users for ${showMs(measuredMs)}`,
      ...(shape
        ? { rate: (schedule!.globalTotal - schedule!.globalCountBefore(warmupMs)) / (measuredMs / 1000) }
        : {}),
      ...(globalPlanned !== undefined ? { plannedRequests: globalPlanned } : {}),
      durationMs: measuredMs,
      warmupMs,
      stream,
      shard: { index: shard.index + 1, count: shard.count },
      startedAt,
      ...(aborted ? { aborted } : {}),
    };
    const result: LoadResult = { meta, measurements };
    if (input.resultFile) await writeResultFile(input.resultFile, result);
    return buildReport(result, {
      thresholds,
      judge: shard.count === 1,
      ...(input.resultFile ? { resultFile: input.resultFile } : {}),
      headers: headers.shown,
      ...(input.bodyFile ? { bodyFile: input.bodyFile } : {}),
      connections,
      lateAfterMs,
      durationMs: Date.now() - wallStart,
    });
  } finally {
    pool.close();
  }
}

/** The scheduled rate (whole test) at `ms`. */
function currentRate(segments: readonly RateSegment[], ms: number): number {
  let start = 0;
  for (const s of segments) {
    if (ms < start + s.durationMs)
      return s.fromRate + ((s.toRate - s.fromRate) * (ms - start)) / s.durationMs;
    start += s.durationMs;
  }
  return segments.at(-1)?.toRate ?? 0;
}
