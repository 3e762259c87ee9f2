import { sampleStandardDeviation } from "simple-statistics";
import { requireOpenUnit, requirePositiveInteger, requireSeed } from "./guards.js";
import { normalCdf, normalQuantile } from "./normal.js";
import { asXoshiro, createRng, type Rng } from "./rng.js";

const TWO_TO_32 = 4294967296;
/** Items per block: 4096 counters (16 KiB) stay in L1 cache while a block is filled. */
const BLOCK_BITS = 12;

/**
 * Stage 1: the block of 2^blockBits items each of n draws lands in, counted into `totals`.
 * Words at or above the last multiple of n would favour low indices; they are redrawn.
 */
function countDrawsPerBlock(state: Int32Array, n: number, blockBits: number, totals: Uint32Array): void {
  let s0 = state[0] as number;
  let s1 = state[1] as number;
  let s2 = state[2] as number;
  let s3 = state[3] as number;
  const perItem = Math.floor(TWO_TO_32 / n);
  const limit = perItem * n;
  const perBlock = perItem * (1 << blockBits); // floor(floor(u / perItem) / blockSize)
  for (let i = 0; i < n; i++) {
    let u: number;
    do {
      // xoshiro128**: the step of Xoshiro128.nextUint32, on local variables
      const r = Math.imul(s1, 5);
      u = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    } while (u >= limit);
    const b = (u / perBlock) >>> 0;
    totals[b] = (totals[b] as number) + 1;
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}

/**
 * Stage 2: `draws` uniform positions inside one block, two blockBits-wide positions per word.
 * Only the last block can be shorter than 2^blockBits; positions past its end are redrawn.
 */
function placeDrawsInBlock(
  state: Int32Array,
  counts: Uint32Array,
  base: number,
  size: number,
  blockBits: number,
  draws: number,
): void {
  let s0 = state[0] as number;
  let s1 = state[1] as number;
  let s2 = state[2] as number;
  let s3 = state[3] as number;
  const shift = 32 - blockBits;
  const full = size === 1 << blockBits;
  let remaining = draws;
  while (remaining > 0) {
    const r = Math.imul(s1, 5);
    const u = Math.imul((r << 7) | (r >>> 25), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const first = base + (u >>> shift);
    const second = base + ((u << blockBits) >>> shift);
    if (full && remaining >= 2) {
      counts[first] = (counts[first] as number) + 1;
      counts[second] = (counts[second] as number) + 1;
      remaining -= 2;
      continue;
    }
    if (first < base + size) {
      counts[first] = (counts[first] as number) + 1;
      remaining--;
    }
    if (remaining > 0 && second < base + size) {
      counts[second] = (counts[second] as number) + 1;
      remaining--;
    }
  }
  state[0] = s0;
  state[1] = s1;
  state[2] = s2;
  state[3] = s3;
}

/**
 * Multinomial resample counts: out[i] = how often item i was drawn in n draws with replacement.
 *
 * Drawing n random indices into a 4 MB array (n = 1e6) is bound by cache misses, so the draws go
 * in two exact stages: first, which block of 4096 items each draw lands in (counted in a small
 * array); then, block by block, where inside the block, with the block's 16 KiB of counters in L1
 * cache. Given the block totals the positions are uniform within the block, so the counts have
 * exactly the multinomial distribution. An Rng not made by createRng seeds an internal
 * xoshiro128** from four of its words.
 */
export function bootstrapCounts(n: number, rng: Rng, out?: Uint32Array): Uint32Array {
  requirePositiveInteger("n", n);
  if (n >= TWO_TO_32) throw new RangeError(`n must be below 2^32, got ${n}`);
  if (out !== undefined && out.length !== n) {
    throw new RangeError(`out must have length n = ${n}, got ${out.length}`);
  }
  const counts = out ?? new Uint32Array(n);
  counts.fill(0);
  const state = asXoshiro(rng).state;
  const blockBits = Math.max(1, Math.min(BLOCK_BITS, Math.ceil(Math.log2(n))));
  const blockSize = 1 << blockBits;
  const totals = new Uint32Array(Math.ceil(n / blockSize));
  countDrawsPerBlock(state, n, blockBits, totals);
  for (let b = 0; b < totals.length; b++) {
    const base = b * blockSize;
    placeDrawsInBlock(state, counts, base, Math.min(blockSize, n - base), blockBits, totals[b] as number);
  }
  return counts;
}

export interface BootstrapResult {
  estimate: number;
  low: number;
  high: number;
  /** Standard deviation of the bootstrap replicates. */
  standardError: number;
  resamples: number;
  seed: number;
  /** "percentile" also when BCa was asked for but is undefined (every replicate on one side). */
  method: "percentile" | "bca";
}

export interface PairedBootstrapOptions {
  /** Number of paired items. */
  n: number;
  /**
   * The compared statistic given per-item weights (how often each item is in the resample);
   * undefined means every item once. The same weights apply to candidate and baseline, which is
   * what keeps the comparison paired. The array is reused between calls: do not keep it.
   */
  statistic: (weights: Uint32Array | undefined) => number;
  resamples: number;
  seed: number;
  confidence: number;
  /** Default "bca". */
  method?: "percentile" | "bca";
  /** Blocks of the delete-a-block jackknife behind the BCa acceleration; default min(n, 200). */
  jackknifeBlocks?: number;
}

/** Quantile of sorted values with linear interpolation (numpy's default, Hyndman & Fan type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}

/**
 * BCa acceleration from a delete-a-block jackknife (Efron & Tibshirani 1993, eq. 14.15, with
 * blocks in place of single items). Block g holds items g, g + blocks, g + 2 blocks, ..., so
 * blocks stay alike even when the items arrive sorted. blocks = n is the ordinary jackknife.
 */
export function jackknifeAcceleration(
  n: number,
  statistic: (weights: Uint32Array | undefined) => number,
  blocks: number,
): number {
  const weights = new Uint32Array(n).fill(1);
  const values = new Float64Array(blocks);
  for (let g = 0; g < blocks; g++) {
    for (let i = g; i < n; i += blocks) weights[i] = 0;
    values[g] = checked(statistic(weights), `statistic with jackknife block ${g} left out`);
    for (let i = g; i < n; i += blocks) weights[i] = 1;
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= blocks;
  let squares = 0;
  let cubes = 0;
  for (const v of values) {
    const u = mean - v;
    squares += u * u;
    cubes += u * u * u;
  }
  return squares > 0 ? cubes / (6 * squares ** 1.5) : 0;
}

function checked(value: number, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`${what} returned ${value}; the statistic must be finite on every resample`);
  }
  return value;
}

/**
 * Paired bootstrap confidence interval for a comparison statistic such as
 * F1(candidate) - F1(baseline): items are resampled with replacement and the same resample
 * weights go to both models. BCa (Efron 1987) by default, which corrects the percentile interval
 * for bias and skew; z0 uses the mid-rank of the estimate among the replicates as
 * scipy.stats.bootstrap does, so discrete statistics such as accuracy differences are not biased
 * by ties. Deterministic given the seed.
 */
export function pairedBootstrap(options: PairedBootstrapOptions): BootstrapResult {
  const { n, statistic, resamples, seed, confidence } = options;
  const method = options.method ?? "bca";
  requirePositiveInteger("n", n);
  if (typeof statistic !== "function") throw new RangeError("statistic must be a function");
  if (!Number.isSafeInteger(resamples) || resamples < 2) {
    throw new RangeError(`resamples must be an integer >= 2, got ${resamples}`);
  }
  requireSeed("seed", seed);
  requireOpenUnit("confidence", confidence);
  if (method !== "percentile" && method !== "bca") {
    throw new RangeError(`method must be "percentile" or "bca", got ${String(method)}`);
  }
  const blocks = options.jackknifeBlocks ?? Math.min(n, 200);
  if (options.jackknifeBlocks !== undefined && (!Number.isSafeInteger(blocks) || blocks < 2 || blocks > n)) {
    throw new RangeError(`jackknifeBlocks must be an integer in [2, n = ${n}], got ${blocks}`);
  }

  const estimate = checked(statistic(undefined), "statistic(undefined)");
  const rng = createRng(seed);
  const weights = new Uint32Array(n);
  const replicates = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    bootstrapCounts(n, rng, weights);
    replicates[b] = checked(statistic(weights), `statistic on resample ${b}`);
  }
  const sorted = Float64Array.from(replicates).sort();
  const standardError = sampleStandardDeviation(Array.from(replicates));
  const alpha = 1 - confidence;
  const base = { estimate, standardError, resamples, seed };

  const percentile = (): BootstrapResult => ({
    ...base,
    low: quantileSorted(sorted, alpha / 2),
    high: quantileSorted(sorted, 1 - alpha / 2),
    method: "percentile",
  });
  if (method === "percentile") return percentile();

  let below = 0;
  let atOrBelow = 0;
  for (const v of sorted) {
    if (v < estimate) below++;
    if (v <= estimate) atOrBelow++;
  }
  const z0 = normalQuantile((below + atOrBelow) / (2 * resamples));
  if (!Number.isFinite(z0)) return percentile();
  // A single item has no jackknife; the acceleration is then taken as 0.
  const a = n >= 2 ? jackknifeAcceleration(n, statistic, blocks) : 0;
  const level = (z: number): number => {
    const shifted = z0 + z;
    const denominator = 1 - a * shifted;
    return denominator > 0 ? normalCdf(z0 + shifted / denominator) : Number.NaN;
  };
  const zLow = normalQuantile(alpha / 2);
  const lowLevel = level(zLow);
  const highLevel = level(-zLow);
  if (!(lowLevel >= 0 && highLevel <= 1 && lowLevel <= highLevel)) return percentile();
  return {
    ...base,
    low: quantileSorted(sorted, lowLevel),
    high: quantileSorted(sorted, highLevel),
    method: "bca",
  };
}
