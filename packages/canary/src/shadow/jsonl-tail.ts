import { open } from "node:fs/promises";
import { GateError } from "@mlgate/core";

export interface JsonlTailOptions {
  /** For messages: `candidate prediction log`. */
  what: string;
  /** A longer line is skipped and counted as bad (default 1 MiB). */
  maxLineBytes?: number;
  /** Bytes read per call at most; the rest waits for the next call (default 8 MiB). */
  maxReadBytes?: number;
}

export interface TailRead {
  values: unknown[];
  /** Lines that were not JSON, or too long. */
  badLines: number;
}

const NEWLINE = 0x0a;

/**
 * Reads a JSON-lines file as it grows: each call returns the complete lines written since the last
 * one (a half-written last line waits). A file that shrank was rotated or truncated and is read from
 * its start again; a file that does not exist yet has no lines.
 */
export class JsonlTail {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  /** Inside a line already known to be too long: skip to its end. */
  private skipping = false;
  readonly maxLineBytes: number;
  readonly maxReadBytes: number;

  constructor(
    readonly file: string,
    private readonly options: JsonlTailOptions,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? 1024 * 1024;
    this.maxReadBytes = options.maxReadBytes ?? 8 * 1024 * 1024;
  }

  async read(): Promise<TailRead> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(this.file, "r");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { values: [], badLines: 0 };
      throw new GateError(`cannot read the ${this.options.what} ${this.file}: ${code ?? String(e)}`, {
        cause: e,
      });
    }
    let chunk: Buffer;
    try {
      const info = await handle.stat();
      if (!info.isFile())
        throw new GateError(`cannot read the ${this.options.what} ${this.file}: not a regular file`);
      if (info.size < this.offset) {
        this.offset = 0;
        this.partial = Buffer.alloc(0);
        this.skipping = false;
      }
      const length = Math.min(info.size - this.offset, this.maxReadBytes);
      if (length <= 0) return { values: [], badLines: 0 };
      chunk = Buffer.alloc(length);
      const { bytesRead } = await handle.read(chunk, 0, length, this.offset);
      this.offset += bytesRead;
      chunk = chunk.subarray(0, bytesRead);
    } catch (e) {
      if (e instanceof GateError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new GateError(`cannot read the ${this.options.what} ${this.file}: ${code ?? String(e)}`, {
        cause: e,
      });
    } finally {
      await handle.close();
    }
    return this.consume(chunk);
  }

  /** Split bytes into lines, keeping an unfinished last line for the next read. */
  consume(chunk: Buffer): TailRead {
    const values: unknown[] = [];
    let badLines = 0;
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) break;
      const piece = chunk.subarray(start, end);
      start = end + 1;
      if (this.skipping) {
        this.skipping = false;
        this.partial = Buffer.alloc(0);
        continue;
      }
      const line = this.partial.length > 0 ? Buffer.concat([this.partial, piece]) : piece;
      this.partial = Buffer.alloc(0);
      if (line.length > this.maxLineBytes) {
        badLines++;
        continue;
      }
      const text = line.toString("utf8").trim();
      if (text === "") continue;
      try {
        values.push(JSON.parse(text));
      } catch {
        badLines++;
      }
    }
    const rest = chunk.subarray(start);
    if (this.skipping) return { values, badLines };
    if (this.partial.length + rest.length > this.maxLineBytes) {
      // The line is already too long: drop what we have and skip to its end.
      this.partial = Buffer.alloc(0);
      this.skipping = true;
      badLines++;
    } else if (rest.length > 0) {
      this.partial = Buffer.concat([this.partial, rest]);
    }
    return { values, badLines };
  }
}
