import { logBeta } from "./gamma.js";
import { erfcScaled } from "./normal.js";

const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

/**
 * Continued fraction for the incomplete beta function, evaluated with the modified Lentz
 * method (Numerical Recipes, 3rd ed., section 6.4). Converges fast for x < (a + 1) / (a + b + 2).
 */
function betaContinuedFraction(x: number, a: number, b: number, y: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  // 1 - (a + b) x / (a + 1), written with y = 1 - x: it cancels badly when x is near 1.
  let d = (1 - b + qab * y) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) return h;
  }
  throw new RangeError(`incomplete beta continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

/**
 * I_x(a, b) = x^a / B(a, b) * sum_n (1 - b)_n x^n / (n! (a + n)), the hypergeometric series
 * (DiDonato & Morris 1992, BPSER). For b x <= 1 its terms shrink at once and alternate mildly, so
 * a tiny I comes out to full relative precision: the t distribution near t = 0.
 */
function incompleteBetaSeries(x: number, a: number, b: number): number {
  let term = 1;
  let sum = 1 / a;
  for (let n = 1; n < 1000; n++) {
    term *= ((n - b) * x) / n;
    const add = term / (a + n);
    sum += add;
    if (Math.abs(add) <= 1e-17 * Math.abs(sum)) break;
  }
  return Math.exp(a * Math.log(x) - logBeta(a, b)) * sum;
}

/**
 * I_x(a, 1/2) for large a by the asymptotic expansion of Didonato & Morris, TOMS 708 (1992)
 * routine BGRAT, specialised to b = 1/2 where the incomplete gamma ratio it needs is
 * Q(1/2, z) = erfc(sqrt z). This is the t distribution with many degrees of freedom, where x sits
 * so close to 1 that the continued fraction loses digits (1e-10 at df = 1e7, worse beyond).
 * Returns undefined when the series does not settle, so the caller can fall back.
 */
function incompleteBetaHalfLargeA(x: number, a: number, y: number): number | undefined {
  const b = 0.5;
  const nu = a - 0.25; // a + (b - 1) / 2
  const lnx = y > 0.375 ? Math.log(x) : Math.log1p(-y);
  const z = -nu * lnx;
  if (!(z > 0)) return undefined;
  const root = Math.sqrt(z);
  // u = e^-z z^b / Gamma(b) * Gamma(a + b) / (Gamma(a) nu^b); Gamma(b) cancels against logBeta.
  const u = Math.exp(0.5 * Math.log(z) - z - logBeta(a, b) - 0.5 * Math.log(nu));
  if (u === 0) return undefined;
  // j starts as Q(b, z) / (e^-z z^b / Gamma(b)), which stays finite where both parts underflow.
  let j = (Math.sqrt(Math.PI) * erfcScaled(root)) / root;
  const v = 0.25 / (nu * nu);
  const t2 = 0.25 * lnx * lnx;
  const c = new Float64Array(30);
  const d = new Float64Array(30);
  let sum = j;
  let t = 1;
  let cn = 1;
  let n2 = 0;
  for (let n = 1; n <= 30; n++) {
    const bp2n = b + n2;
    j = (bp2n * (bp2n + 1) * j + (z + bp2n + 1) * t) * v;
    n2 += 2;
    t *= t2;
    cn /= n2 * (n2 + 1);
    c[n - 1] = cn;
    let s = 0;
    let coef = b - n;
    for (let i = 1; i < n; i++) {
      s += coef * (c[i - 1] as number) * (d[n - 1 - i] as number);
      coef += b;
    }
    const dn = (b - 1) * cn + s / n;
    d[n - 1] = dn;
    const dj = dn * j;
    sum += dj;
    if (sum <= 0) return undefined;
    if (Math.abs(dj) <= 1e-15 * sum) return u * sum;
  }
  return undefined;
}

/**
 * Regularized incomplete beta I_x(a, b). Pass y = 1 - x when it is known more precisely than
 * 1 - x can be computed (the t distribution supplies both), so neither tail loses digits.
 * The continued fraction computes the smaller tail directly, to relative precision; for
 * b = 1/2 and a >= 15 (t with df >= 30) the asymptotic expansion above takes over, because
 * there x crowds against 1 and the continued fraction degrades (2.7e-7 absolute at df = 1e10).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, y = 1 - x): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  // Near x = 1 the complement is tiny; summing it directly keeps the result monotone to the last bit.
  if (y <= 0.5 && a * y <= 1) return 1 - incompleteBetaSeries(y, b, a);
  if (b === 0.5 && a >= 15) {
    // A probability, even where the expansion lands within rounding of 1.
    const asymptotic = incompleteBetaHalfLargeA(x, a, y);
    if (asymptotic !== undefined) return Math.min(asymptotic, 1);
  }
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const front = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b, y)) / a;
  return 1 - (front * betaContinuedFraction(y, b, a, x)) / b;
}
