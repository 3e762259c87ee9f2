import type { PreparedMetric } from "./types.js";

/** A weighted statistic over n items; called only with weight vectors of length n. */
export type Kernel = (weights: Uint32Array) => number;

/**
 * Wrap a kernel as a prepared metric: check the weight vector's length, and compute the unweighted
 * value once (through a vector of ones) since it never changes.
 */
export function preparedFrom(n: number, kernel: Kernel): PreparedMetric {
  let unweighted: number | undefined;
  return {
    compute(weights?: Uint32Array): number {
      if (weights === undefined) {
        unweighted ??= kernel(new Uint32Array(n).fill(1));
        return unweighted;
      }
      if (weights.length !== n) {
        throw new RangeError(`weights has ${weights.length} entries but the data has ${n} items`);
      }
      return kernel(weights);
    },
  };
}

// Weights are only ever added, or multiplied by doubles: a Uint32 weight times a small-integer
// array element makes V8 speculate on integer multiplication, which measured 3× slower.

/**
 * Σ of weights where flag = 1, over Σ weights; NaN on zero total weight. Each item's weight is
 * added to one of two cells picked by its flag, in eight interleaved copies so that consecutive
 * items do not wait on each other's store.
 */
export function weightedShare(weights: Uint32Array, flags: Uint8Array, cells: Float64Array): number {
  cells.fill(0);
  const n = weights.length;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    cells[flags[i]!]! += weights[i]!;
    cells[2 + flags[i + 1]!]! += weights[i + 1]!;
    cells[4 + flags[i + 2]!]! += weights[i + 2]!;
    cells[6 + flags[i + 3]!]! += weights[i + 3]!;
    cells[8 + flags[i + 4]!]! += weights[i + 4]!;
    cells[10 + flags[i + 5]!]! += weights[i + 5]!;
    cells[12 + flags[i + 6]!]! += weights[i + 6]!;
    cells[14 + flags[i + 7]!]! += weights[i + 7]!;
  }
  for (; i < n; i++) cells[flags[i]!]! += weights[i]!;
  let hits = 0;
  let total = 0;
  for (let c = 0; c < 16; c += 2) {
    hits += cells[c + 1]!;
    total += cells[c]! + cells[c + 1]!;
  }
  return total === 0 ? Number.NaN : hits / total;
}

/** Scratch cells for weightedShare, allocated once per prepared metric. */
export const shareCells = (): Float64Array => new Float64Array(16);

/** Σ wᵢ·xᵢ / Σ wᵢ; NaN on zero total weight. */
export function weightedMean(weights: Uint32Array, values: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    sum += w * values[i]!;
    total += w;
  }
  return total === 0 ? Number.NaN : sum / total;
}
