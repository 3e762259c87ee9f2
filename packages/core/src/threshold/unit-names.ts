import type { Dimension } from "../report.js";
import { editDistance } from "../suggest.js";
import { UNITS, type UnitDef } from "../units.js";

export const UNIT_NAMES: readonly string[] = Object.keys(UNITS);

/** The unit definition for a name as written; the Greek mu (μ, U+03BC) counts as the micro sign (µ). */
export function lookupUnit(name: string): UnitDef | undefined {
  const key = name.replace(/^μ/, "µ");
  return Object.hasOwn(UNITS, key) ? UNITS[key] : undefined;
}

/** Spellings people reach for that are not units of the language, and what they meant. */
const ALIASES: Readonly<Record<string, string>> = {
  msec: "ms",
  msecs: "ms",
  millis: "ms",
  millisecond: "ms",
  milliseconds: "ms",
  sec: "s",
  secs: "s",
  second: "s",
  seconds: "s",
  mins: "min",
  minute: "min",
  minutes: "min",
  hr: "h",
  hrs: "h",
  hour: "h",
  hours: "h",
  usec: "us",
  usecs: "us",
  micros: "us",
  microsecond: "us",
  microseconds: "us",
  nsec: "ns",
  nsecs: "ns",
  nanos: "ns",
  nanosecond: "ns",
  nanoseconds: "ns",
  pct: "%",
  percent: "%",
  perc: "%",
  byte: "B",
  bytes: "B",
  kb: "KB",
  mb: "MB",
  gb: "GB",
  kib: "KiB",
  mib: "MiB",
  gib: "GiB",
  k: "KB",
  qps: "rps",
  "req/s": "rps",
  "reqs/s": "rps",
  "/sec": "/s",
  "/second": "/s",
  "/mins": "/min",
  "/minute": "/min",
};

/**
 * Units the author probably meant by `name`: a known misspelling, a case slip (`mib`), or one edit
 * away for longer words. Units are too short for looser matching: `xs` is not "probably ms".
 */
export function suggestUnits(name: string): string[] {
  const lower = name.toLowerCase();
  const alias = Object.hasOwn(ALIASES, lower) ? ALIASES[lower] : undefined;
  if (alias !== undefined) return [alias];
  if (lower.length < 2) return [];
  const sameLetters = UNIT_NAMES.filter((u) => u.toLowerCase() === lower);
  if (sameLetters.length > 0 || lower.length < 3) return sameLetters;
  return UNIT_NAMES.filter((u) => u.length >= 2 && editDistance(lower, u.toLowerCase()) === 1);
}

const NOUNS: Record<Dimension, string> = {
  time: "a time",
  bytes: "a size",
  ratio: "a ratio",
  rate: "a rate",
  count: "a count",
  none: "a plain number",
};

/** `a time`, `a ratio`: for messages about mismatched dimensions. */
export function dimensionNoun(d: Dimension): string {
  return NOUNS[d];
}

/** How to write a limit of dimension `d`, for hints. */
export function unitsHint(d: Dimension): string {
  if (d === "ratio") return "a fraction (0.92) or a percentage (92%)";
  if (d === "count" || d === "none") return "a plain number";
  return `a number with one of ${UNIT_NAMES.filter((u) => UNITS[u]!.dimension === d).join(", ")}`;
}

/** The unit used to print a canonical value of dimension `d` when no unit was written. */
export function canonicalUnit(d: Dimension): string | undefined {
  switch (d) {
    case "time":
      return "ms";
    case "bytes":
      return "B";
    case "ratio":
      return "%";
    case "rate":
      return "/s";
    default:
      return undefined;
  }
}
