/**
 * The example model server with what a canary watches: a version label on every answer
 * (`x-model-version`), Prometheus metrics at `/metrics` labelled with that version, and optional
 * faults — added latency, errors, or predictions shifted away from the baseline's (also switched on
 * while it runs, with `setFault`).
 *
 * With `log`, it writes one JSON line per request — the prediction log a shadow run pairs by request
 * id, and the event log an A/B test counts conversions from:
 *
 *   {"ts":…,"id":"<x-request-id>","version":"v1","shadow":false,"client":"<x-client-id or uid cookie>",
 *    "event":"predict","status":200,"latency_ms":3.1,"response":{"label":0,"probabilities":[…]}}
 *
 * `POST /v1/convert` records a conversion (`"event":"conversion"`) for the client, as a shop would.
 *
 * It wraps `startExampleServer` (which does the model, the latency and the errors) behind a small
 * front that measures each request, rewrites the score when `shift` is set, and serves the metrics.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { type ExampleServerOptions, startExampleServer } from "../serve/index.js";

export interface CanaryModelServerOptions
  extends Pick<ExampleServerOptions, "latencyMs" | "jitterMs" | "errorEvery"> {
  /** The label in `x-model-version` and in every metric, e.g. `v1`. */
  version: string;
  /** Added to the positive-class probability (clamped to [0, 1]): a model whose scores drifted. */
  shift?: number;
  host?: string;
  port?: number;
  /** Write one JSON line per request to this file (prediction and event log). */
  log?: string;
}

/** Faults switched on while the server runs. */
export interface Fault {
  /** Added to every prediction's time to answer, in ms. */
  latencyMs?: number;
  /** Every n-th prediction answers 503. */
  errorEvery?: number;
  shift?: number;
}

/** One line of the server's log. */
export interface LogLine {
  ts: number;
  id: string | null;
  version: string;
  /** The request was a mirrored copy (`x-mlgate-shadow: 1`): its answer went nowhere. */
  shadow: boolean;
  client: string | null;
  event: "predict" | "conversion" | "other";
  path: string;
  status: number;
  latency_ms: number;
  response?: unknown;
}

export interface CanaryModelServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  version: string;
  /** `127.0.0.1:PORT`, as an nginx upstream server line wants it. */
  address: string;
  /** Prediction requests answered so far (the canary's share can be read from these). */
  readonly predictions: number;
  /** Prediction requests answered, split into mirrored copies and the rest (users, probes). */
  readonly answered: { shadow: number; direct: number };
  /** The log file, when there is one. */
  readonly log: string | undefined;
  /** Switch faults on (or off, with `{}`) while the server runs. */
  setFault(fault: Fault): void;
  /** Wait until every log line written so far is on disk. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const VERSION_HEADER = "x-model-version";

/** Latency buckets in seconds, from 1 ms to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SCORE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const MAX_BODY_BYTES = 64 * 1024;

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    this.bounds.forEach((b, i) => {
      if (v <= b) this.counts[i]!++;
    });
  }

  lines(name: string, labels: string): string[] {
    return [
      ...this.bounds.map((b, i) => `${name}_bucket{${labels},le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{${labels},le="+Inf"} ${this.count}`,
      `${name}_sum{${labels}} ${this.sum}`,
      `${name}_count{${labels}} ${this.count}`,
    ];
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on("error", () => resolve(undefined));
  });
}

export async function startCanaryModelServer(options: CanaryModelServerOptions): Promise<CanaryModelServer> {
  const inner = await startExampleServer({
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
    ...(options.jitterMs !== undefined ? { jitterMs: options.jitterMs } : {}),
    ...(options.errorEvery !== undefined ? { errorEvery: options.errorEvery } : {}),
  });
  const pool = new Pool(inner.url, { connections: 128 });
  const version = options.version;
  const labels = `version="${version.replace(/["\\\n]/g, "_")}"`;
  const statuses = new Map<number, number>();
  const latency = new Histogram(LATENCY_BUCKETS);
  const scores = new Histogram(SCORE_BUCKETS);
  let predictions = 0;
  const answered = { shadow: 0, direct: 0 };
  let fault: Fault = { ...(options.shift ? { shift: options.shift } : {}) };
  let faultCount = 0;
  const log: WriteStream | undefined = options.log
    ? createWriteStream(options.log, { flags: "a" })
    : undefined;
  const header = (req: IncomingMessage, name: string) => {
    const v = req.headers[name];
    return typeof v === "string" && v !== "" ? v.slice(0, 200) : null;
  };
  const clientOf = (req: IncomingMessage) =>
    header(req, "x-client-id") ?? /(?:^|;\s*)uid=([^;]+)/.exec(req.headers.cookie ?? "")?.[1] ?? null;
  const writeLog = (line: LogLine) => log?.write(`${JSON.stringify(line)}\n`);

  const send = (res: ServerResponse, status: number, body: Buffer | string, type = "application/json") => {
    res.writeHead(status, {
      "content-type": type,
      "content-length": Buffer.byteLength(body),
      [VERSION_HEADER]: version,
    });
    res.end(body);
  };

  const metrics = () =>
    [
      "# HELP model_requests_total Prediction requests answered, by status code.",
      "# TYPE model_requests_total counter",
      ...[...statuses].map(([code, n]) => `model_requests_total{${labels},code="${code}"} ${n}`),
      "# HELP model_request_duration_seconds Time to answer a prediction request.",
      "# TYPE model_request_duration_seconds histogram",
      ...latency.lines("model_request_duration_seconds", labels),
      "# HELP model_prediction_score The positive-class probability the model answered.",
      "# TYPE model_prediction_score histogram",
      ...scores.lines("model_prediction_score", labels),
      "",
    ].join("\n");

  const server = createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (req.method === "GET" && path === "/metrics")
      return send(res, 200, metrics(), "text/plain; version=0.0.4");
    const started = performance.now();
    const shadow = req.headers["x-mlgate-shadow"] === "1";
    const entry = (event: LogLine["event"], status: number, response?: unknown): LogLine => ({
      ts: Date.now(),
      id: header(req, "x-request-id"),
      version,
      shadow,
      client: clientOf(req),
      event,
      path,
      status,
      latency_ms: Number((performance.now() - started).toFixed(3)),
      ...(response !== undefined ? { response } : {}),
    });
    if (req.method === "POST" && path === "/v1/convert") {
      await readBody(req);
      writeLog(entry("conversion", 200));
      return send(res, 200, JSON.stringify({ ok: true }));
    }
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
    try {
      const current = fault;
      const predict = path === "/v1/predict";
      if (predict && current.latencyMs) await new Promise((r) => setTimeout(r, current.latencyMs));
      const failNow = predict && current.errorEvery !== undefined && ++faultCount % current.errorEvery === 0;
      const answer = failNow
        ? undefined
        : await pool.request({
            path: req.url ?? "/",
            method: (req.method ?? "GET") as "GET",
            headers: { "content-type": "application/json" },
            ...(body ? { body } : {}),
          });
      const statusCode = answer?.statusCode ?? 503;
      let text = answer
        ? Buffer.from(await answer.body.arrayBuffer())
        : Buffer.from('{"error":"overloaded"}');
      let response: unknown;
      if (predict) {
        predictions++;
        if (shadow) answered.shadow++;
        else answered.direct++;
        if (statusCode === 200) {
          const prediction = JSON.parse(text.toString("utf8")) as {
            label: number;
            probabilities: [number, number];
          };
          if (current.shift) {
            const p = Math.min(1, Math.max(0, prediction.probabilities[1] + current.shift));
            const rounded = Number(p.toFixed(6));
            prediction.probabilities = [Number((1 - rounded).toFixed(6)), rounded];
            prediction.label = p >= 0.5 ? 1 : 0;
            text = Buffer.from(JSON.stringify(prediction));
          }
          scores.observe(prediction.probabilities[1]);
          response = prediction;
        }
        statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
        latency.observe((performance.now() - started) / 1000);
      }
      writeLog(entry(predict ? "predict" : "other", statusCode, response));
      send(res, statusCode, text);
    } catch (e) {
      send(res, 502, JSON.stringify({ error: (e as Error).message }));
    }
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const a = server.address() as AddressInfo;
  return {
    url: `http://${a.address}:${a.port}`,
    address: `${a.address}:${a.port}`,
    version,
    get predictions() {
      return predictions;
    },
    answered,
    log: options.log,
    setFault: (next) => {
      fault = { ...next };
      faultCount = 0;
    },
    flush: () =>
      new Promise<void>((resolve) => {
        if (!log || log.writableLength === 0) return resolve();
        log.once("drain", () => resolve());
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await pool.close();
      await inner.close();
      if (log) await new Promise<void>((resolve) => log.end(() => resolve()));
    },
  };
}
