import { GateError } from "../errors.js";
import type { Check, Dimension, Metric } from "../report.js";
import { closestMatches, didYouMean } from "../suggest.js";
import { formatDelta, formatValue } from "../units.js";
import { formatBound } from "./format.js";
import type { Comparator, Threshold } from "./types.js";
import { dimensionNoun, unitsHint } from "./unit-names.js";

/** Derives the compared value from a metric, or says why it cannot (`{ missing: "no baseline for f1" }`). */
export type ThresholdFunction = (
  metric: Metric,
  name: string,
) => { value: number; dimension: Dimension } | { missing: string };

export const CORE_FUNCTIONS: Record<string, ThresholdFunction> = Object.freeze({
  /** Change from the baseline, in the metric's own dimension. */
  delta: (m: Metric, name: string) =>
    m.baseline == null
      ? { missing: `no baseline for ${name}` }
      : { value: m.value - m.baseline, dimension: m.dimension ?? "none" },
  /** Value over baseline: 1.1 means 10% higher. */
  ratio: (m: Metric, name: string) => {
    if (m.baseline == null) return { missing: `no baseline for ${name}` };
    if (m.baseline === 0) return { missing: `the baseline of ${name} is 0, so ratio(${name}) is undefined` };
    return { value: m.value / m.baseline, dimension: "none" as const };
  },
});

export interface EvaluateOptions {
  /** Functions beyond (or replacing) {@link CORE_FUNCTIONS}. */
  functions?: Record<string, ThresholdFunction>;
  /** What a missing metric or baseline does: throw a GateError (default) or yield a `skip` check. */
  missing?: "error" | "skip";
}

/** Relative tolerance of equality, so float noise (0.1 + 0.2 vs 0.3) never decides a gate. */
export const EQUALITY_TOLERANCE = 1e-9;

export function nearlyEqual(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= EQUALITY_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * `observed op limit`. Values within the equality tolerance count as equal for every operator, so
 * exactly one of `<` and `>=` holds; NaN satisfies nothing, not even `!=`.
 */
export function compareValues(observed: number, op: Comparator, limit: number): boolean {
  if (Number.isNaN(observed) || Number.isNaN(limit)) return false;
  const equal = nearlyEqual(observed, limit);
  switch (op) {
    case "<":
      return observed < limit && !equal;
    case "<=":
      return observed <= limit || equal;
    case ">":
      return observed > limit && !equal;
    case ">=":
      return observed >= limit || equal;
    case "==":
      return equal;
    case "!=":
      return !equal;
  }
}

const MAX_LISTED = 10;

function listAvailable(names: readonly string[]): string {
  if (names.length === 0) return "no metrics were reported";
  const sorted = [...names].sort();
  const more = sorted.length > MAX_LISTED ? ` (and ${sorted.length - MAX_LISTED} more)` : "";
  return `available metrics: ${sorted.slice(0, MAX_LISTED).join(", ")}${more}`;
}

/** Unknown or unitless dimensions adopt the limit's; a ratio limit also fits a unitless value. */
function compatible(observed: Dimension | undefined, limit: Dimension): boolean {
  return limit === "none" || observed === undefined || observed === "none" || observed === limit;
}

export function evaluateThreshold(
  t: Threshold,
  metrics: Record<string, Metric>,
  options: EvaluateOptions = {},
): Check {
  const subject = t.fn === null ? t.metric : `${t.fn}(${t.metric})`;
  const expected = formatBound(t);
  const missing = (reason: string, hint?: string): Check => {
    if (options.missing === "skip") return { name: t.source, status: "skip", expected, message: reason };
    throw new GateError(`threshold "${t.source}": ${reason}`, hint === undefined ? {} : { hint });
  };

  const metric = Object.hasOwn(metrics, t.metric) ? metrics[t.metric] : undefined;
  if (metric === undefined) {
    const names = Object.keys(metrics);
    const guess = didYouMean(closestMatches(t.metric, names));
    return missing(`no metric named "${t.metric}"${guess ? `; ${guess}` : ""}`, listAvailable(names));
  }
  if (typeof metric.value !== "number") {
    throw new GateError(`threshold "${t.source}": metric "${t.metric}" has no numeric value`);
  }

  let observed = metric.value;
  let dimension = metric.dimension;
  if (t.fn !== null) {
    const functions = { ...CORE_FUNCTIONS, ...options.functions };
    const fn = Object.hasOwn(functions, t.fn) ? functions[t.fn] : undefined;
    if (fn === undefined) {
      throw new GateError(`threshold "${t.source}": unknown function "${t.fn}"`, {
        hint: `available functions: ${Object.keys(functions).join(", ")}`,
      });
    }
    const result = fn(metric, t.metric);
    if ("missing" in result) return missing(result.missing);
    observed = result.value;
    dimension = result.dimension;
  }

  if (!compatible(dimension, t.dimension)) {
    throw new GateError(
      `threshold "${t.source}": ${subject} is ${dimensionNoun(dimension!)}, the limit is ${dimensionNoun(t.dimension)}`,
      { hint: `write the limit as ${unitsHint(dimension!)}` },
    );
  }

  const level = t.level === "warn" ? "warn" : "fail";
  if (Number.isNaN(observed)) {
    return {
      name: t.source,
      status: level,
      actual: "NaN",
      expected,
      message: `${subject} is NaN (not a number)`,
    };
  }
  const shown = displayDimension(dimension, t.dimension);
  const actual = t.fn === "delta" ? formatDelta(observed, shown) : formatValue(observed, shown);
  if (compareValues(observed, t.op, t.value)) return { name: t.source, status: "pass", actual, expected };
  return {
    name: t.source,
    status: level,
    actual,
    expected,
    message: `${subject} is ${actual}${baselineNote(t, metric)}, limit ${expected}`,
  };
}

/**
 * The dimension to print the observed value in: values without one are in the limit's canonical unit,
 * and a ratio held to a plain number is shown as one (`0.91` next to `>= 0.92`, not `91%`).
 */
function displayDimension(observed: Dimension | undefined, limit: Dimension): Dimension {
  if (observed === undefined || observed === "none") return limit;
  return observed === "ratio" && limit === "none" ? "none" : observed;
}

/** ` (0.871 vs baseline 0.883)`: what a delta or ratio was computed from. */
function baselineNote(t: Threshold, m: Metric): string {
  if (t.fn === null || typeof m.baseline !== "number") return "";
  const d = t.fn === "delta" ? displayDimension(m.dimension, t.dimension) : (m.dimension ?? "none");
  return ` (${formatValue(m.value, d)} vs baseline ${formatValue(m.baseline, d)})`;
}

export function evaluateThresholds(
  ts: readonly Threshold[],
  metrics: Record<string, Metric>,
  options: EvaluateOptions = {},
): Check[] {
  return ts.map((t) => evaluateThreshold(t, metrics, options));
}
