import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/** Fakes refuse bodies beyond this, as a real front end would. */
const MAX_BODY = 1024 * 1024;

/**
 * A loopback HTTP(S) server for protocol fakes: collects each request's body, records it, and answers
 * what the handler returns. A handler that throws answers 500 with the message, so a broken fake
 * shows up as a failing test rather than a hang.
 */
export class LoopbackServer {
  readonly requests: FakeRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(handler: FakeHandler, tls?: { key: string; cert: string }): Promise<LoopbackServer> {
    let self: LoopbackServer | undefined;
    const listener = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      req.on("end", async () => {
        const request: FakeRequest = {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        self?.requests.push(request);
        let answer: FakeResponse;
        try {
          answer = size > MAX_BODY ? { status: 413, body: "too large" } : await handler(request);
        } catch (e) {
          answer = { status: 500, body: `fake failed: ${(e as Error).stack ?? String(e)}` };
        }
        res.writeHead(answer.status, {
          "content-length": Buffer.byteLength(answer.body ?? ""),
          ...answer.headers,
        });
        res.end(answer.body ?? "");
      });
    };
    const server = tls ? createTlsServer(tls, listener) : createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    self = new LoopbackServer(server, `${tls ? "https" : "http"}://127.0.0.1:${port}`);
    return self;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const TEST_CREDENTIALS = { accessKeyId: "AKIDMLGATETEST", secretAccessKey: "test-secret-key" };
export const TEST_REGION = "eu-west-1";

/**
 * The SigV4 Authorization header's credential scope must name the test key, region and service, as
 * AWS checks before anything else. Returns the reason it does not, or undefined.
 */
export function sigV4Problem(headers: IncomingHttpHeaders, service: string): string | undefined {
  const auth = headers.authorization;
  if (typeof auth !== "string") return "missing Authorization header";
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
      auth,
    );
  if (!m) return `malformed Authorization header: ${auth}`;
  if (m[1] !== TEST_CREDENTIALS.accessKeyId) return `unknown access key ${m[1]}`;
  if (m[3] !== TEST_REGION) return `credential scope names region ${m[3]}`;
  if (m[4] !== service) return `credential scope names service ${m[4]}, expected ${service}`;
  if (!m[5]!.split(";").includes("host") || typeof headers["x-amz-date"] !== "string")
    return "host or x-amz-date not signed";
  return undefined;
}
