import { regularizedIncompleteBeta } from "./beta.js";
import { logBeta } from "./gamma.js";
import { requireNotNaN, requireProbability } from "./guards.js";
import { normalCdf, normalQuantile } from "./normal.js";

function requireDegreesOfFreedom(df: number): void {
  if (typeof df !== "number" || !(df > 0)) {
    throw new RangeError(`df must be a positive number, got ${df}`);
  }
}

/**
 * P(T <= -|t|): 0.5 * I_x(df/2, 1/2) with x = df / (df + t^2). Both x and 1 - x are formed
 * from a ratio that cannot overflow, so huge |t| and huge df keep their digits.
 */
function lowerTail(t: number, df: number): number {
  const abs = Math.abs(t);
  const root = Math.sqrt(df);
  let x: number;
  let y: number;
  if (abs > root) {
    const r = root / abs;
    const r2 = r * r;
    x = r2 / (1 + r2);
    y = 1 / (1 + r2);
  } else {
    const s = (abs / root) ** 2;
    x = 1 / (1 + s);
    y = s / (1 + s);
  }
  return 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5, y);
}

/** CDF of Student's t distribution with df degrees of freedom (df may be fractional or Infinity). */
export function studentTCdf(t: number, df: number): number {
  requireNotNaN("t", t);
  requireDegreesOfFreedom(df);
  if (df === Number.POSITIVE_INFINITY) return normalCdf(t);
  if (t === 0) return 0.5;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const tail = lowerTail(t, df);
  return t < 0 ? tail : 1 - tail;
}

/** ln of the t density, written so that |t| up to 1e300 neither overflows nor underflows early. */
function logDensity(t: number, df: number): number {
  const z = Math.abs(t) / Math.sqrt(df);
  const log1pZ2 = z > 1e100 ? 2 * Math.log(z) : Math.log1p(z * z);
  return -0.5 * Math.log(df) - logBeta(df / 2, 0.5) - ((df + 1) / 2) * log1pZ2;
}

/** A starting point for the root search: Cornish-Fisher for moderate df, the power-law tail otherwise. */
function initialGuess(p: number, df: number): number {
  const z = normalQuantile(p);
  if (df >= 3) {
    // Abramowitz & Stegun 26.7.5
    const z2 = z * z;
    const g1 = ((z2 + 1) * z) / 4;
    const g2 = (((5 * z2 + 16) * z2 + 3) * z) / 96;
    const g3 = ((((3 * z2 + 19) * z2 + 17) * z2 - 15) * z) / 384;
    const g4 = (((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z) / 92160;
    const guess = z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
    if (guess < 0) return guess;
  }
  // For t -> -inf, F(t) ~ exp(logScale) * |t|^-df; solve that for |t|.
  const logScale = ((df - 2) / 2) * Math.log(df) - logBeta(df / 2, 0.5);
  const tail = -Math.exp((logScale - Math.log(p)) / df);
  return Math.min(tail, z, -1e-3);
}

/**
 * Lower-tail quantile (p <= 0.5, result <= 0) by Newton's method on ln F, kept inside a bracket
 * so it falls back to (geometric) bisection whenever a step would leave it. ln F is close to
 * linear in ln|t| in the tails, which makes the iteration converge from far away.
 */
function lowerQuantile(p: number, df: number): number {
  const logP = Math.log(p);
  let hi = 0; // F(0) = 0.5 >= p
  let lo = initialGuess(p, df);
  let t = lo;
  while (lowerTail(lo, df) > p) {
    hi = lo;
    lo *= 2;
  }
  if (t <= lo || t >= hi) t = lo;
  for (let i = 0; i < 200; i++) {
    const f = lowerTail(t, df);
    if (f === p) return t;
    if (f < p) lo = t;
    else hi = t;
    const step = ((Math.log(f) - logP) * f) / Math.exp(logDensity(t, df));
    let next = t - step;
    if (!(next > lo && next < hi)) {
      next = hi < 0 && lo / hi > 4 ? -Math.sqrt(lo * hi) : (lo + hi) / 2;
    }
    if (Math.abs(next - t) <= 2 * Number.EPSILON * Math.abs(next)) return next;
    t = next;
  }
  return t;
}

/** Inverse CDF of Student's t: the t with studentTCdf(t, df) = p; +-Infinity at p = 1 and 0. */
export function studentTQuantile(p: number, df: number): number {
  requireProbability("p", p);
  requireDegreesOfFreedom(df);
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  // 1 - p is exact for p >= 0.5, so the upper half loses nothing by symmetry.
  const lowerP = p < 0.5 ? p : 1 - p;
  let t: number;
  if (df === 1) t = -1 / Math.tan(Math.PI * lowerP);
  else if (df === 2) t = (2 * lowerP - 1) / Math.sqrt(2 * lowerP * (1 - lowerP));
  else t = lowerQuantile(lowerP, df);
  return p < 0.5 ? t : -t;
}
