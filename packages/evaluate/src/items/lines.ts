import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { GateError } from "@mlgate/core";
import { checkFile, fileError, ROLE } from "./file-access.js";
import { limitError } from "./limits.js";
import type { ItemLimits } from "./types.js";

/** Consecutive lines of a file, without their line ends (`\r\n` or `\n`). */
export interface LineBatch {
  /** 1-based number of `lines[0]`. */
  firstLine: number;
  lines: string[];
}

const NEWLINE = 0x0a;

/**
 * Stream a UTF-8 text file as batches of lines (one batch per chunk read: a promise per line would cost
 * more than the parsing). Bytes are split on `\n`, which never sits inside a multi-byte character, so
 * an over-long line fails as soon as it passes the limit instead of after being buffered whole, which
 * is what readline would do with a gigabyte of garbage.
 */
export async function* readLineBatches(path: string, limits: ItemLimits): AsyncGenerator<LineBatch> {
  await checkFile(path, limits);
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  let nextLine = 1;

  const take = (bytes: Buffer): LineBatch => {
    const batch = { firstLine: nextLine, lines: decodeLines(bytes, path, nextLine, limits) };
    nextLine += batch.lines.length;
    return batch;
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (total === 0) refuseUtf16(chunk, path);
      total += chunk.length;
      if (total > limits.maxBytes) {
        throw limitError(`${ROLE} grew past ${limits.maxBytes} bytes while being read`, "maxBytes", limits, {
          file: path,
        });
      }
      const last = chunk.lastIndexOf(NEWLINE);
      if (last < 0) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes > limits.maxLineBytes) throw tooLong(nextLine, path, limits);
        continue;
      }
      const complete = chunk.subarray(0, last);
      const bytes = pending.length === 0 ? complete : Buffer.concat([...pending, complete]);
      const rest = chunk.subarray(last + 1);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
      yield take(bytes);
      if (pendingBytes > limits.maxLineBytes) throw tooLong(nextLine, path, limits);
    }
  } catch (e) {
    throw fileError(e, path);
  } finally {
    stream.destroy();
  }
  if (pendingBytes > 0) yield take(Buffer.concat(pending));
}

/** Lines of a block of whole lines, checked: no NUL, valid UTF-8, none too long. */
function decodeLines(bytes: Buffer, path: string, firstLine: number, limits: ItemLimits): string[] {
  if (bytes.indexOf(0) >= 0 || !isUtf8(bytes)) throw encodingError(bytes, path, firstLine);
  let text = bytes.toString("utf8");
  if (firstLine === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) lines[i] = line = line.slice(0, -1);
    // A character is at most 3 UTF-8 bytes per UTF-16 unit, so most lines need no byte count.
    if (line.length * 3 > limits.maxLineBytes && Buffer.byteLength(line) > limits.maxLineBytes) {
      throw tooLong(firstLine + i, path, limits);
    }
  }
  return lines;
}

function tooLong(line: number, path: string, limits: ItemLimits): GateError {
  return limitError(`line ${line} is longer than ${limits.maxLineBytes} bytes`, "maxLineBytes", limits, {
    file: path,
    line,
  });
}

/** The first line with a NUL byte or invalid UTF-8, found only once something is wrong. */
function encodingError(bytes: Buffer, path: string, firstLine: number): GateError {
  let start = 0;
  for (let line = firstLine; ; line++) {
    const end = bytes.indexOf(NEWLINE, start);
    const piece = bytes.subarray(start, end < 0 ? bytes.length : end);
    const nul = piece.indexOf(0);
    if (nul >= 0) {
      return new GateError(`${ROLE} holds a NUL byte: it is binary data, not text`, {
        location: { file: path, line, column: piece.subarray(0, nul).toString("utf8").length + 1 },
      });
    }
    if (!isUtf8(piece)) {
      return new GateError(`${ROLE} is not valid UTF-8 text`, {
        location: { file: path, line, column: firstInvalid(piece) },
        hint: "save it as UTF-8",
      });
    }
    if (end < 0) return new GateError(`${ROLE} is not valid UTF-8 text`, { location: { file: path, line } });
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

function refuseUtf16(head: Buffer, path: string): void {
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (utf16) {
    throw new GateError(`${ROLE} is UTF-16 text, not UTF-8`, {
      location: { file: path, line: 1 },
      hint: "save it as UTF-8 (in Python: open(path, 'w', encoding='utf-8'))",
    });
  }
}
