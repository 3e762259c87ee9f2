import { GateError } from "@mlgate/core";
import { normalQuantile } from "../judge/normal.js";
import { describeValue, requireConfidence, requireCount } from "./validate.js";

export interface Interval {
  low: number;
  high: number;
}

/** The two-sided normal critical value of a confidence level (1.96 for 0.95). */
export function criticalValue(confidence: number): number {
  requireConfidence(confidence);
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Wilson's score interval for a proportion: the rates p whose score test does not reject, so it stays
 * inside [0, 1] and keeps its coverage at 0 or n successes, where the Wald interval collapses to a point.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  requireCount(n, "n", 1);
  requireCount(successes, "successes");
  if (successes > n) throw new GateError(`successes (${successes}) exceed the number of trials (${n})`);
  const z = criticalValue(confidence);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // At 0 or n successes one end is exactly 0 or 1; rounding must not push it past.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Newcombe's hybrid score interval for the difference of two independent proportions, rate(b) −
 * rate(a) (method 10 of Newcombe 1998, Stat Med 17:873): each side's Wilson interval, combined in
 * quadrature. Good coverage with small counts and rates near 0, where conversion metrics live.
 */
export function newcombeDifference(
  a: { successes: number; n: number },
  b: { successes: number; n: number },
  confidence = 0.95,
): Interval {
  for (const [name, arm] of [
    ["first", a],
    ["second", b],
  ] as const)
    if (typeof arm !== "object" || arm === null)
      throw new GateError(`the ${name} proportion is ${describeValue(arm)}; expected { successes, n }`);
  const pa = a.successes / a.n;
  const pb = b.successes / b.n;
  const ia = wilsonInterval(a.successes, a.n, confidence);
  const ib = wilsonInterval(b.successes, b.n, confidence);
  const d = pb - pa;
  return {
    low: Math.max(-1, d - Math.hypot(pb - ib.low, ia.high - pa)),
    high: Math.min(1, d + Math.hypot(ib.high - pb, pa - ia.low)),
  };
}
