import { requireFinite, requireOpenUnit, requirePositiveInteger } from "./guards.js";
import { normalQuantile } from "./normal.js";

export interface PowerOptions {
  /** False-positive rate of the test. */
  alpha: number;
  /** Probability of detecting an effect of the planned size. */
  power: number;
  sided: "one" | "two";
}

function requirePowerOptions(options: PowerOptions): void {
  requireOpenUnit("options.alpha", options.alpha);
  requireOpenUnit("options.power", options.power);
  if (options.sided !== "one" && options.sided !== "two") {
    throw new RangeError(`options.sided must be "one" or "two", got ${String(options.sided)}`);
  }
}

function requireStandardError(standardError: number): void {
  requireFinite("standardError", standardError);
  if (standardError < 0) throw new RangeError(`standardError must not be negative, got ${standardError}`);
}

/**
 * Smallest true effect a normal-theory test with this standard error detects with the given
 * power: (z_{1-alpha(/2)} + z_power) * se. What an evaluation set of this size can promise.
 */
export function minimumDetectableEffect(standardError: number, options: PowerOptions): number {
  requireStandardError(standardError);
  requirePowerOptions(options);
  const tail = options.sided === "two" ? options.alpha / 2 : options.alpha;
  return (-normalQuantile(tail) + normalQuantile(options.power)) * standardError;
}

/**
 * Items needed for `effect` to become detectable, given the standard error measured at
 * currentN items and se proportional to 1 / sqrt(n). May be below currentN.
 */
export function requiredSampleSize(
  currentN: number,
  standardError: number,
  effect: number,
  options: PowerOptions,
): number {
  requirePositiveInteger("currentN", currentN);
  requireStandardError(standardError);
  requireFinite("effect", effect);
  if (effect === 0) throw new RangeError("effect must not be 0: no sample size detects a zero effect");
  const detectable = minimumDetectableEffect(standardError, options);
  const n = currentN * (detectable / effect) ** 2;
  // Shave the last bits of rounding so an exact answer such as 4 * currentN is not rounded up.
  return Math.max(1, Math.ceil(n * (1 - 4 * Number.EPSILON)));
}
