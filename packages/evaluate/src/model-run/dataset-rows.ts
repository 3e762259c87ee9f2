import { createHash } from "node:crypto";
import { once } from "node:events";
import { GateError } from "@mlgate/core";
import { parse } from "csv-parse";
import { fieldOf } from "../items/json-lines.js";
import { readDatasetLines } from "./dataset-lines.js";
import { DATASET, show } from "./errors.js";
import { datasetLimitError } from "./limits.js";
import type { DatasetFormat, DatasetLimits } from "./types.js";

/** One row as read: a JSON object, or the fields of a CSV record. */
export interface RawRow {
  line: number;
  fields: Record<string, unknown> | string[];
}

/** A dataset opened for streaming: its columns, known from the header or the first object, and its rows. */
export interface DatasetTable {
  file: string;
  format: DatasetFormat;
  /** What the header (CSV) or the first object (JSON Lines) offers, for messages. */
  columns: readonly string[];
  has(column: string): boolean;
  /** A row's value in a column: undefined when absent; CSV values are strings. */
  read(row: RawRow, column: string): unknown;
  /** Batches of rows in file order, the first row included; never an empty batch. */
  rows(): AsyncGenerator<RawRow[]>;
  bytesRead(): number;
  /** SHA-256 of the file, once every row has been read. */
  sha256(): string;
  /** Stop reading (the file is closed); safe to call more than once. */
  close(): Promise<void>;
}

/** Open a dataset: read up to its first row to learn the columns, then stream the rest on demand. */
export async function openDataset(
  file: string,
  format: DatasetFormat,
  limits: DatasetLimits,
): Promise<DatasetTable> {
  const hash = createHash("sha256");
  let digest: string | undefined;
  let bytes = 0;
  const lines = (async function* () {
    for await (const chunk of readDatasetLines(file, limits, hash)) {
      bytes = chunk.bytesRead;
      yield chunk;
    }
    digest = hash.digest("hex");
  })();
  const source = format === "jsonl" ? jsonRows(file, lines, limits) : csvRows(file, lines, format, limits);
  const head = await source.next();
  if (head.done) {
    await source.return(undefined);
    throw new GateError(`${DATASET} ${file} holds no rows`, { location: { file } });
  }
  const first = head.value;
  const shape = format === "jsonl" ? jsonShape(first.rows[0]!) : csvShape(file, first.header!, limits);
  let started = false;
  return {
    file,
    format,
    columns: shape.columns,
    has: shape.has,
    read: shape.read,
    async *rows() {
      if (started) throw new Error("dataset rows can be read once");
      started = true;
      try {
        if (first.rows.length > 0) yield first.rows;
        for (let next = await source.next(); !next.done; next = await source.next()) {
          if (next.value.rows.length > 0) yield next.value.rows;
        }
      } finally {
        await source.return(undefined);
      }
    },
    bytesRead: () => bytes,
    close: async () => {
      await source.return(undefined);
    },
    sha256: () => {
      if (digest === undefined) throw new Error("the dataset has not been read to its end");
      return digest;
    },
  };
}

interface Shape {
  columns: readonly string[];
  has(column: string): boolean;
  read(row: RawRow, column: string): unknown;
}

interface Batch {
  rows: RawRow[];
  /** CSV: the header record, on the first batch only. */
  header?: string[];
}

async function* jsonRows(
  file: string,
  lines: AsyncIterable<{ firstLine: number; lines: string[] }>,
  limits: DatasetLimits,
): AsyncGenerator<Batch> {
  for await (const { firstLine, lines: texts } of lines) {
    const rows: RawRow[] = [];
    texts.forEach((text, i) => {
      if (text.trim() !== "")
        rows.push({ line: firstLine + i, fields: parseObject(text, file, firstLine + i, limits) });
    });
    if (rows.length > 0) yield { rows };
  }
}

function parseObject(
  text: string,
  file: string,
  line: number,
  limits: DatasetLimits,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const nonFinite = /\b(?:NaN|-?Infinity)\b/.test(text) ? " (NaN and Infinity are not JSON numbers)" : "";
    throw new GateError(`${DATASET} line ${line} is not valid JSON${nonFinite}: ${reason}`, {
      location: { file, line },
      hint: "each line of a JSON Lines dataset must be one complete JSON object",
    });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new GateError(
      `${DATASET} line ${line} is ${Array.isArray(value) ? "an array" : show(value)}, not a JSON object`,
      {
        location: { file, line },
        hint: 'one object per line, such as {"id": "r1", "label": 1, "features": [0.5, 1.25]}',
      },
    );
  }
  let keys = 0;
  for (const _ in value) keys++;
  if (keys > limits.maxColumns) {
    throw datasetLimitError(`line ${line} has ${keys} fields`, "maxColumns", limits, { file, line });
  }
  return value as Record<string, unknown>;
}

/** JSON Lines: the first object fixes the columns, as a header would; dotted paths reach nested fields. */
function jsonShape(first: RawRow): Shape {
  const object = first.fields as Record<string, unknown>;
  return {
    columns: Object.keys(object),
    has: (column) => fieldOf(object, column) !== undefined,
    read: (row, column) => fieldOf(row.fields as Record<string, unknown>, column),
  };
}

function csvShape(file: string, header: string[], limits: DatasetLimits): Shape {
  if (header.length > limits.maxColumns) {
    throw datasetLimitError(`header has ${header.length} columns`, "maxColumns", limits, { file, line: 1 });
  }
  const index = new Map<string, number>();
  const twice = new Set<string>();
  header.forEach((name, i) => {
    if (index.has(name)) twice.add(name);
    else index.set(name, i);
  });
  return {
    columns: header,
    has: (column) => {
      if (twice.has(column)) {
        throw new GateError(`${DATASET} column ${JSON.stringify(column)} appears twice in the header`, {
          location: { file, line: 1 },
          hint: "rename one of them",
        });
      }
      return index.has(column);
    },
    read: (row, column) => {
      const at = index.get(column);
      return at === undefined ? undefined : (row.fields as string[])[at];
    },
  };
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** CSV or TSV through csv-parse, fed whole lines; the first record is the header. */
async function* csvRows(
  file: string,
  lines: AsyncGenerator<{ lines: string[] }>,
  format: DatasetFormat,
  limits: DatasetLimits,
): AsyncGenerator<Batch> {
  const delimiter = format === "tsv" ? "\t" : ",";
  const parser = parse({
    delimiter,
    record_delimiter: "\n",
    info: true,
    skip_empty_lines: true,
    max_record_size: limits.maxLineBytes,
    // TSV writers rarely quote, so a quote inside a value is text.
    relax_quotes: delimiter === "\t",
  });
  const stop = new AbortController();
  const feed = (async () => {
    try {
      for await (const chunk of lines) {
        if (stop.signal.aborted) return;
        if (!parser.write(`${chunk.lines.join("\n")}\n`))
          await once(parser, "drain", { signal: stop.signal });
      }
      parser.end();
    } catch (e) {
      if (!stop.signal.aborted) parser.destroy(e as Error);
    }
  })();
  let header: string[] | undefined;
  let batch: RawRow[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
      if (!header) {
        header = record;
        continue;
      }
      batch.push({ line: info.lines, fields: record });
      if (batch.length >= 1024) {
        yield { rows: batch, header };
        batch = [];
      }
    }
    if (!header) throw new GateError(`${DATASET} ${file} is empty: no header row`, { location: { file } });
    yield { rows: batch, header };
  } catch (e) {
    throw csvError(e, file, limits);
  } finally {
    stop.abort();
    parser.destroy();
    await lines.return(undefined);
    await feed;
  }
}

/** csv-parse's errors in the gate's terms, with their line. */
function csvError(e: unknown, file: string, limits: DatasetLimits): unknown {
  const err = e as { code?: unknown; message?: string; lines?: number } | undefined;
  if (typeof err?.code !== "string" || !/^(CSV_|INVALID_)/.test(err.code)) return e;
  const line = err.lines ?? 1;
  const location = { file, line };
  switch (err.code) {
    case "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH": {
      const counts = /expect (\d+), got (\d+)/.exec(err.message ?? "");
      return new GateError(
        `${DATASET} line ${line} ${counts ? `has ${counts[2]} fields, the header has ${counts[1]}` : "has a different number of fields than the header"}`,
        { location, hint: "quote values that contain the delimiter, a quote or a line break" },
      );
    }
    case "CSV_MAX_RECORD_SIZE":
      return datasetLimitError(
        `row on line ${line} is longer than ${limits.maxLineBytes} characters`,
        "maxLineBytes",
        limits,
        location,
      );
    case "CSV_QUOTE_NOT_CLOSED":
      return new GateError(`${DATASET} ends inside a quoted value (line ${line})`, {
        location,
        hint: 'close the quote, and write a quote inside a quoted value as two quotes ("")',
      });
    default:
      return new GateError(
        `${DATASET} has malformed CSV on line ${line}: ${(err.message ?? err.code).replace(/ (?:at|on) line \d+/, "")}`,
        {
          location,
          hint: 'quote values that contain quotes, and double the quotes inside ("")',
        },
      );
  }
}
