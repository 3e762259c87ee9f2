import { binomialDeviance, stirlingError } from "./gamma.js";
import { requireCount, requireProbability } from "./guards.js";

const LN_2PI = 1.8378770664093456;

/**
 * Binomial probability by Loader's saddle-point expansion, "Fast and accurate computation of
 * binomial probabilities" (2001), as in R's dbinom. Everything stays in log space with the large
 * terms cancelled analytically, so it keeps ~1e-14 relative accuracy for n in the tens of millions.
 * q = 1 - p is passed separately so a caller holding it exactly does not round it again.
 */
function pmf(k: number, n: number, p: number, q: number): number {
  if (p === 0) return k === 0 ? 1 : 0;
  if (q === 0) return k === n ? 1 : 0;
  if (k === 0) {
    if (n === 0) return 1;
    return Math.exp(p < 0.1 ? -binomialDeviance(n, n * q) - n * p : n * Math.log(q));
  }
  if (k === n) {
    return Math.exp(q < 0.1 ? -binomialDeviance(n, n * p) - n * q : n * Math.log(p));
  }
  const lc =
    stirlingError(n) -
    stirlingError(k) -
    stirlingError(n - k) -
    binomialDeviance(k, n * p) -
    binomialDeviance(n - k, n * q);
  const lf = LN_2PI + Math.log(k) + Math.log1p(-k / n);
  return Math.exp(lc - 0.5 * lf);
}

function requireTrials(k: number, n: number, p: number): void {
  requireCount("n", n);
  requireCount("k", k);
  if (k > n) throw new RangeError(`k must not exceed n, got k=${k}, n=${n}`);
  requireProbability("p", p);
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  requireTrials(k, n, p);
  return pmf(k, n, p, 1 - p);
}

/**
 * Sum of the pmf from `start` outwards (step -1 or +1) while the terms shrink: the terms form a
 * ratio series that decreases away from the mode, so the remainder is bounded by a geometric tail.
 */
function tailFrom(start: number, step: -1 | 1, n: number, p: number, q: number): number {
  let term = pmf(start, n, p, q);
  let sum = term;
  for (let j = start; step < 0 ? j > 0 : j < n; j += step) {
    // pmf(j + step) / pmf(j)
    const ratio = step < 0 ? (j / (n - j + 1)) * (q / p) : ((n - j) / (j + 1)) * (p / q);
    term *= ratio;
    sum += term;
    if (ratio < 1 && (term * ratio) / (1 - ratio) <= sum * 1e-17) break;
    if (term === 0) break;
  }
  return sum;
}

/** P(X <= k). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const q = 1 - p;
  if (p === 0) return 1;
  if (q === 0) return 0;
  const mode = Math.floor((n + 1) * p);
  if (k <= mode) return Math.min(1, tailFrom(k, -1, n, p, q));
  return Math.max(0, 1 - tailFrom(k + 1, 1, n, p, q));
}

/** P(X > k). */
export function binomialSf(k: number, n: number, p: number): number {
  if (k < 0) return 1;
  if (k >= n) return 0;
  const q = 1 - p;
  if (p === 0) return 0;
  if (q === 0) return 1;
  const mode = Math.floor((n + 1) * p);
  if (k + 1 >= mode) return Math.min(1, tailFrom(k + 1, 1, n, p, q));
  return Math.max(0, 1 - tailFrom(k, -1, n, p, q));
}

/**
 * Largest i in [lo, hi] with f(i) <= d, for f ascending on that range; lo - 1 when there is none.
 * The same implicit binary search scipy uses, so ties resolve identically.
 */
function searchAscending(f: (i: number) => number, d: number, lo: number, hi: number): number {
  let low = lo;
  let high = hi;
  while (low < high) {
    const mid = low + Math.floor((high - low) / 2);
    const value = f(mid);
    if (value < d) low = mid + 1;
    else if (value > d) high = mid - 1;
    else return mid;
  }
  return f(low) <= d ? low : low - 1;
}

/**
 * Two-sided exact binomial test: the probability of all outcomes no more likely than k,
 * with the same definition and relative tolerance (1e-7) as scipy.stats.binomtest(k, n, p).pvalue.
 */
export function binomialTestTwoSided(k: number, n: number, p = 0.5): number {
  requireTrials(k, n, p);
  if (n === 0) return 1;
  const q = 1 - p;
  const density = (i: number) => pmf(i, n, p, q);
  const d = density(k);
  const tolerance = 1 + 1e-7;
  let pValue: number;
  if (k === p * n) {
    pValue = 1;
  } else if (k < p * n) {
    const ix = searchAscending((i) => -density(i), -d * tolerance, Math.ceil(p * n), n);
    const y = n - ix + (d * tolerance === density(ix) ? 1 : 0);
    pValue = binomialCdf(k, n, p) + binomialSf(n - y, n, p);
  } else {
    const ix = searchAscending(density, d * tolerance, 0, Math.floor(p * n));
    const y = ix + 1;
    pValue = binomialCdf(y - 1, n, p) + binomialSf(k - 1, n, p);
  }
  return Math.min(1, pValue);
}
