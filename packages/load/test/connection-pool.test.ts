// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
/**
 * The load generator's HTTP/1.1 connections against raw TCP servers that answer exactly as scripted:
 * reuse, closes, broken and stalled responses, timeouts, and the bytes a request puts on the wire.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compileHeaders } from "../src/headers.js";
import type { Exchange, Origin } from "../src/http/connection.js";
import { ConnectionPool, POOL_DEFAULTS } from "../src/http/connection-pool.js";
import { RequestPlan } from "../src/request.js";
import { parseTarget } from "../src/target.js";

interface Scripted {
  origin: Origin;
  url: string;
  /** Bytes each connection received, in order of connection. */
  received: string[];
  connections: number;
  close(): Promise<void>;
}

/** A TCP server calling `answer` with each connection's socket and everything it received so far. */
async function rawServer(
  answer: (socket: Socket, received: string, index: number) => void,
): Promise<Scripted> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const index = received.push("") - 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.on("data", (d) => {
      received[index] += d.toString("latin1");
      answer(socket, received[index]!, index);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: { tls: false, hostname: "127.0.0.1", port },
    url: `http://127.0.0.1:${port}`,
    received,
    get connections() {
      return received.length;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Answer each complete request head (no bodies in these tests) with `response`. */
function everyRequest(response: string) {
  return (socket: Socket, received: string) => {
    const requests = received.split("\r\n\r\n").length - 1;
    const answered = (socket as Socket & { answered?: number }).answered ?? 0;
    for (let i = answered; i < requests; i++) socket.write(response);
    (socket as Socket & { answered?: number }).answered = requests;
  };
}

interface Result {
  status?: number;
  body: string;
  error?: Error & { code?: string };
  at: number;
}

function exchange(clock: () => number): { handler: Exchange; result: Promise<Result> } {
  const chunks: Buffer[] = [];
  let status: number | undefined;
  let resolve!: (r: Result) => void;
  const result = new Promise<Result>((r) => {
    resolve = r;
  });
  const handler: Exchange = {
    wantsBody: true,
    wantsContentType: false,
    onHead: (s) => {
      status = s;
    },
    onBody: (c) => chunks.push(Buffer.from(c)),
    onEnd: () =>
      resolve({ ...(status ? { status } : {}), body: Buffer.concat(chunks).toString(), at: clock() }),
    onError: (error) => resolve({ body: "", error, at: clock() }),
  };
  return { handler, result };
}

const GET = Buffer.from("GET / HTTP/1.1\r\nhost: x\r\n\r\n", "latin1");
const clock = () => performance.now();
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

function poolFor(origin: Origin, timeoutMs = 5000): ConnectionPool {
  const pool = new ConnectionPool(origin, {
    timeoutMs,
    connectTimeoutMs: timeoutMs,
    ...POOL_DEFAULTS,
    clock,
  });
  cleanup.push(() => pool.close());
  return pool;
}

async function request(pool: ConnectionPool, head: Buffer | string = GET, tail?: Buffer): Promise<Result> {
  const { handler, result } = exchange(clock);
  pool.acquire().send(head, tail, false, handler, clock());
  return result;
}

async function serve(answer: Parameters<typeof rawServer>[0]): Promise<Scripted> {
  const s = await rawServer(answer);
  cleanup.push(() => s.close());
  return s;
}

describe("keep-alive connection pool", () => {
  it("carries request after request on one connection", async () => {
    const server = await serve(everyRequest("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"));
    const pool = poolFor(server.origin);
    for (let i = 0; i < 5; i++) expect(await request(pool)).toMatchObject({ status: 200, body: "ok" });
    expect(server.connections).toBe(1);
    expect(pool.size).toBe(1);
  });

  it("opens as many connections as requests in flight, and reuses them", async () => {
    const server = await serve(everyRequest("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"));
    const pool = poolFor(server.origin);
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 4 }, () => request(pool)));
      expect(results.every((r) => r.status === 200)).toBe(true);
    }
    expect(server.connections).toBe(4);
  });

  it("opens a new connection after the server says close, or ends the body by closing", async () => {
    const closing = await serve(
      everyRequest("HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 1\r\n\r\na"),
    );
    const pool = poolFor(closing.origin);
    for (let i = 0; i < 3; i++) expect(await request(pool)).toMatchObject({ status: 200, body: "a" });
    expect(closing.connections).toBe(3);

    const untilClose = await serve((socket) => socket.end("HTTP/1.1 200 OK\r\n\r\nall of it"));
    expect(await request(poolFor(untilClose.origin))).toMatchObject({ status: 200, body: "all of it" });
  });

  it("fails a response cut short, or answered with garbage, as a connection problem", async () => {
    const cut = await serve((socket) => socket.end("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc"));
    const r1 = await request(poolFor(cut.origin));
    expect(r1.error).toMatchObject({ code: "CONNECTION_CLOSED" });
    expect(r1.error?.message).toMatch(/before the response body was complete/);

    const silent = await serve((socket) => socket.end());
    expect((await request(poolFor(silent.origin))).error?.message).toMatch(
      /closed the connection without a response/,
    );

    const garbage = await serve((socket) => socket.write("SSH-2.0-OpenSSH\r\n\r\n"));
    const pool = poolFor(garbage.origin);
    const r2 = await request(pool);
    expect(r2.error).toMatchObject({ code: "RESPONSE_PROTOCOL" });
    expect(r2.error?.message).toMatch(/^malformed response: the status line/);
    expect(pool.size).toBe(0);
  });

  it("reports a refused connection with the system's reason", async () => {
    const server = await serve(() => {});
    const origin = server.origin;
    await server.close();
    const r = await request(poolFor(origin));
    expect(r.error).toMatchObject({ code: "ECONNREFUSED" });
    expect(r.error?.message).toMatch(/ECONNREFUSED/);
  });

  it("times out a request with no answer, never early and at most a sweep late", async () => {
    const server = await serve(() => {});
    const pool = poolFor(server.origin, 200);
    const sent = clock();
    const r = await request(pool);
    expect(r.error).toMatchObject({ code: "HEADERS_TIMEOUT" });
    expect(r.at - sent).toBeGreaterThanOrEqual(200);
    // One sweep period (20 ms here) late, plus timer lateness on a busy machine.
    expect(r.at - sent).toBeLessThan(200 + pool.sweepEveryMs + 300);
  });

  it("times out a body that stops, counting from the last bytes that arrived", async () => {
    const server = await serve((socket) => {
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nab");
      setTimeout(() => socket.write("cd"), 150);
    });
    const pool = poolFor(server.origin, 200);
    const sent = clock();
    const r = await request(pool);
    expect(r.error).toMatchObject({ code: "BODY_TIMEOUT" });
    expect(r.at - sent).toBeGreaterThanOrEqual(350);
  });

  it("closes idle connections before the server's keep-alive timeout, and drops unsolicited bytes", async () => {
    const hinted = await serve(
      everyRequest("HTTP/1.1 200 OK\r\nkeep-alive: timeout=3\r\ncontent-length: 0\r\n\r\n"),
    );
    // A clock that stands still unless moved: the pool's own periodic sweep sees the same times.
    let now = 10;
    const pool = new ConnectionPool(hinted.origin, {
      timeoutMs: 60_000,
      connectTimeoutMs: 10_000,
      ...POOL_DEFAULTS,
      clock: () => now,
    });
    cleanup.push(() => pool.close());
    const { handler, result } = exchange(() => now);
    pool.acquire().send(GET, undefined, false, handler, now);
    await result;
    expect(pool.size).toBe(1);
    pool.sweep(10);
    now = 10 + 999;
    pool.sweep(now);
    expect(pool.size).toBe(1);
    // 3 s from the server, less the 2 s margin.
    now = 10 + 1000;
    pool.sweep(now);
    expect(pool.size).toBe(0);

    const chatty = await serve((socket, received) => {
      if (received.endsWith("\r\n\r\n")) {
        socket.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        setTimeout(() => socket.write("HTTP/1.1 408 Request Timeout\r\n\r\n"), 20);
      }
    });
    const pool2 = poolFor(chatty.origin);
    await request(pool2);
    expect(pool2.size).toBe(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(pool2.size).toBe(0);
  });

  it("puts the planned request on the wire byte for byte", async () => {
    const server = await serve(everyRequest("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"));
    const target = parseTarget(`${server.url}/v1/predict?x=1`);
    const headers = compileHeaders({ "X-Seq": "n-${seq}", Authorization: "Bearer t" }, {});
    const plan = new RequestPlan({
      method: "POST",
      target,
      headers,
      extraHeaders: ["content-type", "application/json"],
      bodies: [Buffer.from('{"a":1}'), Buffer.from("[2]")],
      timeoutMs: 1000,
      stream: false,
      check: undefined,
    });
    const pool = poolFor(server.origin);
    await request(pool, plan.head(8), plan.tail(8));
    await request(pool, plan.head(9), plan.tail(9));
    const host = `127.0.0.1:${server.origin.port}`;
    const head = (seq: number, length: number) =>
      `POST /v1/predict?x=1 HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer t\r\ncontent-type: application/json\r\nx-seq: n-${seq}\r\ncontent-length: ${length}\r\n\r\n`;
    expect(server.received[0]).toBe(`${head(8, 7)}{"a":1}${head(9, 3)}[2]`);

    const get = new RequestPlan({
      method: "GET",
      target,
      headers: compileHeaders({}, {}),
      extraHeaders: [],
      bodies: undefined,
      timeoutMs: 1000,
      stream: false,
      check: undefined,
    });
    expect(get.head(0)).toEqual(Buffer.from(`GET /v1/predict?x=1 HTTP/1.1\r\nhost: ${host}\r\n\r\n`));
    expect(get.head(1)).toBe(get.head(0));
    expect(get.tail(0)).toBeUndefined();
  });
});

describe("TLS", () => {
  it("speaks HTTP/1.1 over TLS and says why an untrusted certificate is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mlgate-tls-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"].concat([
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ]),
      { stdio: "ignore" },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_q, s) => s.end("secure"),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((r) => server.close(r)));
    server.on("secureConnection", (s) => cleanup.push(() => s.destroy()));
    const origin: Origin = { tls: true, hostname: "localhost", port: (server.address() as AddressInfo).port };

    const refused = await request(poolFor(origin));
    expect(refused.error?.message).toMatch(/self[- ]signed certificate/);

    // Trusting it here only: the generator itself never turns verification off.
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
    try {
      const pool = poolFor(origin);
      expect(await request(pool)).toMatchObject({ status: 200, body: "secure" });
      expect(await request(pool)).toMatchObject({ status: 200, body: "secure" });
      expect(pool.size).toBe(1);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });
});
