/**
 * An incremental HTTP/1.1 response parser for the load generator's connections. It reads only what
 * measuring needs (status, framing, keep-alive, content type) straight from the bytes, without
 * building header objects, because at tens of thousands of responses per second the generator's own
 * cost per response is what limits the load it can drive.
 *
 * Framing follows RFC 9112 §6: no body for HEAD, 1xx, 204 and 304; chunked when it is the last
 * transfer coding; else Content-Length; else the body runs until the connection closes. Interim 1xx
 * responses are skipped. Lines end in CRLF. Bounded: the head (and the trailers) at
 * `RESPONSE_LIMITS.maxHeadBytes`, a chunk-size line at `maxChunkLineBytes`, lengths below 2^53.
 */

export const RESPONSE_LIMITS = Object.freeze({
  maxHeadBytes: 64 * 1024,
  maxChunkLineBytes: 4096,
  /** Interim (1xx) responses before the final one. */
  maxInterimResponses: 16,
});

/** The response breaks the protocol; the connection cannot be trusted any more. */
export class ResponseProtocolError extends Error {
  readonly code = "RESPONSE_PROTOCOL";
  constructor(why: string) {
    super(`malformed response: ${why}`);
    this.name = "ResponseProtocolError";
  }
}

/** Receives what the parser finds in one response. */
export interface ResponseSink {
  onHead(status: number, contentType: string | undefined): void;
  /** Body bytes with chunked framing removed; the view is valid only during the call. */
  onBody(chunk: Buffer): void;
}

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
const SEMICOLON = 59;
const CRLFCRLF = Buffer.from("\r\n\r\n", "latin1");

/** Parser states. */
const State = {
  Head: 0,
  Length: 1,
  ChunkSize: 2,
  ChunkExtension: 3,
  ChunkSizeLf: 4,
  ChunkData: 5,
  ChunkDataCr: 6,
  ChunkDataLf: 7,
  Trailers: 8,
  UntilClose: 9,
  Done: 10,
} as const;
type StateCode = (typeof State)[keyof typeof State];

/** Lengths above this many decimal digits (or hex digits in a chunk size) could exceed 2^53. */
const MAX_DECIMAL_DIGITS = 15;
const MAX_HEX_DIGITS = 13;

function isWhite(c: number): boolean {
  return c === SP || c === HT;
}

/** Case-insensitive match of bytes `b[start, start + name.length)` against a lower-case ASCII name. */
function nameIs(b: Buffer, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if ((b[start + i]! | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** The comma-separated tokens of a header value, lower-cased and trimmed. */
function tokens(value: string): string[] {
  return value
    .toLowerCase()
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

export class ResponseParser {
  /** Whether the connection may carry another request after this response. */
  keepAlive = true;
  /** The server's `Keep-Alive: timeout=N`, in ms, when it sent one. */
  keepAliveHintMs: number | undefined;
  /** Whether the final status line and headers have arrived. */
  gotHead = false;

  private state: StateCode = State.Head;
  private headOnly = false;
  private wantBody = false;
  private wantContentType = false;
  /** Bytes of a head (or of trailers) split across reads, copied because read buffers are reused. */
  private partial: Buffer | undefined;
  private interim = 0;
  private remaining = 0;
  private hexDigits = 0;
  private lineBytes = 0;
  private trailerBytes = 0;
  private sawCr = false;

  constructor(private readonly sink: ResponseSink) {}

  /** Get ready for the response to the next request; `headOnly` for a HEAD request. */
  reset(headOnly: boolean, wantBody: boolean, wantContentType: boolean): void {
    this.state = State.Head;
    this.headOnly = headOnly;
    this.wantBody = wantBody;
    this.wantContentType = wantContentType;
    this.partial = undefined;
    this.interim = 0;
    this.keepAlive = true;
    this.keepAliveHintMs = undefined;
    this.gotHead = false;
  }

  /** Whether the response is complete. */
  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Parse `b[start, end)`. Returns the offset just past the end of the response once it is complete,
   * or -1 when more bytes are needed. Throws ResponseProtocolError.
   */
  feed(b: Buffer, start: number, end: number): number {
    let i = start;
    while (i < end) {
      switch (this.state) {
        case State.Head:
          i = this.feedHead(b, i, end);
          if (i < 0) return -1;
          break;
        case State.Length: {
          const n = Math.min(this.remaining, end - i);
          if (this.wantBody) this.sink.onBody(b.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.Done;
          break;
        }
        case State.ChunkSize: {
          const c = b[i]!;
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.hexDigits > MAX_HEX_DIGITS)
              throw new ResponseProtocolError("a chunk size is too large");
            this.remaining = this.remaining * 16 + v;
            this.lineBytes++;
            i++;
          } else if (this.hexDigits === 0) {
            throw new ResponseProtocolError("a chunk size line does not start with a hex number");
          } else if (c === CR) {
            this.state = State.ChunkSizeLf;
            i++;
          } else if (c === SEMICOLON || isWhite(c)) {
            this.state = State.ChunkExtension;
          } else {
            throw new ResponseProtocolError("a chunk size is not a hex number");
          }
          break;
        }
        case State.ChunkExtension: {
          // Extensions carry nothing the measurement needs: skip to the end of the line, bounded.
          const c = b[i]!;
          if (c === CR) this.state = State.ChunkSizeLf;
          else if (c === LF) throw new ResponseProtocolError("a chunk size line ends without CR");
          else if (++this.lineBytes > RESPONSE_LIMITS.maxChunkLineBytes)
            throw new ResponseProtocolError(
              `a chunk size line is over ${RESPONSE_LIMITS.maxChunkLineBytes} bytes`,
            );
          i++;
          break;
        }
        case State.ChunkSizeLf:
          if (b[i] !== LF) throw new ResponseProtocolError("a chunk size line ends without LF");
          i++;
          if (this.remaining === 0) {
            this.state = State.Trailers;
            this.lineBytes = 0;
            this.trailerBytes = 0;
            this.sawCr = false;
          } else this.state = State.ChunkData;
          break;
        case State.ChunkData: {
          const n = Math.min(this.remaining, end - i);
          if (this.wantBody) this.sink.onBody(b.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkDataCr;
          break;
        }
        case State.ChunkDataCr:
          if (b[i] !== CR) throw new ResponseProtocolError("a chunk is longer than its size says");
          this.state = State.ChunkDataLf;
          i++;
          break;
        case State.ChunkDataLf:
          if (b[i] !== LF) throw new ResponseProtocolError("a chunk does not end with CRLF");
          this.startChunk();
          i++;
          break;
        case State.Trailers: {
          // Trailer lines are skipped; an empty line ends the message.
          const c = b[i]!;
          i++;
          if (++this.trailerBytes > RESPONSE_LIMITS.maxHeadBytes)
            throw new ResponseProtocolError(`the trailers are over ${RESPONSE_LIMITS.maxHeadBytes} bytes`);
          if (c === LF) {
            if (this.lineBytes === 0 && this.sawCr) this.state = State.Done;
            this.lineBytes = 0;
            this.sawCr = false;
          } else if (c === CR) this.sawCr = true;
          else {
            this.lineBytes++;
            this.sawCr = false;
          }
          break;
        }
        case State.UntilClose:
          if (this.wantBody) this.sink.onBody(b.subarray(i, end));
          i = end;
          break;
        case State.Done:
          return i;
      }
    }
    return this.state === State.Done ? i : -1;
  }

  /** The connection closed: true when that completes the response (a body delimited by the close). */
  endOfInput(): boolean {
    if (this.state === State.UntilClose) this.state = State.Done;
    return this.state === State.Done;
  }

  private startChunk(): void {
    this.state = State.ChunkSize;
    this.remaining = 0;
    this.hexDigits = 0;
    this.lineBytes = 0;
  }

  /** Find the end of the head; parse it when whole. Returns the offset after it, or -1. */
  private feedHead(b: Buffer, start: number, end: number): number {
    const partial = this.partial;
    if (partial === undefined) {
      const at = b.indexOf(CRLFCRLF, start);
      // Read buffers are reused: a match past `end` is stale bytes.
      if (at >= 0 && at + 4 <= end) {
        this.parseHead(b, start, at + 2);
        return at + 4;
      }
      if (end - start > RESPONSE_LIMITS.maxHeadBytes) this.headTooLarge();
      this.partial = Buffer.from(b.subarray(start, end));
      return -1;
    }
    const joined = Buffer.concat([partial, b.subarray(start, end)]);
    const at = joined.indexOf(CRLFCRLF, Math.max(0, partial.length - 3));
    if (at < 0) {
      if (joined.length > RESPONSE_LIMITS.maxHeadBytes) this.headTooLarge();
      this.partial = joined;
      return -1;
    }
    this.partial = undefined;
    this.parseHead(joined, 0, at + 2);
    return start + (at + 4 - partial.length);
  }

  private headTooLarge(): never {
    throw new ResponseProtocolError(
      `the status line and headers are over ${RESPONSE_LIMITS.maxHeadBytes} bytes`,
    );
  }

  /** Parse the status line and headers in `b[start, end)`, where `end` is just past the last header's CRLF. */
  private parseHead(b: Buffer, start: number, end: number): void {
    if (end - start > RESPONSE_LIMITS.maxHeadBytes) this.headTooLarge();
    // "HTTP/1.x NNN" then a space or the end of the line.
    if (
      end - start < 14 ||
      !(
        b[start] === 72 &&
        b[start + 1] === 84 &&
        b[start + 2] === 84 &&
        b[start + 3] === 80 &&
        b[start + 4] === 47 &&
        b[start + 5] === 49 &&
        b[start + 6] === 46
      )
    ) {
      throw new ResponseProtocolError("the status line does not start with HTTP/1.x");
    }
    const minor = b[start + 7]! - 48;
    const d0 = b[start + 9]! - 48;
    const d1 = b[start + 10]! - 48;
    const d2 = b[start + 11]! - 48;
    const after = b[start + 12];
    if (
      (minor !== 0 && minor !== 1) ||
      b[start + 8] !== SP ||
      d0 < 1 ||
      d0 > 9 ||
      d1 < 0 ||
      d1 > 9 ||
      d2 < 0 ||
      d2 > 9 ||
      (after !== SP && after !== CR)
    ) {
      throw new ResponseProtocolError("the status line is not HTTP/1.x followed by a 3-digit status");
    }
    const status = d0 * 100 + d1 * 10 + d2;
    let contentLength = -1;
    let chunked = false;
    let transferEncoded = false;
    let close = minor === 0;
    let keepAliveHintMs: number | undefined;
    let contentType: string | undefined;

    const statusEnd = b.indexOf(LF, start);
    if (b[statusEnd - 1] !== CR) throw new ResponseProtocolError("the status line does not end with CRLF");
    let line = statusEnd + 1;
    while (line < end) {
      let colon = -1;
      let eol = line;
      while (eol < end && b[eol] !== CR) {
        if (colon < 0 && b[eol] === COLON) colon = eol;
        eol++;
      }
      if (eol >= end || b[eol + 1] !== LF)
        throw new ResponseProtocolError("a header line does not end with CRLF");
      if (isWhite(b[line]!))
        throw new ResponseProtocolError("a header line is folded (obsolete line folding)");
      if (colon <= line) throw new ResponseProtocolError("a header line has no name and colon");
      let vs = colon + 1;
      let ve = eol;
      while (vs < ve && isWhite(b[vs]!)) vs++;
      while (ve > vs && isWhite(b[ve - 1]!)) ve--;
      switch (colon - line) {
        case 14:
          if (nameIs(b, line, "content-length")) {
            const n = this.decimal(b, vs, ve);
            if (contentLength >= 0 && contentLength !== n)
              throw new ResponseProtocolError("two different Content-Length headers");
            contentLength = n;
          }
          break;
        case 17:
          if (nameIs(b, line, "transfer-encoding")) {
            transferEncoded = true;
            chunked =
              ve - vs === 7 && nameIs(b, vs, "chunked")
                ? true
                : tokens(b.toString("latin1", vs, ve)).at(-1) === "chunked";
          }
          break;
        case 10:
          if (nameIs(b, line, "connection")) {
            // The usual single values without a string; lists the slow way.
            if (ve - vs === 5 && nameIs(b, vs, "close")) close = true;
            else if (ve - vs === 10 && nameIs(b, vs, "keep-alive")) close = false;
            else {
              const t = tokens(b.toString("latin1", vs, ve));
              if (t.includes("close")) close = true;
              else if (t.includes("keep-alive")) close = false;
            }
          } else if (nameIs(b, line, "keep-alive")) {
            const m = /(?:^|[,\s])timeout\s*=\s*(\d{1,9})/i.exec(b.toString("latin1", vs, ve));
            if (m) keepAliveHintMs = Number(m[1]) * 1000;
          }
          break;
        case 12:
          if (this.wantContentType && nameIs(b, line, "content-type")) {
            const v = b.toString("latin1", vs, ve);
            contentType = contentType === undefined ? v : `${contentType}, ${v}`;
          }
          break;
      }
      line = eol + 2;
    }

    if (status < 200) {
      if (status === 101)
        throw new ResponseProtocolError("the server switched protocols (101), which was not asked for");
      // An interim response (100 Continue, 103 Early Hints): the final one follows.
      if (++this.interim > RESPONSE_LIMITS.maxInterimResponses)
        throw new ResponseProtocolError(`more than ${RESPONSE_LIMITS.maxInterimResponses} interim responses`);
      return;
    }
    this.gotHead = true;
    // Both framings at once is how request smuggling starts: trust neither beyond this response.
    if (transferEncoded && contentLength >= 0) close = true;
    this.keepAlive = !close;
    this.keepAliveHintMs = keepAliveHintMs;
    if (this.headOnly || status === 204 || status === 304) this.state = State.Done;
    else if (chunked) this.startChunk();
    else if (transferEncoded) {
      this.state = State.UntilClose;
      this.keepAlive = false;
    } else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = contentLength === 0 ? State.Done : State.Length;
    } else {
      this.state = State.UntilClose;
      this.keepAlive = false;
    }
    this.sink.onHead(status, contentType);
  }

  private decimal(b: Buffer, start: number, end: number): number {
    if (end === start || end - start > MAX_DECIMAL_DIGITS)
      throw new ResponseProtocolError("Content-Length is not a number of bytes");
    let n = 0;
    for (let i = start; i < end; i++) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) throw new ResponseProtocolError("Content-Length is not a number of bytes");
      n = n * 10 + d;
    }
    return n;
  }
}
