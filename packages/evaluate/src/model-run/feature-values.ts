import { type RowPlace, rowError, show } from "./errors.js";
import type { DatasetLimits } from "./types.js";

/** A decimal number as CSV writers write it; no hex, no `1_000`. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * Append the values one column gives a row to `out`: a number, numeric text, a boolean (1/0), a
 * string (for string inputs), or an array of these, nested arrays flattened in row-major order. In
 * CSV an array is written as JSON text. Anything else is a GateError naming the row and the column.
 */
export function appendColumnValues(
  raw: unknown,
  column: string,
  place: RowPlace,
  strings: boolean,
  limits: DatasetLimits,
  out: (number | string)[],
): void {
  if (raw === undefined) throw rowError(place, column, "the column is missing");
  if (typeof raw === "string") {
    const text = raw.trim();
    if (text.startsWith("[")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw rowError(place, column, `${show(raw)} is not a valid JSON array`);
      }
      appendArray(parsed, column, place, strings, limits, out, 1);
      return;
    }
  }
  if (Array.isArray(raw)) {
    appendArray(raw, column, place, strings, limits, out, 1);
    return;
  }
  out.push(scalar(raw, column, place, strings));
  if (out.length > limits.maxValuesPerRow) throw tooMany(place, column, limits);
}

function appendArray(
  value: unknown,
  column: string,
  place: RowPlace,
  strings: boolean,
  limits: DatasetLimits,
  out: (number | string)[],
  depth: number,
): void {
  if (!Array.isArray(value)) {
    out.push(scalar(value, column, place, strings));
    return;
  }
  if (depth > limits.maxArrayDepth) {
    throw rowError(
      place,
      column,
      `arrays are nested deeper than the maxArrayDepth limit of ${limits.maxArrayDepth}`,
    );
  }
  for (const item of value) {
    if (Array.isArray(item)) appendArray(item, column, place, strings, limits, out, depth + 1);
    else out.push(scalar(item, column, place, strings));
    if (out.length > limits.maxValuesPerRow) throw tooMany(place, column, limits);
  }
}

function scalar(raw: unknown, column: string, place: RowPlace, strings: boolean): number | string {
  if (strings) {
    if (typeof raw === "string") return raw;
    if (typeof raw === "number" && Number.isFinite(raw)) return String(raw);
    throw rowError(place, column, `${show(raw)} is not a string; the model input takes strings`);
  }
  if (typeof raw === "number") {
    if (Number.isFinite(raw)) return raw;
    throw rowError(place, column, `${raw} is not a finite number`);
  }
  if (typeof raw === "boolean") return raw ? 1 : 0;
  if (typeof raw === "string") {
    const text = raw.trim();
    if (text === "") throw rowError(place, column, "the value is empty, a number is required");
    if (NUMBER.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n)) return n;
      throw rowError(place, column, `${show(raw)} overflows to infinity`);
    }
    if (NOT_FINITE.test(text)) {
      throw rowError(
        place,
        column,
        `${show(raw)} is not a finite number`,
        "fill or drop missing values before the run",
      );
    }
    throw rowError(place, column, `${show(raw)} is not a number`);
  }
  if (raw === null)
    throw rowError(
      place,
      column,
      "the value is null, a number is required",
      "fill or drop missing values before the run",
    );
  throw rowError(place, column, `${show(raw)} is not a number`);
}

function tooMany(place: RowPlace, column: string, limits: DatasetLimits) {
  return rowError(
    place,
    column,
    `the row gives more than ${limits.maxValuesPerRow} values to one model input, over the maxValuesPerRow limit`,
  );
}
