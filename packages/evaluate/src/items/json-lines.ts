import { GateError, isGateError, parseJsonText } from "@mlgate/core";
import { ROLE } from "./file-access.js";
import { limitError } from "./limits.js";
import { readLineBatches } from "./lines.js";
import type { RowReader } from "./table-builder.js";
import type { ItemLimits } from "./types.js";

export type JsonObject = Record<string, unknown>;

export interface JsonLine {
  value: JsonObject;
  text: string;
  line: number;
}

/**
 * The non-blank lines of a JSON Lines file as objects, a batch per chunk read (never an empty batch);
 * the first bad line stops the read.
 */
export async function* readJsonBatches(path: string, limits: ItemLimits): AsyncGenerator<JsonLine[]> {
  for await (const { firstLine, lines } of readLineBatches(path, limits)) {
    const batch: JsonLine[] = [];
    lines.forEach((text, i) => {
      if (text.trim() === "") return;
      batch.push(parseObject(text, path, firstLine + i, limits));
    });
    if (batch.length > 0) yield batch;
  }
}

function parseObject(text: string, file: string, line: number, limits: ItemLimits): JsonLine {
  const value = parseLine(text, file, line);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new GateError(`line ${line} of the ${ROLE} is ${describe(value)}, not a JSON object`, {
      location: { file, line, column: 1 + text.length - text.trimStart().length },
      hint: 'JSON Lines items files hold one object per line, such as {"id": "q1", "label": "cat"}',
    });
  }
  let keys = 0;
  for (const _ in value) keys++;
  if (keys > limits.maxColumns) {
    throw limitError(`line ${line} has ${keys} fields`, "maxColumns", limits, { file, line });
  }
  return { value: value as JsonObject, text, line };
}

function parseLine(text: string, file: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw lineSyntaxError(text, file, line, e);
  }
}

function lineSyntaxError(text: string, file: string, line: number, cause: unknown): GateError {
  let column: number | undefined;
  let reason = cause instanceof Error ? cause.message : String(cause);
  try {
    // Its scanner finds the column and names the usual slips (trailing commas, single quotes).
    parseJsonText(text, file, ROLE);
  } catch (e) {
    if (!isGateError(e)) throw e;
    column = e.location?.column;
    reason = e.message.replace(/^.*? is not valid JSON: /, "");
  }
  const location = { file, line, ...(column !== undefined ? { column } : {}) };
  // Python's json module writes NaN and Infinity, which JSON does not allow.
  const nonFinite = column === undefined ? null : /^-?(?:NaN|Infinity)\b/.exec(text.slice(column - 1));
  if (nonFinite) {
    return new GateError(`line ${line} holds ${nonFinite[0]}, which is not a JSON number`, {
      location,
      hint: "a finite number is required: fix or drop the item (Python: json.dumps(..., allow_nan=False) finds them)",
      cause,
    });
  }
  return new GateError(`line ${line} is not valid JSON: ${reason}`, {
    location,
    hint: "each line of a JSON Lines file must be one complete JSON object",
    cause,
  });
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/** Rows of a JSON Lines file: objects read by key or dotted path, placed by line, the line text as context. */
export function jsonLineReader(file: string): RowReader<JsonObject, string> {
  return {
    read: fieldOf,
    locate: (line) => ({ file, line }),
    describe: (line) => `line ${line}`,
    column: keyColumn,
  };
}

/** A field by its key, or by a dotted path into nested objects (`doc.subject`) when no key matches. */
export function fieldOf(obj: JsonObject, name: string): unknown {
  if (Object.hasOwn(obj, name)) return obj[name];
  if (!name.includes(".")) return undefined;
  let node: unknown = obj;
  for (const part of name.split(".")) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, part)) return undefined;
    node = (node as JsonObject)[part];
  }
  return node;
}

export const hasField = (obj: JsonObject, name: string): boolean => fieldOf(obj, name) !== undefined;

/** Column of a field's key in its line, to point at the value that is wrong. */
export function keyColumn(text: string, name: string): number | undefined {
  const key = JSON.stringify(
    name.includes(".") && !text.includes(JSON.stringify(name)) ? name.split(".").pop() : name,
  );
  let from = 0;
  for (;;) {
    const at = text.indexOf(key, from);
    if (at < 0) return undefined;
    // A key is followed by a colon; the same text inside a value is escaped or followed by something else.
    if (text[at - 1] !== "\\" && /^\s*:/.test(text.slice(at + key.length, at + key.length + 8)))
      return at + 1;
    from = at + 1;
  }
}
