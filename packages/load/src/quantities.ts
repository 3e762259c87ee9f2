import { formatNumber, GateError, UNITS } from "@mlgate/core";

/** `200/s` → 200, `12000/min` → 200, `200 rps` → 200, `200` → 200 (per second). */
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:e[+-]?[0-9]+)?\s*([^\s0-9.][^\s]*)?$/i;

function split(text: string): { value: number; unit: string | undefined } | undefined {
  const trimmed = text.trim();
  const match = QUANTITY.exec(trimmed);
  if (!match) return undefined;
  const unit = match[2];
  const value = Number(unit === undefined ? trimmed : trimmed.slice(0, trimmed.length - unit.length).trim());
  return Number.isFinite(value) ? { value, unit } : undefined;
}

/**
 * A duration with a unit (`30s`, `500ms`, `2m`, `1h`) in milliseconds. `what` names the setting in
 * messages: `--duration`, `load-test.warmup`.
 */
export function parseDuration(text: string, what: string): number {
  const parsed = split(String(text));
  const unit = parsed?.unit === undefined ? undefined : UNITS[parsed.unit];
  if (!parsed || !unit || !Object.hasOwn(UNITS, parsed.unit!) || unit.dimension !== "time") {
    throw new GateError(`${what} "${text}" is not a duration`, {
      hint: "write a number with a time unit, e.g. 30s, 500ms, 2m or 1h",
    });
  }
  return parsed.value * unit.factor;
}

/** An arrival rate (`200/s`, `12000/min`, `200rps`, or a plain number per second) in requests per second. */
export function parseRate(text: string, what: string): number {
  const parsed = split(String(text));
  if (parsed && parsed.unit === undefined) return parsed.value;
  const unit = parsed?.unit === undefined ? undefined : UNITS[parsed.unit];
  if (!parsed || !unit || !Object.hasOwn(UNITS, parsed.unit!) || unit.dimension !== "rate") {
    throw new GateError(`${what} "${text}" is not a rate`, {
      hint: "write requests per second or per minute, e.g. 200/s, 12000/min or 200rps",
    });
  }
  return parsed.value * unit.factor;
}

/** Check `value` lies in [min, max]; the message shows the bound in the setting's own terms. */
export function within(value: number, min: number, max: number, what: string, show: (v: number) => string) {
  if (value < min || value > max) {
    throw new GateError(`${what} ${show(value)} is out of range`, {
      hint: `use a value from ${show(min)} to ${show(max)}`,
    });
  }
  return value;
}

export const showMs = (ms: number): string =>
  ms >= 60_000 && ms % 60_000 === 0
    ? `${ms / 60_000}m`
    : ms >= 1000 && ms % 1000 === 0
      ? `${ms / 1000}s`
      : `${formatNumber(ms)}ms`;
export const showRate = (r: number): string => `${formatNumber(r)}/s`;
export const showCount = (n: number): string => String(n);
