import type { CheckStatus, Finding, FindingLevel, Metric, Verdict } from "../report.js";
import { formatDelta, formatNumber, formatValue } from "../units.js";

export const VERDICT_EMOJI: Record<Verdict, string> = { pass: "✅", warn: "⚠️", fail: "❌", error: "🛑" };
export const STATUS_EMOJI: Record<CheckStatus, string> = { pass: "✅", warn: "⚠️", fail: "❌", skip: "⏭️" };
export const LEVEL_EMOJI: Record<FindingLevel, string> = { fail: "❌", warn: "⚠️", info: "ℹ️" };
export const LEVELS: readonly FindingLevel[] = ["fail", "warn", "info"];
export const LEVEL_TITLE: Record<FindingLevel, [string, string]> = {
  fail: ["failure", "failures"],
  warn: ["warning", "warnings"],
  info: ["notice", "notices"],
};

export function plural(n: number, [one, many]: [string, string]): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Findings grouped by level, failures first, each group in report order. */
export function groupFindings(findings: readonly Finding[]): Record<FindingLevel, Finding[]> {
  const groups: Record<FindingLevel, Finding[]> = { fail: [], warn: [], info: [] };
  for (const f of findings) (groups[f.level] ?? groups.info).push(f);
  return groups;
}

/** `file:line:col` when the finding points into a file (invalid positions are left out). */
export function findingLocation(f: Finding): string {
  if (!f.file) return "";
  if (!isPosition(f.line)) return f.file;
  return `${f.file}:${f.line}${isPosition(f.column) ? `:${f.column}` : ""}`;
}

export function isPosition(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 1;
}

/** The display cells of one metric: value, baseline, delta and interval, `undefined` when absent. */
export interface MetricCells {
  value: string;
  baseline?: string;
  delta?: string;
  interval?: string;
}

export function metricCells(m: Metric): MetricCells {
  const dim = m.dimension ?? "none";
  const cells: MetricCells = { value: formatValue(m.value, dim) };
  if (typeof m.baseline === "number") {
    cells.baseline = formatValue(m.baseline, dim);
    const delta = m.value - m.baseline;
    // A relative change reads well for times and sizes; for ratios the delta already is in points.
    const rel =
      dim !== "ratio" && m.baseline !== 0 && Number.isFinite(delta)
        ? ` (${delta > 0 ? "+" : ""}${formatNumber((delta / Math.abs(m.baseline)) * 100, 3)}%)`
        : "";
    cells.delta = `${formatDelta(delta, dim)}${rel}`;
  }
  if (Array.isArray(m.interval) && m.interval.length === 2) {
    const [lo, hi] = m.interval;
    if (m.intervalOf === "delta") cells.interval = `Δ [${formatDelta(lo, dim)}, ${formatDelta(hi, dim)}]`;
    else cells.interval = `[${formatValue(lo, dim)}, ${formatValue(hi, dim)}]`;
  }
  return cells;
}

/** Seconds with millisecond precision, as JUnit wants them. */
export function seconds(ms: number | undefined): string {
  return typeof ms === "number" && Number.isFinite(ms) && ms > 0 ? (ms / 1000).toFixed(3) : "0.000";
}

/** A valid ISO timestamp from `startedAt`, or undefined when it does not parse to a four-digit year. */
export function isoTime(value: string | undefined, plusMs = 0): string | undefined {
  if (typeof value !== "string") return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t + (Number.isFinite(plusMs) ? plusMs : 0));
  const year = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || year < 0 || year > 9999) return undefined;
  return d.toISOString();
}
