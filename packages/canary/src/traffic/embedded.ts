import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GateError } from "@mlgate/core";
import { Pool } from "undici";
import { assignArm } from "../compare/index.js";
import { formatWeight } from "../plan/types.js";
import { type OutputSpec, outputsOfBody } from "../shadow/outputs.js";
import { type AnswerPair, PairBuffer, type PairSource, type SideAnswer } from "../shadow/pairs.js";
import {
  checkWeights,
  type Routing,
  type RoutingAbilities,
  type StickyKey,
  VerifiedRoutingProvider,
  type Weights,
} from "./types.js";
import { SmoothWeightedChoice } from "./weighted-choice.js";

export interface EmbeddedRouterOptions {
  /** The baseline's address; only its origin is used (`http://127.0.0.1:8081`). */
  baseline: string;
  candidate: string;
  /** Default 127.0.0.1 and a free port. */
  host?: string;
  port?: number;
  /** Candidate share at start (default 0). */
  initialWeight?: number;
  /** Per proxied request (default 30 s). */
  timeoutMs?: number;
  /** Fields of the answers to pair when mirroring (the shadow comparison's outputs). */
  outputs?: readonly OutputSpec[];
  /** Mixed into sticky assignment: a new salt reshuffles clients between the sides. */
  salt?: string;
}

export type Side = "baseline" | "candidate";

/** Which side answered, on every proxied response: lets a client or a test see the split. */
export const ROUTE_HEADER = "x-mlgate-route";
/** On the candidate's copy of a mirrored request, so its logs can tell shadow traffic apart. */
export const SHADOW_HEADER = "x-mlgate-shadow";
/** The request id both copies of a mirrored request carry (kept when the client sent one). */
export const REQUEST_ID_HEADER = "x-request-id";

/** Request bodies larger than this, or of unknown length, are not mirrored (they are still served). */
export const MAX_MIRROR_BODY_BYTES = 1024 * 1024;
/** Answers read for pairing are cut here; a longer answer has no outputs. */
const MAX_ANSWER_BYTES = 1024 * 1024;

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

function originOf(url: string, role: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http");
    return parsed.origin;
  } catch {
    throw new GateError(`embedded router: the ${role} address "${url}" is not an http(s) URL`, {
      hint: "e.g. http://127.0.0.1:8081",
    });
  }
}

function forwardHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * An in-process weighted HTTP proxy: the default router for local runs and the demo. Requests to it
 * go to the baseline or the candidate in proportion to the weights (smooth weighted round-robin), and
 * each response says which side answered in `x-mlgate-route`.
 *
 * It also mirrors (a share of requests is copied to the candidate, whose answer is read for the shadow
 * comparison and never sent to the client) and splits stickily (a header's or cookie's value decides
 * the side, the same one every time; requests without it go to the baseline).
 */
export class EmbeddedRouter extends VerifiedRoutingProvider implements PairSource {
  readonly kind = "embedded";
  readonly abilities: RoutingAbilities = { mirror: true, sticky: true };
  readonly timed = true;
  readonly served: Record<Side, number> = { baseline: 0, candidate: 0 };
  /** Mirrored copies sent to the candidate, and requests whose body was too large to mirror. */
  readonly mirrored = { sent: 0, skipped: 0 };
  private routing: Routing;
  private readonly choice: SmoothWeightedChoice<Side>;
  private readonly mirrorChoice: SmoothWeightedChoice<"copy" | "skip">;
  private readonly pools: Record<Side, Pool>;
  private readonly pairs = new PairBuffer();
  private server: Server | undefined;
  private address = "";

  private constructor(private readonly options: EmbeddedRouterOptions) {
    super();
    this.routing = { canary: checkWeights({ canary: options.initialWeight ?? 0 }).canary, mirror: 0 };
    this.choice = new SmoothWeightedChoice(this.weightMap());
    this.mirrorChoice = new SmoothWeightedChoice(this.mirrorMap());
    this.pools = {
      baseline: new Pool(originOf(options.baseline, "baseline"), { connections: 64 }),
      candidate: new Pool(originOf(options.candidate, "candidate"), { connections: 64 }),
    };
  }

  static async start(options: EmbeddedRouterOptions): Promise<EmbeddedRouter> {
    const router = new EmbeddedRouter(options);
    await router.listen();
    return router;
  }

  /** `http://127.0.0.1:PORT`: where clients send traffic. */
  get url(): string {
    return this.address;
  }

  describe(): string {
    return `the embedded router at ${this.address}`;
  }

  /** Pairs of answers to mirrored requests since the last call. */
  async drainPairs(): Promise<AnswerPair[]> {
    return this.pairs.drain();
  }

  protected async applyRouting(routing: Routing): Promise<void> {
    this.routing = { ...routing };
    this.choice.setWeights(this.weightMap());
    this.mirrorChoice.setWeights(this.mirrorMap());
  }

  protected async readRouting(): Promise<Routing> {
    return { ...this.routing };
  }

  override async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await Promise.all([this.pools.baseline.close(), this.pools.candidate.close()]);
  }

  private weightMap(): Map<Side, number> {
    return new Map<Side, number>([
      ["baseline", 100 - this.routing.canary],
      ["candidate", this.routing.canary],
    ]);
  }

  private mirrorMap(): Map<"copy" | "skip", number> {
    return new Map([
      ["copy", this.routing.mirror],
      ["skip", 100 - this.routing.mirror],
    ]);
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.proxy(req, res).catch((e) => this.fail(res, 502, `upstream failed: ${(e as Error).message}`));
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", (e) =>
        reject(
          new GateError(`embedded router cannot listen: ${(e as NodeJS.ErrnoException).code ?? e.message}`, {
            hint: "choose another port, or leave it out for a free one",
          }),
        ),
      );
      server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => resolve());
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    this.address = `http://${a.family === "IPv6" ? `[${a.address}]` : a.address}:${a.port}`;
  }

  /** The side for this request: by its sticky key when the split is sticky, else by the weights. */
  private sideFor(req: IncomingMessage): Side | undefined {
    const sticky = this.routing.sticky;
    if (!sticky) return this.choice.next();
    const key = stickyValue(req, sticky);
    if (!key) return "baseline";
    return assignArm(key, { candidateWeight: this.routing.canary }, this.options.salt ?? "");
  }

  private async proxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const side = this.sideFor(req);
    if (side === undefined) return this.fail(res, 503, "no upstream has any weight");
    this.served[side]++;
    const copy = side === "baseline" && this.routing.mirror > 0 && this.mirrorChoice.next() === "copy";
    if (copy) {
      if (mirrorable(req)) return this.proxyMirrored(req, res);
      // A body too large (or of unknown length) to hold twice is served, not mirrored.
      this.mirrored.skipped++;
    }
    const timeout = this.options.timeoutMs ?? 30_000;
    const method = (req.method ?? "GET").toUpperCase();
    const hasBody = method !== "GET" && method !== "HEAD";
    const upstream = await this.pools[side].request({
      path: req.url ?? "/",
      method: method as "GET",
      headers: forwardHeaders(req),
      ...(hasBody ? { body: req } : {}),
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const headers: Record<string, string | string[]> = { [ROUTE_HEADER]: side };
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    res.writeHead(upstream.statusCode, headers);
    for await (const chunk of upstream.body) res.write(chunk);
    res.end();
  }

  /**
   * Serve the request from the baseline and send a copy to the candidate. The client gets the
   * baseline's answer as soon as it is ready; the candidate's is read for the pair and dropped.
   */
  private async proxyMirrored(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // mirrorable() bounds the body by its declared length, which Node's parser enforces.
    const body = Buffer.concat((await collect(req, MAX_MIRROR_BODY_BYTES)).chunks);
    const headers = forwardHeaders(req);
    const given = req.headers[REQUEST_ID_HEADER];
    const id = typeof given === "string" && given !== "" && given.length <= 200 ? given : randomUUID();
    headers[REQUEST_ID_HEADER] = id;
    const timeout = this.options.timeoutMs ?? 30_000;
    const method = (req.method ?? "GET").toUpperCase() as "GET";
    const send = (side: Side, extra: Record<string, string>) =>
      this.pools[side].request({
        path: req.url ?? "/",
        method,
        headers: { ...headers, ...extra },
        ...(body.length > 0 ? { body } : {}),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    this.mirrored.sent++;
    const started = performance.now();
    const candidate = timed(() => send("candidate", { [SHADOW_HEADER]: "1" }), started);
    const upstream = await send("baseline", {});
    const headersOut: Record<string, string | string[]> = {
      ...copyHeaders(upstream.headers),
      [ROUTE_HEADER]: "baseline",
    };
    res.writeHead(upstream.statusCode, headersOut);
    const captured: Buffer[] = [];
    let size = 0;
    for await (const chunk of upstream.body) {
      res.write(chunk);
      size += (chunk as Buffer).length;
      if (size <= MAX_ANSWER_BYTES) captured.push(chunk as Buffer);
    }
    res.end();
    const baseline: SideAnswer = this.answer(
      upstream.statusCode,
      size <= MAX_ANSWER_BYTES ? Buffer.concat(captured) : undefined,
      performance.now() - started,
    );
    void candidate.then((c) => {
      const answer: SideAnswer =
        c.status === undefined
          ? { error: true, latencyMs: c.latencyMs, outputs: {} }
          : this.answer(c.status, c.body, c.latencyMs);
      this.pairs.push({ id, at: Date.now(), baseline, candidate: answer });
    });
  }

  private answer(status: number, body: Buffer | undefined, latencyMs: number): SideAnswer {
    const error = !(status >= 200 && status < 300);
    return {
      error,
      latencyMs,
      outputs: !error && body && this.options.outputs ? outputsOfBody(body, this.options.outputs) : {},
    };
  }

  private fail(res: ServerResponse, status: number, message: string): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: message });
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }
}

function copyHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** A request whose body can be held to send twice: none, or a declared length within the limit. */
function mirrorable(req: IncomingMessage): boolean {
  const method = (req.method ?? "GET").toUpperCase();
  if ((method === "GET" || method === "HEAD") && req.headers["transfer-encoding"] === undefined) return true;
  const length = Number(req.headers["content-length"]);
  return Number.isSafeInteger(length) && length >= 0 && length <= MAX_MIRROR_BODY_BYTES;
}

/** Chunks of a stream up to `limit` bytes (the rest is read and counted, not kept). */
async function collect(
  stream: AsyncIterable<unknown>,
  limit: number,
): Promise<{ chunks: Buffer[]; size: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    size += b.length;
    if (size <= limit) chunks.push(b);
  }
  return { chunks, size };
}

/** The candidate's answer to a mirrored copy, never thrown: a transport failure has no status. */
async function timed(
  send: () => Promise<{ statusCode: number; body: AsyncIterable<unknown> }>,
  started: number,
): Promise<{ status?: number; body?: Buffer; latencyMs: number }> {
  try {
    const res = await send();
    const { chunks, size } = await collect(res.body, MAX_ANSWER_BYTES);
    return {
      status: res.statusCode,
      latencyMs: performance.now() - started,
      ...(size <= MAX_ANSWER_BYTES ? { body: Buffer.concat(chunks) } : {}),
    };
  } catch {
    return { latencyMs: performance.now() - started };
  }
}

/** The value of the sticky header or cookie, or undefined. */
export function stickyValue(req: IncomingMessage, key: StickyKey): string | undefined {
  if ("header" in key) {
    const v = req.headers[key.header.toLowerCase()];
    const value = Array.isArray(v) ? v[0] : v;
    return value && value.length <= 1024 ? value : undefined;
  }
  const cookies = req.headers.cookie;
  if (!cookies) return undefined;
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === key.cookie) {
      const value = part.slice(eq + 1).trim();
      return value !== "" && value.length <= 1024 ? value : undefined;
    }
  }
  return undefined;
}

/** For messages: `5% to the candidate`. */
export function describeShare(weights: Weights): string {
  return `${formatWeight(weights.canary)} to the candidate`;
}
