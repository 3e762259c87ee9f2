import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GateError } from "@mlgate/core";
import { Pool } from "undici";
import { formatWeight } from "../plan/types.js";
import { checkWeights, VerifiedProvider, type Weights } from "./types.js";
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
}

export type Side = "baseline" | "candidate";

/** Which side answered, on every proxied response: lets a client or a test see the split. */
export const ROUTE_HEADER = "x-mlgate-route";

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
 */
export class EmbeddedRouter extends VerifiedProvider {
  readonly kind = "embedded";
  readonly served: Record<Side, number> = { baseline: 0, candidate: 0 };
  private weight: number;
  private readonly choice: SmoothWeightedChoice<Side>;
  private readonly pools: Record<Side, Pool>;
  private server: Server | undefined;
  private address = "";

  private constructor(private readonly options: EmbeddedRouterOptions) {
    super();
    this.weight = checkWeights({ canary: options.initialWeight ?? 0 }).canary;
    this.choice = new SmoothWeightedChoice(this.weightMap());
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

  protected async apply(weights: Weights): Promise<void> {
    this.weight = weights.canary;
    this.choice.setWeights(this.weightMap());
  }

  protected async read(): Promise<Weights> {
    return { canary: this.weight };
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
      ["baseline", 100 - this.weight],
      ["candidate", this.weight],
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

  private async proxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const side = this.choice.next();
    if (side === undefined) return this.fail(res, 503, "no upstream has any weight");
    this.served[side]++;
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

/** For messages: `5% to the candidate`. */
export function describeShare(weights: Weights): string {
  return `${formatWeight(weights.canary)} to the candidate`;
}
