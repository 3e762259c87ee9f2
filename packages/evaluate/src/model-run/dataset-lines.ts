import { isUtf8 } from "node:buffer";
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { GateError } from "@mlgate/core";
import { DATASET, fsError } from "./errors.js";
import { datasetLimitError } from "./limits.js";
import type { DatasetLimits } from "./types.js";

/** Consecutive lines of the dataset without their line ends, and how far the read has got. */
export interface LineChunk {
  /** 1-based number of `lines[0]`. */
  firstLine: number;
  lines: string[];
  /** Bytes of the file read so far. */
  bytesRead: number;
}

const NEWLINE = 0x0a;

/** Size of a regular file, refused when missing, special or over the limit, before reading any of it. */
export async function datasetSize(path: string, limits: DatasetLimits): Promise<number> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new GateError(`${DATASET} ${path} is not a regular file`, { location: { file: path } });
    size = info.size;
  } catch (e) {
    throw fsError(e, path, DATASET);
  }
  if (size > limits.maxBytes) throw datasetLimitError(`is ${size} bytes`, "maxBytes", limits, { file: path });
  return size;
}

/**
 * Stream a UTF-8 file as chunks of whole lines, hashing it on the way. Bytes are split on `\n`, which
 * never sits inside a multi-byte character, so an over-long line fails as soon as it passes the limit
 * instead of after being buffered whole.
 */
export async function* readDatasetLines(
  path: string,
  limits: DatasetLimits,
  hash: Hash = createHash("sha256"),
): AsyncGenerator<LineChunk> {
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let bytesRead = 0;
  let nextLine = 1;
  const take = (bytes: Buffer): LineChunk => {
    const chunk = { firstLine: nextLine, lines: decodeLines(bytes, path, nextLine, limits), bytesRead };
    nextLine += chunk.lines.length;
    return chunk;
  };
  try {
    for await (const data of stream as AsyncIterable<Buffer>) {
      if (bytesRead === 0) refuseUtf16(data, path);
      hash.update(data);
      bytesRead += data.length;
      if (bytesRead > limits.maxBytes) {
        throw datasetLimitError(`grew past ${limits.maxBytes} bytes while being read`, "maxBytes", limits, {
          file: path,
        });
      }
      const last = data.lastIndexOf(NEWLINE);
      if (last < 0) {
        pending.push(data);
        pendingBytes += data.length;
        if (pendingBytes > limits.maxLineBytes) throw tooLong(nextLine, path, limits);
        continue;
      }
      const whole = data.subarray(0, last);
      const bytes = pending.length === 0 ? whole : Buffer.concat([...pending, whole]);
      const rest = data.subarray(last + 1);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
      yield take(bytes);
      if (pendingBytes > limits.maxLineBytes) throw tooLong(nextLine, path, limits);
    }
  } catch (e) {
    throw fsError(e, path, DATASET);
  } finally {
    stream.destroy();
  }
  if (pendingBytes > 0) yield take(Buffer.concat(pending));
}

/** Lines of a block of whole lines, checked: no NUL, valid UTF-8, none too long. */
function decodeLines(bytes: Buffer, path: string, firstLine: number, limits: DatasetLimits): string[] {
  if (bytes.indexOf(0) >= 0 || !isUtf8(bytes)) throw encodingError(bytes, path, firstLine);
  let text = bytes.toString("utf8");
  if (firstLine === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith("\r")) lines[i] = line = line.slice(0, -1);
    // At most 3 UTF-8 bytes per UTF-16 unit, so most lines need no byte count.
    if (line.length * 3 > limits.maxLineBytes && Buffer.byteLength(line) > limits.maxLineBytes) {
      throw tooLong(firstLine + i, path, limits);
    }
  }
  return lines;
}

function tooLong(line: number, path: string, limits: DatasetLimits): GateError {
  return datasetLimitError(
    `line ${line} is longer than ${limits.maxLineBytes} bytes`,
    "maxLineBytes",
    limits,
    {
      file: path,
      line,
    },
  );
}

/** The first line holding a NUL byte or invalid UTF-8, looked for only once something is wrong. */
function encodingError(bytes: Buffer, path: string, firstLine: number): GateError {
  let start = 0;
  for (let line = firstLine; ; line++) {
    const end = bytes.indexOf(NEWLINE, start);
    const piece = bytes.subarray(start, end < 0 ? bytes.length : end);
    if (piece.indexOf(0) >= 0) {
      return new GateError(`${DATASET} holds a NUL byte on line ${line}: it is binary data, not text`, {
        location: { file: path, line },
        hint: "give the dataset as JSON Lines or CSV text",
      });
    }
    if (!isUtf8(piece) || end < 0) {
      return new GateError(`${DATASET} line ${line} is not valid UTF-8 text`, {
        location: { file: path, line },
        hint: "save it as UTF-8",
      });
    }
    start = end + 1;
  }
}

function refuseUtf16(head: Buffer, path: string): void {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    throw new GateError(`${DATASET} is UTF-16 text, not UTF-8`, {
      location: { file: path, line: 1 },
      hint: "save it as UTF-8 (in Python: open(path, 'w', encoding='utf-8'))",
    });
  }
}
