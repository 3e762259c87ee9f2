import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RESPONSE_LIMITS, ResponseParser, ResponseProtocolError } from "../src/http/response-parser.js";

interface Parsed {
  status?: number;
  contentType?: string | undefined;
  body: Buffer;
  /** Offset past the response in the whole input, or -1 while incomplete. */
  end: number;
  keepAlive: boolean;
  keepAliveHintMs: number | undefined;
}

/**
 * Feed `bytes` in pieces cut at `cuts`, each piece copied into a reused read buffer full of stale
 * bytes (as the connections' shared read buffer is), and collect what the parser reports.
 */
function parse(
  bytes: Buffer,
  cuts: number[] = [],
  options: { headOnly?: boolean; closeAtEnd?: boolean } = {},
): Parsed {
  const chunks: Buffer[] = [];
  const out: Parsed = { body: Buffer.alloc(0), end: -1, keepAlive: true, keepAliveHintMs: undefined };
  const parser = new ResponseParser({
    onHead: (status, contentType) => {
      out.status = status;
      out.contentType = contentType;
    },
    onBody: (chunk) => chunks.push(Buffer.from(chunk)),
  });
  parser.reset(options.headOnly === true, true, true);
  const stale = Buffer.alloc(bytes.length + 64, "\r\n\r\n");
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...points, bytes.length]) {
    const readBuffer = Buffer.from(stale);
    bytes.copy(readBuffer, 0, from, to);
    const at = parser.feed(readBuffer, 0, to - from);
    if (at >= 0) {
      out.end = from + at;
      break;
    }
    from = to;
  }
  if (out.end < 0 && options.closeAtEnd && parser.endOfInput()) out.end = bytes.length;
  out.body = Buffer.concat(chunks);
  out.keepAlive = parser.keepAlive;
  out.keepAliveHintMs = parser.keepAliveHintMs;
  return out;
}

const text = (s: string) => Buffer.from(s, "latin1");

function chunked(body: Buffer, sizes: number[]): string {
  let out = "";
  let at = 0;
  for (const size of sizes) {
    if (at >= body.length) break;
    const piece = body.subarray(at, at + Math.max(1, size));
    out += `${piece.length.toString(16)}\r\n${piece.toString("latin1")}\r\n`;
    at += piece.length;
  }
  if (at < body.length)
    out += `${(body.length - at).toString(16)}\r\n${body.subarray(at).toString("latin1")}\r\n`;
  return `${out}0\r\n\r\n`;
}

describe("HTTP/1.1 response parser", () => {
  it("reads a Content-Length response and says where it ends", () => {
    const raw = text('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"a":1}');
    const r = parse(Buffer.concat([raw, text("HTTP/1.1 next")]));
    expect(r).toMatchObject({
      status: 200,
      contentType: "application/json",
      end: raw.length,
      keepAlive: true,
    });
    expect(r.body.toString()).toBe('{"a":1}');
  });

  it("removes chunked framing, skipping extensions and trailers", () => {
    const raw =
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2 \r\nde\r\n0\r\nX-T: 1\r\n\r\n";
    const r = parse(text(raw));
    expect(r.body.toString()).toBe("abcde");
    expect(r.end).toBe(raw.length);
    expect(r.keepAlive).toBe(true);
  });

  it("has no body for HEAD, 204 and 304, and skips interim 1xx responses", () => {
    const head = "HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n";
    expect(parse(text(head), [], { headOnly: true }).end).toBe(head.length);
    const noContent = "HTTP/1.1 204 No Content\r\ncontent-length: 9\r\n\r\n";
    expect(parse(text(noContent)).end).toBe(noContent.length);
    expect(parse(text("HTTP/1.1 304 Not Modified\r\n\r\n")).status).toBe(304);
    const r = parse(
      text(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\nok",
      ),
    );
    expect(r.status).toBe(201);
    expect(r.body.toString()).toBe("ok");
  });

  it("reads a body without a length until the connection closes, and does not reuse the connection", () => {
    const open = parse(text("HTTP/1.1 200 OK\r\n\r\nstreamed"));
    expect(open.end).toBe(-1);
    const closed = parse(text("HTTP/1.1 200 OK\r\n\r\nstreamed"), [], { closeAtEnd: true });
    expect(closed.body.toString()).toBe("streamed");
    expect(closed.keepAlive).toBe(false);
  });

  it("knows when a connection may carry the next request", () => {
    expect(parse(text("HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 0\r\n\r\n")).keepAlive).toBe(
      false,
    );
    expect(
      parse(text("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\ncontent-length: 0\r\n\r\n")).keepAlive,
    ).toBe(false);
    expect(parse(text("HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n")).keepAlive).toBe(false);
    expect(
      parse(text("HTTP/1.0 200 OK\r\nconnection: Keep-Alive\r\ncontent-length: 0\r\n\r\n")).keepAlive,
    ).toBe(true);
    // Both framings: chunked wins, and the connection is not trusted afterwards.
    const both = parse(
      text("HTTP/1.1 200 OK\r\ncontent-length: 99\r\ntransfer-encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"),
    );
    expect(both.body.toString()).toBe("x");
    expect(both.keepAlive).toBe(false);
    expect(
      parse(text("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\ncontent-length: 0\r\n\r\n"))
        .keepAliveHintMs,
    ).toBe(5000);
  });

  it("ignores stale bytes past the end of a read", () => {
    // The stale filler in parse() is CRLFCRLF: a head split anywhere must not end early on it.
    const raw = text("HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc");
    for (let cut = 1; cut < raw.length; cut++) {
      const r = parse(raw, [cut]);
      expect(r.end, `cut at ${cut}`).toBe(raw.length);
      expect(r.body.toString()).toBe("abc");
    }
  });

  it("refuses what is not an HTTP/1.x response, naming the problem", () => {
    const bad = (raw: string, why: RegExp) =>
      expect(() => parse(text(raw)), raw).toThrow(
        expect.objectContaining({ name: "ResponseProtocolError", message: expect.stringMatching(why) }),
      );
    bad("HTTP/2 200\r\n\r\n", /does not start with HTTP\/1\.x/);
    bad("HTTP/1.1 20 OK\r\n\r\n", /3-digit status/);
    bad("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", /Content-Length is not a number/);
    bad("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", /two different Content-Length/);
    bad("HTTP/1.1 200 OK\r\nX: a\r\n  folded\r\n\r\n", /folded/);
    bad("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", /no name and colon/);
    bad("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n", /does not end with CRLF/);
    bad("HTTP/1.1 101 Switching\r\n\r\n", /switched protocols/);
    bad("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", /does not start with a hex number/);
    bad("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nabc\r\n", /longer than its size/);
    bad(
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nfffffffffffffff\r\n",
      /chunk size is too large/,
    );
    bad(
      `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1;${"e".repeat(5000)}\r\n`,
      /chunk size line is over/,
    );
    bad(`HTTP/1.1 200 OK\r\nX: ${"v".repeat(RESPONSE_LIMITS.maxHeadBytes)}\r\n\r\n`, /over 65536 bytes/);
    bad(`${"HTTP/1.1 100 Continue\r\n\r\n".repeat(17)}`, /more than 16 interim/);
  });

  it("bounds a head that never ends, however it is split", () => {
    const endless = text(`HTTP/1.1 200 OK\r\n${"X-Pad: 0123456789\r\n".repeat(4000)}`);
    const cuts = Array.from({ length: 100 }, (_, i) => i * 997);
    expect(() => parse(endless, cuts)).toThrow(ResponseProtocolError);
  });

  it("gives the same response however the bytes are split (property)", () => {
    const response = fc.record({
      status: fc.constantFrom(200, 201, 404, 500, 599),
      body: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
      framing: fc.constantFrom("length", "chunked", "close"),
      sizes: fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 12 }),
      headers: fc.array(
        fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.stringMatching(/^[ -~]{0,30}$/)),
        { maxLength: 6 },
      ),
      interim: fc.boolean(),
    });
    fc.assert(
      fc.property(response, fc.array(fc.nat({ max: 1000 }), { maxLength: 8 }), (spec, cuts) => {
        const extra = spec.headers
          .filter(
            ([n]) => !/^(content-length|transfer-encoding|connection|keep-alive|content-type)$/i.test(n),
          )
          .map(([n, v]) => `${n}: ${v.trim()}\r\n`)
          .join("");
        const framing =
          spec.framing === "length"
            ? `Content-Length: ${spec.body.length}\r\n`
            : spec.framing === "chunked"
              ? "Transfer-Encoding: chunked\r\n"
              : "";
        const body =
          spec.framing === "chunked" ? chunked(spec.body, spec.sizes) : spec.body.toString("latin1");
        const raw = text(
          `${spec.interim ? "HTTP/1.1 100 Continue\r\n\r\n" : ""}HTTP/1.1 ${spec.status} X\r\n${extra}Content-Type: t/x\r\n${framing}\r\n${body}`,
        );
        const closeAtEnd = spec.framing === "close";
        const whole = parse(raw, [], { closeAtEnd });
        const split = parse(raw, cuts, { closeAtEnd });
        expect(whole.status).toBe(spec.status);
        expect(whole.contentType).toBe("t/x");
        expect(whole.body.equals(spec.body)).toBe(true);
        expect(whole.end).toBe(raw.length);
        expect(whole.keepAlive).toBe(!closeAtEnd);
        expect(split).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("turns any bytes into a response, a wait for more, or a protocol error (fuzz)", () => {
    const prefix = fc.constantFrom(
      "",
      "HTTP/1.1 200 OK\r\n",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n",
    );
    fc.assert(
      fc.property(
        prefix,
        fc.uint8Array({ maxLength: 400 }),
        fc.array(fc.nat({ max: 500 })),
        (p, tail, cuts) => {
          const raw = Buffer.concat([text(p), Buffer.from(tail)]);
          try {
            const r = parse(raw, cuts, { closeAtEnd: true });
            expect(r.end).toBeLessThanOrEqual(raw.length);
          } catch (e) {
            if (!(e instanceof ResponseProtocolError)) throw e;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
