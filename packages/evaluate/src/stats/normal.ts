import { requireNotNaN, requireProbability } from "./guards.js";

/*
 * Standard normal CDF through W. J. Cody's rational Chebyshev approximations of erfc
 * ("Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631-638,
 * coefficients of the SPECFUN routine CALERF). They keep full relative precision far into the
 * lower tail, where 1 - erf(x) would cancel to nothing.
 */

const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
const C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
  1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
  4362.619090143247, 3439.3676741437216, 1230.3393548037495,
];
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
];
const SQRT_PI_INV = 0.5641895835477563;
/** Beyond this erfc underflows to 0 in double precision. */
const ERFC_UNDERFLOW = 26.543;
/** Beyond this exp(y*y) * erfc(y) = 1 / (y sqrt(pi)) to double precision. */
const ERFCX_ASYMPTOTIC = 6.71e7;

const at = (coefficients: readonly number[], i: number): number => coefficients[i] as number;

/** exp(-y*y) without the rounding error of squaring y directly (Cody's split). */
function expMinusSquare(y: number): number {
  const head = Math.trunc(y * 16) / 16;
  const del = (y - head) * (y + head);
  return Math.exp(-head * head) * Math.exp(-del);
}

/** exp(y*y) * erfc(y) for y > 0.46875, the part of Cody's approximation without the Gaussian factor. */
function scaledErfcTail(y: number): number {
  if (y <= 4) {
    let num = at(C, 8) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + at(C, i)) * y;
      den = (den + at(D, i)) * y;
    }
    return (num + at(C, 7)) / (den + at(D, 7));
  }
  if (y >= ERFCX_ASYMPTOTIC) return SQRT_PI_INV / y;
  const ysq = 1 / (y * y);
  let num = at(P, 5) * ysq;
  let den = ysq;
  for (let i = 0; i < 4; i++) {
    num = (num + at(P, i)) * ysq;
    den = (den + at(Q, i)) * ysq;
  }
  const r = (ysq * (num + at(P, 4))) / (den + at(Q, 4));
  return (SQRT_PI_INV - r) / y;
}

/** erf(x) for |x| <= 0.46875. */
function smallErf(x: number): number {
  const ysq = Math.abs(x) > 1.11e-16 ? x * x : 0;
  let num = at(A, 4) * ysq;
  let den = ysq;
  for (let i = 0; i < 3; i++) {
    num = (num + at(A, i)) * ysq;
    den = (den + at(B, i)) * ysq;
  }
  return (x * (num + at(A, 3))) / (den + at(B, 3));
}

/** Complementary error function erfc(x) = 1 - erf(x). */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - smallErf(x);
  const tail = y >= ERFC_UNDERFLOW ? 0 : expMinusSquare(y) * scaledErfcTail(y);
  return x < 0 ? 2 - tail : tail;
}

/** Scaled complementary error function exp(y*y) * erfc(y) for y >= 0, finite where erfc underflows. */
export function erfcScaled(y: number): number {
  if (y <= 0.46875) return Math.exp(y * y) * (1 - smallErf(y));
  return scaledErfcTail(y);
}

/** P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  requireNotNaN("x", x);
  return 0.5 * erfc(-x / Math.SQRT2);
}

/*
 * Inverse of the standard normal CDF: Wichura's algorithm AS 241 (PPND16), Applied Statistics
 * 37 (1988) 477-484, accurate to about 1e-16 relative over the whole double range.
 */

const PA = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const PB = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const PC = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const PD = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
];
const PE = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const PF = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

/** Horner evaluation of a polynomial with coefficients in increasing degree. */
function poly(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * x + at(coefficients, i);
  return sum;
}

/** The x with normalCdf(x) = p; -Infinity at 0 and Infinity at 1. */
export function normalQuantile(p: number): number {
  requireProbability("p", p);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(PA, r)) / poly(PB, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(PC, r) / poly(PD, r);
  } else {
    r -= 5;
    x = poly(PE, r) / poly(PF, r);
  }
  return q < 0 ? -x : x;
}
