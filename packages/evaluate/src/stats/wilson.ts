import { requireCount, requireOpenUnit, requirePositiveInteger } from "./guards.js";
import { normalQuantile } from "./normal.js";

/** Two-sided critical value z_{1 - alpha/2}, formed as scipy's norm.isf(alpha / 2) is. */
export function twoSidedCritical(confidence: number): number {
  return -normalQuantile((1 - confidence) / 2);
}

/**
 * Wilson score interval for k successes in n trials (Wilson 1927, JASA 22:209). Unlike the Wald
 * interval it never collapses at k = 0 or k = n and stays inside [0, 1]. Same formula as
 * statsmodels proportion_confint(method="wilson").
 */
export function wilsonInterval(k: number, n: number, confidence: number): [number, number] {
  requirePositiveInteger("n", n);
  requireCount("k", k);
  if (k > n) throw new RangeError(`k must not exceed n, got k=${k}, n=${n}`);
  requireOpenUnit("confidence", confidence);
  const z = twoSidedCritical(confidence);
  const z2 = z * z;
  const p = k / n;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  // At k = 0 and k = n one end is exactly the boundary; rounding must not push it past p.
  const low = k === 0 ? 0 : Math.max(0, Math.min(p, center - half));
  const high = k === n ? 1 : Math.min(1, Math.max(p, center + half));
  return [low, high];
}
