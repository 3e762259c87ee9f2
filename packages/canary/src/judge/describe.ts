import { formatNumber } from "@mlgate/core";
import type { Evaluation } from "./types.js";

/** `+21%`, `-3.5%`. */
export const pct = (x: number) => `${x > 0 ? "+" : ""}${formatNumber(x * 100, 3)}%`;

const signedPoints = (x: number) => `${x > 0 ? "+" : ""}${formatNumber(x * 100, 3)} pp`;

/** `+21% [+12%, +31%]` (relative) or `+2.1 pp [+0.4 pp, +3.9 pp]` (0/1 metrics) for tables. */
export function describeEffect(e: Evaluation): string {
  if (e.effect === undefined) return "";
  const show = e.effectKind === "absolute" ? signedPoints : pct;
  return `${show(e.effect)}${e.interval ? ` [${show(e.interval[0])}, ${show(e.interval[1])}]` : ""}`;
}

/** `+12% to +31%`. */
export function describeInterval(e: Evaluation): string {
  const show = e.effectKind === "absolute" ? signedPoints : pct;
  return e.interval ? `${show(e.interval[0])} to ${show(e.interval[1])}` : "";
}

/** `21% above` / `2.1 percentage points above` / `level with`. */
export function describeChange(e: Evaluation): string {
  const x = e.effect ?? 0;
  const where = x > 0 ? "above" : x < 0 ? "below" : "level with";
  if (x === 0) return where;
  const size =
    e.effectKind === "absolute"
      ? `${formatNumber(Math.abs(x) * 100, 3)} percentage points`
      : `${formatNumber(Math.abs(x) * 100, 3)}%`;
  return `${size} ${where}`;
}

/** `sequential test`, `Mann-Whitney test`, `KS test`. */
export function testWords(e: Evaluation): string {
  return e.test === "sequential"
    ? "sequential test"
    : e.test === "mann-whitney"
      ? "Mann-Whitney test"
      : "KS test";
}
