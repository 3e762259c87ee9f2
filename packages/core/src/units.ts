import type { Dimension } from "./report.js";

/**
 * Units the threshold language and the renderers understand. Every value is stored in the
 * canonical unit of its dimension (factor 1): milliseconds, bytes, a fraction, per second.
 */
export interface UnitDef {
  dimension: Exclude<Dimension, "none" | "count">;
  /** Multiply a value in this unit by `factor` to get the canonical unit. */
  factor: number;
}

export const UNITS: Readonly<Record<string, UnitDef>> = {
  ns: { dimension: "time", factor: 1e-6 },
  us: { dimension: "time", factor: 1e-3 },
  µs: { dimension: "time", factor: 1e-3 },
  ms: { dimension: "time", factor: 1 },
  s: { dimension: "time", factor: 1000 },
  m: { dimension: "time", factor: 60_000 },
  min: { dimension: "time", factor: 60_000 },
  h: { dimension: "time", factor: 3_600_000 },
  "%": { dimension: "ratio", factor: 0.01 },
  B: { dimension: "bytes", factor: 1 },
  KB: { dimension: "bytes", factor: 1e3 },
  MB: { dimension: "bytes", factor: 1e6 },
  GB: { dimension: "bytes", factor: 1e9 },
  KiB: { dimension: "bytes", factor: 1024 },
  MiB: { dimension: "bytes", factor: 1024 ** 2 },
  GiB: { dimension: "bytes", factor: 1024 ** 3 },
  "/s": { dimension: "rate", factor: 1 },
  "/m": { dimension: "rate", factor: 1 / 60 },
  "/min": { dimension: "rate", factor: 1 / 60 },
  rps: { dimension: "rate", factor: 1 },
};

/** Round to a readable number of significant digits without scientific notation for common sizes. */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e15 || abs < 1e-6) return value.toExponential(digits - 1);
  return String(Number(value.toPrecision(digits)));
}

/** Format a canonical value with the most readable unit of its dimension. */
export function formatValue(value: number, dimension: Dimension = "none"): string {
  if (!Number.isFinite(value)) return String(value);
  switch (dimension) {
    case "time": {
      const abs = Math.abs(value);
      if (abs !== 0 && abs < 1) return `${formatNumber(value * 1000)}µs`;
      if (abs < 10_000) return `${formatNumber(value)}ms`;
      if (abs < 600_000) return `${formatNumber(value / 1000)}s`;
      return `${formatNumber(value / 60_000)}min`;
    }
    case "bytes": {
      const abs = Math.abs(value);
      if (abs < 1024) return `${formatNumber(value)} B`;
      if (abs < 1024 ** 2) return `${formatNumber(value / 1024)} KiB`;
      if (abs < 1024 ** 3) return `${formatNumber(value / 1024 ** 2)} MiB`;
      return `${formatNumber(value / 1024 ** 3)} GiB`;
    }
    case "ratio":
      return `${formatNumber(value * 100)}%`;
    case "rate":
      return `${formatNumber(value)}/s`;
    default:
      return formatNumber(value);
  }
}

/** A signed difference, e.g. `+0.012` or `-3.1ms`. */
export function formatDelta(delta: number, dimension: Dimension = "none"): string {
  const body = formatValue(delta, dimension);
  return delta > 0 ? `+${body}` : body;
}
