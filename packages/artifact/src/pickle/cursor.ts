import type { ByteSource } from "./source.js";

/** A structural fault in the byte stream; the walker turns it into a failing finding. */
export class StreamError extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "StreamError";
  }
}

const WINDOW = 1 << 20;

/**
 * Sequential reader over a ByteSource with a refillable window, and with protocol-4 frame
 * bookkeeping: an argument that straddles the end of a frame, or a FRAME opened before the
 * previous one is used up, is malformed (Python's own unpickler rejects both).
 */
export class Cursor {
  pos: number;
  private buf: Uint8Array;
  private bufStart = 0;
  private bufEnd = 0;
  /** Absolute end of the current frame, or -1 outside frames. */
  frameEnd = -1;

  constructor(
    readonly source: ByteSource,
    start = 0,
  ) {
    this.pos = start;
    this.buf = new Uint8Array(Math.min(WINDOW, Math.max(16, source.size)));
  }

  get size(): number {
    return this.source.size;
  }

  atEnd(): boolean {
    return this.pos >= this.source.size;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.source.size) {
      throw new StreamError(
        "pickle.malformed",
        `truncated ${what}: needs ${n} byte(s) at offset ${this.pos}, the stream ends at ${this.source.size}`,
        this.pos,
      );
    }
    if (this.frameEnd >= 0) {
      if (this.pos >= this.frameEnd) this.frameEnd = -1;
      else if (this.pos + n > this.frameEnd) {
        throw new StreamError(
          "pickle.malformed",
          `${what} at offset ${this.pos} runs past the end of its frame at ${this.frameEnd}`,
          this.pos,
        );
      }
    }
  }

  private fill(n: number): void {
    if (this.pos >= this.bufStart && this.pos + n <= this.bufEnd) return;
    if (n > this.buf.length) this.buf = new Uint8Array(n);
    const want = Math.min(this.buf.length, this.source.size - this.pos);
    const got = this.source.readInto(this.pos, this.buf, want);
    this.bufStart = this.pos;
    this.bufEnd = this.pos + got;
    if (got < n) {
      throw new StreamError("pickle.malformed", `read failed at offset ${this.pos}`, this.pos);
    }
  }

  u8(what = "opcode"): number {
    this.need(1, what);
    this.fill(1);
    const b = this.buf[this.pos - this.bufStart] as number;
    this.pos++;
    return b;
  }

  /** A view of the next n bytes, valid until the next read. */
  view(n: number, what: string): Uint8Array {
    this.need(n, what);
    this.fill(n);
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  /** A copy of the next n bytes. */
  take(n: number, what: string): Uint8Array {
    return this.view(n, what).slice();
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  uint(n: 1 | 2 | 4, what: string): number {
    const v = this.view(n, what);
    if (n === 1) return v[0] as number;
    if (n === 2) return (v[0] as number) | ((v[1] as number) << 8);
    return (
      ((v[0] as number) | ((v[1] as number) << 8) | ((v[2] as number) << 16)) + (v[3] as number) * 2 ** 24
    );
  }

  int32(what: string): number {
    const v = this.view(4, what);
    return (v[0] as number) | ((v[1] as number) << 8) | ((v[2] as number) << 16) | ((v[3] as number) << 24);
  }

  /** An unsigned 64-bit little-endian length; beyond 2^53 it cannot fit any file. */
  uint64(what: string): number {
    const v = this.view(8, what);
    let n = 0;
    for (let i = 7; i >= 0; i--) n = n * 256 + (v[i] as number);
    return n;
  }

  float64be(what: string): number {
    const v = this.view(8, what);
    return new DataView(v.buffer, v.byteOffset, 8).getFloat64(0, false);
  }

  private loadAt(at: number): void {
    if (at >= this.bufStart && at < this.bufEnd) return;
    const want = Math.min(this.buf.length, this.source.size - at);
    const got = this.source.readInto(at, this.buf, want);
    this.bufStart = at;
    this.bufEnd = at + got;
    if (got === 0) throw new StreamError("pickle.malformed", `read failed at offset ${at}`, at);
  }

  /** Bytes up to (not including) the next newline, which is consumed. */
  line(maxBytes: number, what: string): Uint8Array {
    const start = this.pos;
    const limit = Math.min(this.source.size, start + maxBytes + 1);
    let i = start;
    while (i < limit) {
      this.loadAt(i);
      const stop = Math.min(this.bufEnd, limit);
      let j = i;
      while (j < stop && this.buf[j - this.bufStart] !== 10) j++;
      if (j < stop) {
        const bytes = this.take(j - start, what);
        this.skip(1, what);
        return bytes;
      }
      i = stop;
    }
    if (limit === this.source.size) {
      throw new StreamError(
        "pickle.malformed",
        `truncated ${what} at offset ${start}: no newline before the end of the stream`,
        start,
      );
    }
    throw new StreamError(
      "pickle.limit",
      `${what} at offset ${start} is longer than ${maxBytes} bytes`,
      start,
    );
  }
}
