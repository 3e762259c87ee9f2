import type { Dimension } from "../report.js";

export type Comparator = "<" | "<=" | ">" | ">=" | "==" | "!=";

export const COMPARATORS: readonly Comparator[] = ["<", "<=", ">", ">=", "==", "!="];

/** One parsed limit, e.g. `warn: delta(p95) < 20ms`. */
export interface Threshold {
  /** The text as written, trimmed. */
  source: string;
  level: "fail" | "warn";
  /** `slice(NAME):` scopes the limit to one slice of per-item results, `slice(*):` to every slice. */
  slice?: string;
  /** `null` = the metric itself; otherwise `delta`, `ratio` or a gate-registered function. */
  fn: string | null;
  metric: string;
  op: Comparator;
  /** The limit in the canonical unit of its dimension (units.ts): 250ms -> 250, 1% -> 0.01. */
  value: number;
  /** Dimension of the unit; `none` when the limit is a plain number. */
  dimension: Dimension;
  /** The unit as written. */
  unit?: string;
}

export interface ParseOptions {
  /** Function names allowed before `(`; default {@link DEFAULT_FUNCTIONS}. */
  functions?: readonly string[];
}

export const DEFAULT_FUNCTIONS: readonly string[] = ["delta", "ratio"];

/** Thresholds are one-liners; anything longer is a paste accident, not a limit. */
export const MAX_THRESHOLD_LENGTH = 500;
