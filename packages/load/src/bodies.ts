import { extname } from "node:path";
import { GateError, readTextFile } from "@mlgate/core";
import { parse as parseCsv } from "csv-parse/sync";
import { LIMITS } from "./limits.js";

/** Request bodies, one per request, cycling: request `seq` sends `bodies[seq % bodies.length]`. */
export interface BodySource {
  file: string;
  format: "jsonl" | "csv";
  bodies: Buffer[];
}

const ROLE = "body file";

/** `jsonl` for .jsonl/.ndjson, `csv` for .csv; anything else must be named explicitly. */
export function bodyFormatOf(file: string): "jsonl" | "csv" | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".csv") return "csv";
  return undefined;
}

/** Read a JSONL or CSV file of model inputs; every failure names the file and the line. */
export async function readBodies(file: string, format?: "jsonl" | "csv"): Promise<BodySource> {
  const kind = format ?? bodyFormatOf(file);
  if (!kind) {
    throw new GateError(`cannot tell the format of body file ${file}`, {
      location: { file },
      hint: "name it .jsonl (one JSON value per line) or .csv (a header row, then one request per row)",
    });
  }
  const text = await readTextFile(file, ROLE, { maxBytes: LIMITS.maxBodyFileBytes });
  const bodies = kind === "jsonl" ? jsonlBodies(text, file) : csvBodies(text, file);
  if (bodies.length === 0) {
    throw new GateError(`body file ${file} holds no request bodies`, {
      location: { file },
      hint:
        kind === "jsonl" ? "write one JSON value per line" : "write a header row and at least one data row",
    });
  }
  return { file, format: kind, bodies };
}

/** One JSON value per non-blank line, sent exactly as written (whitespace around it trimmed). */
export function jsonlBodies(text: string, file: string): Buffer[] {
  const bodies: Buffer[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    line++;
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === "") continue;
    if (Buffer.byteLength(raw) > LIMITS.maxBodyBytes) {
      throw new GateError(`${file}:${line}: the body is over ${LIMITS.maxBodyBytes} bytes`, {
        location: { file, line },
      });
    }
    try {
      JSON.parse(raw);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw new GateError(`${file}:${line}: not valid JSON: ${reason}`, {
        location: { file, line },
        hint: "JSONL holds one complete JSON value per line",
      });
    }
    if (bodies.length >= LIMITS.maxBodies) {
      throw new GateError(`body file ${file} holds more than ${LIMITS.maxBodies} bodies`, {
        location: { file, line },
      });
    }
    bodies.push(Buffer.from(raw));
  }
  return bodies;
}

/** A header row, then one request per row, sent as a JSON object keyed by the header; numeric cells become numbers. */
export function csvBodies(text: string, file: string): Buffer[] {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, {
      columns: (header: string[]) => checkHeader(header, file),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: LIMITS.maxBodyBytes,
      to: LIMITS.maxBodies + 1,
    }) as Record<string, string>[];
  } catch (e) {
    if (e instanceof GateError) throw e;
    const line = (e as { lines?: number }).lines;
    const reason = (e instanceof Error ? e.message : String(e)).replace(/^Invalid Record Length: /, "");
    throw new GateError(`${file}${line ? `:${line}` : ""}: not valid CSV: ${reason}`, {
      location: { file, ...(line ? { line } : {}) },
      hint: "every row needs as many cells as the header; quote cells that hold commas",
    });
  }
  if (rows.length > LIMITS.maxBodies)
    throw new GateError(`body file ${file} holds more than ${LIMITS.maxBodies} bodies`, {
      location: { file },
    });
  return rows.map((row) => {
    const body: Record<string, unknown> = {};
    for (const [key, cell] of Object.entries(row)) body[key] = cellValue(cell);
    return Buffer.from(JSON.stringify(body));
  });
}

function checkHeader(header: string[], file: string): string[] {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === "")
      throw new GateError(`${file}:1: column ${i + 1} of the header is empty`, {
        location: { file, line: 1 },
      });
    if (seen.has(name))
      throw new GateError(`${file}:1: column "${name}" appears twice in the header`, {
        location: { file, line: 1 },
      });
    seen.add(name);
  });
  return header;
}

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

function cellValue(cell: string): unknown {
  if (NUMBER.test(cell)) {
    const n = Number(cell);
    if (Number.isFinite(n)) return n;
  }
  return cell;
}
