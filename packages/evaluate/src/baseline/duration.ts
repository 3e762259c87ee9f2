import { GateError } from "@mlgate/core";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const UNITS: Record<string, number> = {
  m: MINUTE,
  min: MINUTE,
  h: HOUR,
  d: DAY,
  w: WEEK,
};

/** An age limit such as `14d`, `36h`, `2w` or `90m`, in milliseconds. */
export function parseDuration(text: string, what = "duration"): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$/.exec(text);
  const unit = m ? UNITS[m[2] as string] : undefined;
  if (!m || unit === undefined || text.length > 40) {
    throw new GateError(`${what} "${text}" is not a duration`, {
      hint: "write a number and a unit: 90m, 36h, 14d or 2w",
    });
  }
  const value = Number(m[1]) * unit;
  if (!Number.isFinite(value) || value <= 0) throw new GateError(`${what} "${text}" must be more than zero`);
  return value;
}

/** `3d 4h`, `5h 12m`, `12m`: an age to the two largest units. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return "unknown";
  if (ms < 0) return `${formatAge(-ms)} in the future`;
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  const m = Math.floor((ms % HOUR) / MINUTE);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}
