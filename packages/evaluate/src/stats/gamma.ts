import { gammaln } from "simple-statistics";

/*
 * Log-gamma corrections for the binomial and beta functions. Writing lgamma(x) as Stirling's
 * formula plus a small correction lets large-argument terms cancel analytically instead of
 * numerically: lgamma(1e7) is about 1.5e8, so differences of raw lgamma values would keep only
 * about 7 significant digits.
 */

const LN_SQRT_2PI = 0.9189385332046728;

/** lgamma(x) - ((x - 0.5) ln x - x + ln sqrt(2 pi)), x >= 10: Stirling's series to 8 terms (error < 1e-17). */
function lgammaCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (
    (1 / 12 -
      x2 *
        (1 / 360 -
          x2 *
            (1 / 1260 -
              x2 *
                (1 / 1680 -
                  x2 * (1 / 1188 - x2 * (691 / 360360 - x2 * (1 / 156 - x2 * (3617 / 122400)))))))) /
    x
  );
}

/** ln B(a, b) for a, b > 0, accurate for large arguments (structure of R's lbeta). */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = lgammaCorrection(p) + lgammaCorrection(q) - lgammaCorrection(p + q);
    return (
      -0.5 * Math.log(q) +
      LN_SQRT_2PI +
      corr +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const corr = lgammaCorrection(q) - lgammaCorrection(p + q);
    return gammaln(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return gammaln(p) + gammaln(q) - gammaln(p + q);
}

/**
 * ln(n!) - ((n + 0.5) ln n - n + ln sqrt(2 pi)) at integers 1..15, where the series is not yet
 * accurate. Computed with mpmath at 40 digits:
 * mpmath.loggamma(n+1) - (n+0.5)*mpmath.log(n) + n - mpmath.log(mpmath.sqrt(2*mpmath.pi)).
 */
const STIRLING_ERROR_TABLE = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
  0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
  0.007573675487951841, 0.00694284010720953, 0.006408994188004207, 0.0059513701127588475,
  0.005554733551962801,
];

/** Error of Stirling's approximation to ln(n!) for a non-negative integer n (Loader 2000). */
export function stirlingError(n: number): number {
  if (n <= 15) return STIRLING_ERROR_TABLE[n] as number;
  const nn = 1 / (n * n);
  if (n > 500) return (1 / 12 - nn / 360) / n;
  if (n > 80) return (1 / 12 - nn * (1 / 360 - nn / 1260)) / n;
  if (n > 35) return (1 / 12 - nn * (1 / 360 - nn * (1 / 1260 - nn / 1680))) / n;
  return (1 / 12 - nn * (1 / 360 - nn * (1 / 1260 - nn * (1 / 1680 - nn / 1188)))) / n;
}

/**
 * Deviance term x ln(x / np) + np - x, summed as a series when x is close to np, where the
 * direct formula cancels (Loader 2000, "Fast and accurate computation of binomial probabilities").
 */
export function binomialDeviance(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const next = s + ej / (2 * j + 1);
      if (next === s) return next;
      s = next;
    }
    return s;
  }
  return x * Math.log(x / np) + np - x;
}
