import { IDENTIFIER } from "./lexer.js";
import type { Comparator, Threshold } from "./types.js";
import { canonicalUnit, lookupUnit } from "./unit-names.js";

const WORDS: Record<Comparator, string> = {
  "<": "below",
  "<=": "at most",
  ">": "above",
  ">=": "at least",
  "==": "equal to",
  "!=": "not equal to",
};

/** The comparator in words: `<=` -> `at most`. */
export function describeComparator(op: Comparator): string {
  return WORDS[op];
}

/** Next representable double towards +∞ (`dir` 1) or -∞ (`dir` -1). */
function nextDouble(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] = bits[0]! + (x > 0 === dir > 0 ? 1n : -1n);
  return f[0]!;
}

/**
 * The shortest decimal `n` with `n * factor === value`, so printing a limit in its unit and parsing
 * it back gives the same canonical value (0.07 as `7%`, not `7.000000000000001%`).
 */
export function numberInUnit(value: number, factor: number): string {
  if (!Number.isFinite(value)) return String(value);
  const guess = value / factor;
  for (let digits = 1; digits <= 17; digits++) {
    const n = Number(guess.toPrecision(digits));
    if (n * factor === value) return String(n);
  }
  // Division and multiplication each round once, so the answer sits a few steps away from the guess.
  let below = guess;
  let above = guess;
  for (let i = 0; i < 8; i++) {
    below = nextDouble(below, -1);
    above = nextDouble(above, 1);
    if (above * factor === value) return String(above);
    if (below * factor === value) return String(below);
  }
  return String(guess);
}

/** The limit as written in its unit: `250ms`, `-0.5%`, `50MiB`, `0.92`. */
export function formatLimit(t: Pick<Threshold, "value" | "dimension" | "unit">): string {
  const unit = t.unit ?? canonicalUnit(t.dimension);
  const factor = (unit === undefined ? undefined : lookupUnit(unit)?.factor) ?? 1;
  return `${numberInUnit(t.value, factor)}${unit ?? ""}`;
}

/** The bound a value is held to, as shown in a Check's `expected`: `< 250ms`. */
export function formatBound(t: Pick<Threshold, "op" | "value" | "dimension" | "unit">): string {
  return `${t.op} ${formatLimit(t)}`;
}

/** A metric name as the language spells it: bare when it is an identifier, quoted otherwise. */
export function formatMetricName(name: string): string {
  // A bare `warn:x` at the start would read as the level prefix.
  if (IDENTIFIER.test(name) && !/^(warn|fail):/i.test(name)) return name;
  return `"${name.replace(/[\\"]/g, "\\$&")}"`;
}

/** Print a threshold in canonical form; `parseThreshold(formatThreshold(t))` gives `t` back (but `source`). */
export function formatThreshold(t: Omit<Threshold, "source">): string {
  const metric = formatMetricName(t.metric);
  const subject = t.fn === null ? metric : `${t.fn}(${metric})`;
  const scope = t.slice === undefined ? "" : `slice(${formatSliceName(t.slice)}): `;
  return `${t.level === "warn" ? "warn: " : ""}${scope}${subject} ${formatBound(t)}`;
}

/** A slice name as written inside `slice(...)`: bare when plain, quoted otherwise. */
export function formatSliceName(name: string): string {
  if (name === "*" || /^[A-Za-z0-9_.\-=/]+$/.test(name)) return name;
  return `"${name.replace(/[\\"]/g, "\\$&")}"`;
}
