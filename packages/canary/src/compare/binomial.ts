import { GateError } from "@mlgate/core";
import { requireCount } from "./validate.js";

/**
 * Exact two-sided binomial test of k successes in n trials against a fair coin:
 * 2 · P(X <= min(k, n − k)), capped at 1 (the null is symmetric, so doubling one tail is exact).
 * The tail is summed in log space term by term, so a million trials neither overflows nor loses
 * the small p-values that matter.
 */
export function fairCoinTest(k: number, n: number): number {
  requireCount(n, "trials");
  requireCount(k, "successes");
  if (k > n) throw new GateError(`successes (${k}) exceed the number of trials (${n})`);
  if (n === 0) return 1;
  const tail = Math.min(k, n - k);
  // log P(X = 0) = −n ln 2; each next term multiplies by (n − j + 1) / j.
  let logTerm = -n * Math.LN2;
  let logSum = logTerm;
  for (let j = 1; j <= tail; j++) {
    logTerm += Math.log(n - j + 1) - Math.log(j);
    logSum = logAddExp(logSum, logTerm);
  }
  return Math.min(1, 2 * Math.exp(logSum));
}

function logAddExp(x: number, y: number): number {
  const hi = Math.max(x, y);
  return hi + Math.log1p(Math.exp(Math.min(x, y) - hi));
}
