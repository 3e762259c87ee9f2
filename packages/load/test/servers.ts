/**
 * Loopback servers with known behaviour, for measuring the generator against: a JSON endpoint with
 * configurable latency, errors and periodic stalls, and an SSE endpoint emitting tokens at a known pace.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Served {
  url: string;
  /** Per request: `x-seq` header (or -1), arrival and response times on performance.now()'s clock. */
  log: { seq: number; arrivedAt: number; respondedAt: number }[];
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** Service time of each request in ms (default 0). */
  latencyMs?: number;
  /** Every n-th request (by arrival) answers 500. */
  errorEvery?: number;
  /** Every n-th request (by arrival) answers 404. */
  notFoundEvery?: number;
  /** Periodic stall: requests arriving in the first `stallMs` of every `periodMs` are held until the stall ends. */
  stall?: { periodMs: number; stallMs: number };
  /** Response body (default `{"label":1,"probabilities":[0.2,0.8]}`). */
  body?: string;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

function drain(req: IncomingMessage, then: () => void): void {
  req.resume();
  req.on("end", then);
}

export async function startHttpServer(options: HttpServerOptions = {}): Promise<Served & { epoch: number }> {
  const log: Served["log"] = [];
  const epoch = performance.now();
  let arrivals = 0;
  const body = options.body ?? '{"label":1,"probabilities":[0.2,0.8]}';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const arrivedAt = performance.now();
    const n = ++arrivals;
    const seq = Number(req.headers["x-seq"] ?? -1);
    drain(req, () => {
      let delay = options.latencyMs ?? 0;
      if (options.stall) {
        const phase = (arrivedAt - epoch) % options.stall.periodMs;
        if (phase < options.stall.stallMs) delay = Math.max(delay, options.stall.stallMs - phase);
      }
      const respond = () => {
        const status =
          options.errorEvery && n % options.errorEvery === 0
            ? 500
            : options.notFoundEvery && n % options.notFoundEvery === 0
              ? 404
              : 200;
        res.writeHead(status, { "content-type": "application/json" });
        res.end(status === 200 ? body : '{"error":"nope"}');
        log.push({ seq, arrivedAt, respondedAt: performance.now() });
      };
      if (delay > 0) setTimeout(respond, delay);
      else respond();
    });
  });
  server.keepAliveTimeout = 60_000;
  return { url: await listen(server), log, epoch, close: closer(server) };
}

export interface SseServerOptions {
  tokens: number;
  /** Delay before the first token, and between tokens, in ms. */
  firstTokenMs: number;
  gapMs: number;
  /** Every n-th stream (by arrival) stops after half its tokens without [DONE]. */
  truncateEvery?: number;
}

/** OpenAI-style chat/completions stream: a role chunk, `tokens` content chunks, a finish chunk, [DONE]. */
export async function startSseServer(options: SseServerOptions): Promise<Served> {
  const log: Served["log"] = [];
  let arrivals = 0;
  const server = createServer((req, res) => {
    const arrivedAt = performance.now();
    const n = ++arrivals;
    const truncate = options.truncateEvery !== undefined && n % options.truncateEvery === 0;
    drain(req, () => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: "assistant", content: "" }));
      let sent = 0;
      const limit = truncate ? Math.floor(options.tokens / 2) : options.tokens;
      const next = () => {
        if (sent === limit) {
          if (!truncate) res.write(`${chunk({}, "stop")}data: [DONE]\n\n`);
          res.end();
          log.push({ seq: -1, arrivedAt, respondedAt: performance.now() });
          return;
        }
        res.write(chunk({ content: `tok${sent} ` }));
        sent++;
        setTimeout(next, options.gapMs);
      };
      setTimeout(next, options.firstTokenMs);
    });
  });
  return { url: await listen(server), log, close: closer(server) };
}
