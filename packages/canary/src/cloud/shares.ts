/** Shares as routers store them: relative weights, turned into the candidate's percent and back. */

/** Round away float noise (0.05 * 100 = 5.000000000000001) without hiding real differences. */
export function tidyPercent(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** The candidate's percent of `total`; undefined when nothing carries weight. */
export function percentOf(candidate: number, total: number): number | undefined {
  if (!(total > 0) || !Number.isFinite(total) || !Number.isFinite(candidate)) return undefined;
  return tidyPercent((candidate / total) * 100);
}

export interface IntegerSplit {
  baseline: number;
  candidate: number;
  /** The percent the pair really gives. */
  percent: number;
}

/** Totals searched for a fraction; enough for two decimals of a percent. */
const MAX_SEARCH = 10_000;

/**
 * Integer weights (baseline, candidate) whose ratio is closest to `percent`, with a total of at most
 * `maxTotal` (ALB allows 999 per target group). Whole percents keep the readable 95/5; other shares
 * take the smallest total that comes closest.
 */
export function integerSplit(percent: number, maxTotal: number): IntegerSplit {
  const p = Math.min(100, Math.max(0, percent));
  if (p === 0) return { baseline: 1, candidate: 0, percent: 0 };
  if (p === 100) return { baseline: 0, candidate: 1, percent: 100 };
  if (Number.isInteger(p) && maxTotal >= 100) return { baseline: 100 - p, candidate: p, percent: p };
  let best: IntegerSplit = { baseline: 1, candidate: 0, percent: 0 };
  let bestError = Number.POSITIVE_INFINITY;
  const limit = Math.min(maxTotal, MAX_SEARCH);
  for (let total = 2; total <= limit; total++) {
    const candidate = Math.round((p / 100) * total);
    const error = Math.abs((candidate / total) * 100 - p);
    if (error < bestError - 1e-12) {
      bestError = error;
      best = { baseline: total - candidate, candidate, percent: tidyPercent((candidate / total) * 100) };
      if (error < 1e-9) break;
    }
  }
  return best;
}
