import { requireProbability } from "./guards.js";

/**
 * Holm's step-down adjustment (Holm 1979, Scand J Stat 6:65-70): with p-values sorted
 * ascending, the i-th (0-based) of m becomes max over j <= i of min(1, (m - j) p_(j)). It controls
 * the family-wise error rate under any dependence between the tests and is uniformly more
 * powerful than Bonferroni. Returned in the input order; matches statsmodels
 * multipletests(method="holm").
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  if (!Array.isArray(pValues)) throw new RangeError("pValues must be an array");
  pValues.forEach((p, i) => {
    requireProbability(`pValues[${i}]`, p);
  });
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((i, j) => (pValues[i] as number) - (pValues[j] as number));
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = running;
  });
  return adjusted;
}
