import { GateError } from "@mlgate/core";

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `15m`, `24h`, `7d`, `2w` → milliseconds; `what` names the setting in the error. */
export function parseDurationMs(text: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$/.exec(text);
  if (!m) {
    throw new GateError(`${what}: "${text}" is not a duration`, {
      hint: "write a number and a unit: 90s, 15m, 24h, 7d, 2w",
    });
  }
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}
