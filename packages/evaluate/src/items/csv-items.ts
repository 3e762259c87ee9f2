import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GateError, isGateError } from "@mlgate/core";
import { parse } from "csv-parse";
import { type Roles, resolveRoles } from "./columns.js";
import { ROLE } from "./file-access.js";
import { limitError } from "./limits.js";
import { type LineBatch, readLineBatches } from "./lines.js";
import { type RowReader, TableBuilder } from "./table-builder.js";
import type { ItemLimits, ItemTable, ReadItemsOptions } from "./types.js";

interface ParsedRow {
  record: string[];
  /** The record's text with the blank lines skipped before it and its line end. */
  raw: string;
}

/**
 * Items from a CSV or TSV file with a header row. The checked line reader feeds csv-parse, so bytes,
 * line length and UTF-8 are checked once, the same way as for JSON Lines; line ends reach the parser
 * as `\n` (a `\r\n` inside a quoted value too).
 */
export async function csvItems(
  file: string,
  delimiter: string,
  options: ReadItemsOptions,
  limits: ItemLimits,
): Promise<ItemTable> {
  const parser = parse({
    delimiter,
    record_delimiter: "\n",
    // Line numbers come from `raw`; csv-parse's per-record `info` costs more than the parsing.
    raw: true,
    skip_empty_lines: true,
    max_record_size: limits.maxLineBytes,
    // TSV writers rarely quote, so a quote inside a value is text.
    relax_quotes: delimiter === "\t",
  });
  let table: ItemTable | undefined;
  let refused: unknown;
  const consume = async (rows: AsyncIterable<ParsedRow>): Promise<void> => {
    try {
      table = await tableOf(rows, file, delimiter, options, limits);
    } catch (e) {
      // The pipeline may report its own abort rather than why the rows were refused.
      refused = e;
      throw e;
    }
  };
  try {
    await pipeline(Readable.from(textChunks(readLineBatches(file, limits))), parser, consume);
  } catch (e) {
    const reason = refused ?? e;
    throw isGateError(reason) ? reason : await csvError(reason, file, limits);
  }
  return table!;
}

async function tableOf(
  rows: AsyncIterable<ParsedRow>,
  file: string,
  delimiter: string,
  options: ReadItemsOptions,
  limits: ItemLimits,
): Promise<ItemTable> {
  let builder: TableBuilder<string[], string> | undefined;
  let linesBefore = 0;
  for await (const { record, raw } of rows) {
    const line = linesBefore + leadingBreaks(raw) + 1;
    linesBefore += countBreaks(raw);
    if (builder) {
      builder.add(record, line, raw);
      continue;
    }
    const { roles, index } = readHeader(record, file, line, options, limits);
    const reader: RowReader<string[], string> = {
      read: (fields, column) => fields[index.get(column)!],
      locate: (n) => ({ file, line: n }),
      describe: (n) => `line ${n}`,
      column: (text, column) => fieldColumn(text, delimiter, index.get(column)!),
    };
    builder = new TableBuilder(file, roles, limits, reader, options.kind ? { kind: options.kind } : {});
  }
  if (!builder) throw new GateError(`${ROLE} is empty: no header row`, { location: { file } });
  return builder.finish("csv");
}

interface Header {
  roles: Roles;
  /** column name → field index. */
  index: Map<string, number>;
}

function readHeader(
  names: string[],
  file: string,
  line: number,
  options: ReadItemsOptions,
  limits: ItemLimits,
): Header {
  if (names.length > limits.maxColumns) {
    throw limitError(`the header has ${names.length} columns`, "maxColumns", limits, { file, line });
  }
  const index = new Map<string, number>();
  const twice = new Map<string, number>();
  names.forEach((name, i) => {
    if (index.has(name)) twice.set(name, i);
    else index.set(name, i);
  });
  const roles = resolveRoles(options.columns ?? {}, names, (name) => index.has(name), { file, line });
  const used = [roles.id, roles.label, roles.prediction, roles.score, roles.positiveScore, ...roles.slices];
  for (const name of used) {
    const second = name === undefined ? undefined : twice.get(name);
    if (name !== undefined && second !== undefined) {
      throw new GateError(
        `column "${name}" appears twice in the header (fields ${index.get(name)! + 1} and ${second + 1})`,
        { location: { file, line }, hint: "rename one of them" },
      );
    }
  }
  return { roles, index };
}

/** Each batch of lines as one chunk of text for the parser. */
async function* textChunks(batches: AsyncIterable<LineBatch>): AsyncGenerator<string> {
  for await (const { lines } of batches) yield `${lines.join("\n")}\n`;
}

function countBreaks(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function leadingBreaks(raw: string): number {
  let n = 0;
  while (raw.charCodeAt(n) === 10) n++;
  return n;
}

/** Column where field `index` starts, when the record sits on one line. */
function fieldColumn(raw: string, delimiter: string, index: number): number | undefined {
  const body = raw.replace(/^\n+|\n$/g, "");
  if (body.includes("\n")) return undefined;
  let field = 0;
  let quoted = false;
  for (let i = 0; i < body.length && field < index; i++) {
    const c = body[i];
    if (c === '"') quoted = !quoted;
    else if (c === delimiter && !quoted) field++;
    if (field === index) return i + 2;
  }
  return index === 0 ? 1 : undefined;
}

/** The fields of csv-parse's CsvError this reader uses. */
interface CsvParseError {
  code: string;
  message: string;
  lines?: number;
}

/** csv-parse's errors, said in the gate's terms with the line they are on. */
async function csvError(e: unknown, file: string, limits: ItemLimits): Promise<unknown> {
  const err = e as Partial<CsvParseError> | undefined;
  if (typeof err?.code !== "string" || !/^(CSV_|INVALID_)/.test(err.code)) return e;
  const line = err.lines ?? 1;
  switch (err.code) {
    case "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH": {
      const expect = /expect (\d+), got (\d+)/.exec(err.message ?? "");
      const counts = expect
        ? `has ${expect[2]} fields, the header has ${expect[1]}`
        : "has a different number of fields than the header";
      return new GateError(`ragged CSV: line ${line} ${counts}`, {
        location: { file, line },
        hint: "quote values that contain the delimiter, a quote or a line break",
        cause: e,
      });
    }
    case "CSV_QUOTE_NOT_CLOSED": {
      // The parser only knows the file ended inside quotes; where they opened is worth a second read.
      const opened = await unclosedQuoteLine(file, limits);
      return new GateError(`a quoted value opened on line ${opened} is never closed`, {
        location: { file, line: opened },
        hint: 'close the quote, and write a quote inside a quoted value as two quotes ("")',
        cause: e,
      });
    }
    case "CSV_MAX_RECORD_SIZE":
      return limitError(
        `the row on line ${line} is longer than ${limits.maxLineBytes} characters`,
        "maxLineBytes",
        limits,
        {
          file,
          line,
        },
      );
    default: {
      const reason = (err.message ?? err.code).replace(/ (?:at|on) line \d+/, "");
      return new GateError(`malformed CSV on line ${line}: ${reason}`, {
        location: { file, line },
        hint: 'quote values that contain quotes, and double the quotes inside ("")',
        cause: e,
      });
    }
  }
}

/** The line where the quote still open at the end of the file was opened. */
async function unclosedQuoteLine(file: string, limits: ItemLimits): Promise<number> {
  let open = false;
  let opened = 1;
  for await (const { firstLine, lines } of readLineBatches(file, limits)) {
    lines.forEach((text, i) => {
      for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) {
        open = !open;
        if (open) opened = firstLine + i;
      }
    });
  }
  return opened;
}
