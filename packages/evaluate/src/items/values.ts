/** Why a raw value is unusable. Converters return it instead of a wrapper, so a good value costs nothing extra. */
export class Problem {
  constructor(readonly text: string) {}
}

/** A decimal number as CSV writers and JSON-as-text write it; no hex, no `1_000`, no bare dot. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** -0 and 0 are the same item result. */
const plain = (n: number): number => (n === 0 ? 0 : n);

function show(raw: unknown): string {
  const text = String(JSON.stringify(raw));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const isMissing = (raw: unknown): boolean =>
  raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "");

export function toId(raw: unknown): string | Problem {
  if (typeof raw === "string" && raw.trim() !== "") return raw;
  if (typeof raw === "number" && Number.isFinite(raw)) return String(plain(raw));
  if (isMissing(raw)) return new Problem("empty id");
  return new Problem(`id must be a string or a number, got ${show(raw)}`);
}

/**
 * A label or prediction. Numeric text becomes a number, so `1` in a CSV and `1` or `"1"` in JSON
 * are the same class and regression targets compare as numbers; booleans are the classes 1 and 0.
 */
export function toClassValue(raw: unknown, name: string): string | number | Problem {
  if (isMissing(raw)) return new Problem(`empty ${name}`);
  if (typeof raw === "number") return Number.isFinite(raw) ? plain(raw) : new Problem(`${name} is ${raw}`);
  if (typeof raw === "boolean") return raw ? 1 : 0;
  if (typeof raw === "string") {
    if (NUMBER.test(raw)) {
      const n = Number(raw);
      if (Number.isFinite(n)) return plain(n);
    }
    return raw;
  }
  return new Problem(`${name} must be a string or a number, got ${show(raw)}`);
}

/** A score: a finite number, numeric text, or a boolean pass/fail (1/0). */
export function toScore(raw: unknown, name: string): number | Problem {
  if (typeof raw === "number") {
    return Number.isFinite(raw) ? plain(raw) : new Problem(`${name} is ${raw}, a finite number is required`);
  }
  if (isMissing(raw)) return new Problem(`empty ${name}, a number is required`);
  if (typeof raw === "boolean") return raw ? 1 : 0;
  if (typeof raw === "string") {
    const text = raw.trim();
    if (NUMBER.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n)) return plain(n);
      return new Problem(`${name} ${show(raw)} overflows to infinity, a finite number is required`);
    }
    if (/^(?:true|false)$/i.test(text)) return text.toLowerCase() === "true" ? 1 : 0;
    if (NOT_FINITE.test(text)) return new Problem(`${name} is ${show(raw)}, a finite number is required`);
  }
  return new Problem(`${name} is ${show(raw)}, not a number`);
}

/** A slice value; empty stays "" so the row is still counted, under an empty slice. */
export function toSliceValue(raw: unknown): string {
  if (raw === undefined || raw === null) return "";
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  return JSON.stringify(raw);
}
