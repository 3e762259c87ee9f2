import { requireFiniteArray, requireSeed } from "./guards.js";
import { createRng } from "./rng.js";

export interface PermutationResult {
  pValue: number;
  /** Mean of the observed differences. */
  statistic: number;
}

/**
 * Paired sign-flip permutation test of the mean difference, two-sided. Under "no difference"
 * each paired difference is as likely to have either sign, so the null distribution comes from
 * random sign flips. p = (count + 1) / (resamples + 1), which counts the observed arrangement
 * and so is never 0 (Phipson & Smyth 2010).
 */
export function signFlipPermutationTest(
  diffs: ArrayLike<number>,
  options: { resamples: number; seed: number },
): PermutationResult {
  requireFiniteArray("diffs", diffs);
  const n = diffs.length;
  if (n === 0) throw new RangeError("diffs must not be empty");
  const { resamples, seed } = options;
  if (!Number.isSafeInteger(resamples) || resamples < 1) {
    throw new RangeError(`options.resamples must be a positive integer, got ${resamples}`);
  }
  requireSeed("options.seed", seed);

  const values = Float64Array.from(diffs);
  let sum = 0;
  let absoluteSum = 0;
  for (const v of values) {
    sum += v;
    absoluteSum += Math.abs(v);
  }
  const statistic = sum / n;
  // Sign patterns that tie with the observed mean may round differently; count them as ties.
  const threshold = Math.abs(sum) - 4 * n * Number.EPSILON * absoluteSum;

  const rng = createRng(seed);
  let count = 0;
  for (let r = 0; r < resamples; r++) {
    let flipped = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0) bits = rng.nextUint32(); // 32 signs per draw
      flipped += bits & 1 ? (values[i] as number) : -(values[i] as number);
      bits >>>= 1;
    }
    if (Math.abs(flipped) >= threshold) count++;
  }
  return { pValue: (count + 1) / (resamples + 1), statistic };
}
