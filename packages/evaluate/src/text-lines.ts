import { isUtf8 } from "node:buffer";
import type { Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { GateError, type SourceLocation } from "@mlgate/core";

/** Consecutive lines of a file without their line ends (`\r\n` or `\n`), and how far the read has got. */
export interface LineChunk {
  /** 1-based number of `lines[0]`. */
  firstLine: number;
  lines: string[];
  /** Bytes of the file read so far. */
  bytesRead: number;
}

export interface TextLineOptions {
  /** How the file is named in messages: "items file", "eval dataset". */
  role: string;
  /** What to do about a file over a limit: "split or sample the file". */
  remedy: string;
  maxBytes: number;
  maxLineBytes: number;
  /** Turns a file-system failure into the caller's GateError (anything else passes through). */
  fsError: (e: unknown) => unknown;
  /** Fed every byte read, so a caller can fingerprint the file without a second pass. */
  hash?: Hash;
}

const NEWLINE = 0x0a;

/**
 * Stream a UTF-8 text file as chunks of whole lines (one chunk per read: a promise per line would
 * cost more than the parsing). Bytes are split on `\n`, which never sits inside a multi-byte
 * character, so an over-long line fails as soon as it passes the limit instead of after being
 * buffered whole, which is what readline would do with a gigabyte of garbage.
 */
export async function* readTextLines(path: string, options: TextLineOptions): AsyncGenerator<LineChunk> {
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let bytesRead = 0;
  let nextLine = 1;

  const take = (bytes: Buffer): LineChunk => {
    const chunk = { firstLine: nextLine, lines: decodeLines(bytes, path, nextLine, options), bytesRead };
    nextLine += chunk.lines.length;
    return chunk;
  };

  try {
    for await (const data of stream as AsyncIterable<Buffer>) {
      if (bytesRead === 0) refuseUtf16(data, path, options.role);
      options.hash?.update(data);
      bytesRead += data.length;
      if (bytesRead > options.maxBytes) {
        const what = `${options.role} grew past ${options.maxBytes} bytes while being read`;
        throw limitError(what, "maxBytes", options, { file: path });
      }
      const last = data.lastIndexOf(NEWLINE);
      if (last < 0) {
        pending.push(data);
        pendingBytes += data.length;
        if (pendingBytes > options.maxLineBytes) throw tooLong(nextLine, path, options);
        continue;
      }
      const whole = data.subarray(0, last);
      const bytes = pending.length === 0 ? whole : Buffer.concat([...pending, whole]);
      const rest = data.subarray(last + 1);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
      yield take(bytes);
      if (pendingBytes > options.maxLineBytes) throw tooLong(nextLine, path, options);
    }
  } catch (e) {
    throw options.fsError(e);
  } finally {
    stream.destroy();
  }
  if (pendingBytes > 0) yield take(Buffer.concat(pending));
}

/** A limit error worded the same way for every text input: what happened, the limit, the remedy. */
export function limitError(
  what: string,
  name: "maxBytes" | "maxLineBytes",
  options: Pick<TextLineOptions, "remedy" | "maxBytes" | "maxLineBytes">,
  location: SourceLocation,
): GateError {
  const value = options[name];
  return new GateError(`${what}, over the ${name} limit of ${value}`, {
    location,
    hint: `the ${name} limit (${value}) guards against runaway input; ${options.remedy}`,
  });
}

/** Lines of a block of whole lines, checked: no NUL, valid UTF-8, none too long. */
function decodeLines(bytes: Buffer, path: string, firstLine: number, options: TextLineOptions): string[] {
  if (bytes.indexOf(0) >= 0 || !isUtf8(bytes)) throw encodingError(bytes, path, firstLine, options.role);
  let text = bytes.toString("utf8");
  if (firstLine === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) lines[i] = line = line.slice(0, -1);
    // A character is at most 3 UTF-8 bytes per UTF-16 unit, so most lines need no byte count.
    if (line.length * 3 > options.maxLineBytes && Buffer.byteLength(line) > options.maxLineBytes) {
      throw tooLong(firstLine + i, path, options);
    }
  }
  return lines;
}

function tooLong(line: number, path: string, options: TextLineOptions): GateError {
  const what = `${options.role} line ${line} is longer than ${options.maxLineBytes} bytes`;
  return limitError(what, "maxLineBytes", options, { file: path, line });
}

/** The first line with a NUL byte or invalid UTF-8, looked for only once something is wrong. */
function encodingError(bytes: Buffer, path: string, firstLine: number, role: string): GateError {
  let start = 0;
  for (let line = firstLine; ; line++) {
    const end = bytes.indexOf(NEWLINE, start);
    const piece = bytes.subarray(start, end < 0 ? bytes.length : end);
    const nul = piece.indexOf(0);
    if (nul >= 0) {
      return new GateError(`${role} holds a NUL byte: it is binary data, not text`, {
        location: { file: path, line, column: piece.subarray(0, nul).toString("utf8").length + 1 },
      });
    }
    if (!isUtf8(piece)) {
      return new GateError(`${role} is not valid UTF-8 text`, {
        location: { file: path, line, column: firstInvalid(piece) },
        hint: "save it as UTF-8",
      });
    }
    if (end < 0) return new GateError(`${role} is not valid UTF-8 text`, { location: { file: path, line } });
    start = end + 1;
  }
}

/** 1-based column of the first character that does not decode. */
function firstInvalid(piece: Buffer): number {
  let i = 0;
  while (i < piece.length) {
    const c = piece[i]!;
    const size =
      c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (size === 0 || i + size > piece.length || !isUtf8(piece.subarray(i, i + size))) break;
    i += size;
  }
  return piece.subarray(0, i).toString("utf8").length + 1;
}

function refuseUtf16(head: Buffer, path: string, role: string): void {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new GateError(`${role} is UTF-16 text, not UTF-8`, {
      location: { file: path, line: 1 },
      hint: "save it as UTF-8 (in Python: open(path, 'w', encoding='utf-8'))",
    });
  }
}
