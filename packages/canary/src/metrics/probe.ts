import { GateError } from "@mlgate/core";
import { ArrivalSchedule } from "@mlgate/load";
import { Pool } from "undici";
import { extractOutputs, type OutputSpec, type OutputValues } from "../shadow/outputs.js";
import { type AnswerPair, PairBuffer, type PairSource } from "../shadow/pairs.js";
import { numbersAt, type PathSegment } from "./json-path.js";
import type { CollectWindow, MetricSource, MetricSpec, ProbeSignal, SamplePair } from "./types.js";

export interface ProbeOptions {
  /** The endpoints to probe, exactly as requests should reach them. */
  baseline: string;
  candidate: string;
  /** Paired arrivals per second: each one sends the same request to both versions. */
  rate: number;
  method?: string;
  /** Request bodies, cycled; the same body goes to both sides. */
  bodies?: readonly Buffer[];
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Where the model's score sits in a 2xx answer, for the prediction-shift metrics. */
  prediction?: PathSegment[];
  /**
   * Requests before this long after the start are sent but not recorded (default 1 s): connections,
   * caches and JIT compilers on both ends warm up first.
   */
  warmupMs?: number;
  /** Connections per side (default 64); arrivals beyond them wait for a free one, and the wait counts as latency. */
  connections?: number;
  /** Requests waiting or in flight per side beyond which an arrival is dropped and counts as an error (default 10 000). */
  maxPending?: number;
  /** Fields of each answer to pair up (the shadow comparison's outputs, in probe-replay mode). */
  outputs?: readonly OutputSpec[];
  /** Epoch milliseconds (injected in tests). */
  now?: () => number;
}

type Side = "baseline" | "candidate";

/** One answered (or failed) probe request. */
interface ProbeRecord {
  /** When it finished, epoch ms. */
  at: number;
  side: Side;
  /** From the intended start, so a stalled server shows as latency. */
  latencyMs: number;
  error: boolean;
  score?: number;
}

/** Bound on memory: the engine drains records at every look, so this only fills if looks stop. */
const MAX_RECORDS = 500_000;
/** The schedule is laid out for a day; a rollout longer than that restarts it. */
const SCHEDULE_MS = 24 * 3_600_000;
const MAX_BODY_BYTES = 1024 * 1024;

function splitUrl(url: string, role: Side): { origin: string; path: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new GateError(`probe: the ${role} URL "${url}" is not a URL`, {
      hint: "e.g. http://10.0.0.5:8080/v1/predict",
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new GateError(`probe: the ${role} URL "${url}" must be http or https`);
  }
  if (parsed.username || parsed.password) {
    throw new GateError(`probe: the ${role} URL carries credentials`, {
      hint: "send them in a header instead",
    });
  }
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/**
 * The gate's own traffic: an open-model arrival schedule (the load generator's) at `rate`, each
 * arrival sending the same request to the baseline and to the candidate. It records latency, errors
 * and the model's score per side, so the candidate is compared on the very inputs the baseline saw.
 * With `outputs`, it also pairs the two answers of each request for the shadow comparison (a replay
 * of recorded requests to both versions: shadow traffic that needs no router).
 */
export class ProbeSource implements MetricSource, PairSource {
  readonly kind = "probe";
  readonly timed = true;
  private readonly pairs = new PairBuffer();
  private readonly targets: Record<Side, { pool: Pool; path: string }>;
  private readonly inFlight: Record<Side, number> = { baseline: 0, candidate: 0 };
  private records: ProbeRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private sent = 0;
  private recordFrom = Number.POSITIVE_INFINITY;
  private readonly now: () => number;

  constructor(private readonly options: ProbeOptions) {
    if (!(options.rate > 0 && options.rate <= 10_000)) {
      throw new GateError(`probe rate ${options.rate}/s is out of range`, { hint: "use 0.1/s to 10000/s" });
    }
    this.now = options.now ?? Date.now;
    const connections = options.connections ?? 64;
    const make = (role: Side) => {
      const { origin, path } = splitUrl(options[role], role);
      return { pool: new Pool(origin, { connections }), path };
    };
    this.targets = { baseline: make("baseline"), candidate: make("candidate") };
  }

  /** Requests sent so far, per side. */
  get requests(): number {
    return this.sent;
  }

  /** Start sending; resolves once the warm-up is over and requests are being recorded. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const warmup = this.options.warmupMs ?? 1000;
    this.recordFrom = this.now() + warmup;
    this.runSchedule();
    if (warmup > 0) await new Promise((r) => setTimeout(r, warmup));
  }

  async collect(metrics: readonly MetricSpec[], window: CollectWindow): Promise<Map<string, SamplePair>> {
    const inWindow = this.records.filter((r) => r.at > window.from && r.at <= window.to);
    // Looks move forward in time: what is older than this window is never asked for again.
    this.records = this.records.filter((r) => r.at > window.to);
    const out = new Map<string, SamplePair>();
    for (const metric of metrics) {
      const signal = metric.query as ProbeSignal;
      const pick = (side: Side) =>
        inWindow
          .filter((r) => r.side === side)
          .flatMap((r): number[] => {
            if (signal === "errors") return [r.error ? 1 : 0];
            if (r.error) return [];
            if (signal === "latency") return [r.latencyMs * metric.factor];
            return r.score === undefined ? [] : [r.score * metric.factor];
          });
      out.set(metric.name, { candidate: pick("candidate"), baseline: pick("baseline") });
    }
    return out;
  }

  describe(): string {
    return "the probe's requests, each sent to both versions";
  }

  /** Both answers of each recorded request, since the last call. */
  async drainPairs(): Promise<AnswerPair[]> {
    return this.pairs.drain();
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([this.targets.baseline.pool.close(), this.targets.candidate.pool.close()]);
  }

  private runSchedule(): void {
    const schedule = new ArrivalSchedule([
      { durationMs: SCHEDULE_MS, fromRate: this.options.rate, toRate: this.options.rate },
    ]);
    const origin = this.now();
    let next = 0;
    const pump = () => {
      this.timer = undefined;
      if (!this.running) return;
      const elapsed = this.now() - origin;
      while (next < schedule.total && schedule.intendedAt(next) <= elapsed) {
        const intended = origin + schedule.intendedAt(next);
        this.fire(this.sent++, intended);
        next++;
      }
      if (next >= schedule.total) {
        this.runSchedule();
        return;
      }
      this.timer = setTimeout(pump, Math.max(0, origin + schedule.intendedAt(next) - this.now()));
    };
    pump();
  }

  private fire(seq: number, intendedAt: number): void {
    const bodies = this.options.bodies;
    const body = bodies && bodies.length > 0 ? bodies[seq % bodies.length] : undefined;
    const answers = (["baseline", "candidate"] as const).map((side) => this.send(side, intendedAt, body));
    if (!this.options.outputs || intendedAt < this.recordFrom) return;
    void Promise.all(answers).then(([b, c]) => {
      this.pairs.push({
        id: `probe-${seq}`,
        at: this.now(),
        baseline: { error: b!.record.error, latencyMs: b!.record.latencyMs, outputs: b!.outputs },
        candidate: { error: c!.record.error, latencyMs: c!.record.latencyMs, outputs: c!.outputs },
      });
    });
  }

  private async send(
    side: Side,
    intendedAt: number,
    body: Buffer | undefined,
  ): Promise<{ record: ProbeRecord; outputs: OutputValues }> {
    const target = this.targets[side];
    const recorded = intendedAt >= this.recordFrom;
    if (this.inFlight[side] >= (this.options.maxPending ?? 10_000)) {
      const dropped = { at: this.now(), side, latencyMs: this.now() - intendedAt, error: true };
      if (recorded) this.record(dropped);
      return { record: dropped, outputs: {} };
    }
    this.inFlight[side]++;
    let record: ProbeRecord;
    let outputs: OutputValues = {};
    try {
      const res = await target.pool.request({
        path: target.path,
        method: (this.options.method ?? (body ? "POST" : "GET")) as "GET",
        headers: { ...(body ? { "content-type": "application/json" } : {}), ...this.options.headers },
        ...(body ? { body } : {}),
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
      });
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const reads = ok && (this.options.prediction || this.options.outputs);
      const answer = reads ? await this.answerOf(res.body) : undefined;
      if (!reads) await res.body.dump();
      const score =
        answer !== undefined && this.options.prediction
          ? numbersAt(answer, this.options.prediction)[0]
          : undefined;
      if (answer !== undefined && this.options.outputs)
        outputs = extractOutputs(answer, this.options.outputs);
      record = {
        at: this.now(),
        side,
        latencyMs: this.now() - intendedAt,
        error: !ok,
        ...(score !== undefined ? { score } : {}),
      };
    } catch {
      record = { at: this.now(), side, latencyMs: this.now() - intendedAt, error: true };
    } finally {
      this.inFlight[side]--;
    }
    if (recorded) this.record(record);
    return { record, outputs };
  }

  /** The answer as JSON, or undefined when it is too large or not JSON. */
  private async answerOf(body: AsyncIterable<Buffer> & { dump(): Promise<void> }): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return undefined;
    }
  }

  private record(r: ProbeRecord): void {
    if (this.records.length >= MAX_RECORDS) this.records.shift();
    this.records.push(r);
  }
}
