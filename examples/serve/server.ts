/**
 * A tiny model server for the demo: the example logistic regression behind a JSON endpoint, a health
 * check, and an OpenAI-style streaming chat endpoint, on 127.0.0.1 with a free port.
 *
 *   POST /v1/predict            { "features": [n, n, n, n] } → { "label": 0 | 1, "probabilities": [p0, p1] }
 *   GET  /v1/health             { "status": "ok" }
 *   POST /v1/chat/completions   { "messages": [...], "stream": true } → server-sent events, one token per chunk
 *
 * `latencyMs`, `jitterMs` and `errorEvery` make it slow or flaky on purpose, so the demo can show an SLA failing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { featureProblem, predict } from "./model.js";

export interface ExampleServerOptions {
  /** Default 127.0.0.1; port 0 (default) picks a free one. */
  host?: string;
  port?: number;
  /** Added to every /v1/predict answer, plus up to `jitterMs` more (deterministic sequence). */
  latencyMs?: number;
  jitterMs?: number;
  /** Every n-th /v1/predict request answers 503. */
  errorEvery?: number;
  /** Streaming: delay before the first token and between tokens (default 40 ms and 15 ms). */
  firstTokenMs?: number;
  tokenGapMs?: number;
}

export interface ExampleServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const ANSWER = "This customer is likely to stay: tenure is long and support tickets are few.".split(/(?<= )/);

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The request body as JSON, refusing oversized or malformed bodies with a 4xx. */
function readJson(req: IncomingMessage, res: ServerResponse, then: (body: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES && !refused) {
      refused = true;
      send(res, 413, { error: `request body over ${MAX_BODY_BYTES} bytes` });
      req.resume();
    } else if (!refused) chunks.push(chunk);
  });
  req.on("end", () => {
    if (refused) return;
    try {
      then(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch {
      send(res, 400, { error: "the body is not JSON" });
    }
  });
}

export async function startExampleServer(options: ExampleServerOptions = {}): Promise<ExampleServer> {
  let predictions = 0;
  let jitterState = 7;
  const jitter = () => {
    jitterState = (jitterState * 48271) % 2147483647;
    return ((jitterState / 2147483647) * (options.jitterMs ?? 0)) | 0;
  };
  const later = (ms: number, fn: () => void) => (ms > 0 ? setTimeout(fn, ms) : fn());

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/v1/health") return send(res, 200, { status: "ok" });
    if (req.method === "POST" && path === "/v1/predict") {
      const n = ++predictions;
      return readJson(req, res, (body) => {
        const features = (body as { features?: unknown } | null)?.features;
        const problem = featureProblem(features);
        if (problem) return send(res, 400, { error: problem });
        later((options.latencyMs ?? 0) + jitter(), () => {
          if (options.errorEvery && n % options.errorEvery === 0) send(res, 503, { error: "overloaded" });
          else send(res, 200, predict(features as number[]));
        });
      });
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      return readJson(req, res, (body) => {
        if ((body as { stream?: unknown } | null)?.stream !== true) {
          return send(res, 200, {
            object: "chat.completion",
            choices: [
              { index: 0, message: { role: "assistant", content: ANSWER.join("") }, finish_reason: "stop" },
            ],
          });
        }
        streamAnswer(res, options.firstTokenMs ?? 40, options.tokenGapMs ?? 15);
      });
    }
    send(res, 404, { error: `no route for ${req.method} ${path}` });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function streamAnswer(res: ServerResponse, firstTokenMs: number, gapMs: number): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ object: "chat.completion.chunk", model: "example-churn", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }));
  let i = 0;
  let timer: NodeJS.Timeout | undefined;
  res.on("close", () => clearTimeout(timer));
  const next = () => {
    if (i === ANSWER.length) {
      res.end(`${chunk({}, "stop")}data: [DONE]\n\n`);
      return;
    }
    res.write(chunk({ content: ANSWER[i++] }));
    timer = setTimeout(next, gapMs);
  };
  timer = setTimeout(next, firstTokenMs);
}
