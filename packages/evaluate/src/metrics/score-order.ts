/**
 * Items ordered by ascending score, with the boundaries of groups of tied scores: built once per
 * data set so that each resample's ranking metric is an O(n) pass.
 */
export interface ScoreOrder {
  /** Item indices by ascending score; ties keep item order. */
  order: Int32Array;
  /** 1 where the item at that position of `order` is positive. */
  positive: Uint8Array;
  /** n + 1 flags: 1 where a group of equal scores starts at that position (and at n, past the end). */
  groupStart: Uint8Array;
}

/**
 * Sort the scores natively, then place items by counting sort over the distinct values: faster in
 * V8 than sorting indices with a comparator, and it yields the tie groups for free.
 */
export function scoreOrder(score: Float64Array, isPositive: (i: number) => boolean): ScoreOrder {
  const n = score.length;
  const sorted = Float64Array.from(score).sort();
  // Distinct values in ascending order (-0 and 0 are one value).
  const distinct = new Float64Array(n);
  let groups = 0;
  for (let j = 0; j < n; j++) {
    const v = sorted[j]!;
    if (groups === 0 || v !== distinct[groups - 1]) distinct[groups++] = v;
  }
  const start = new Int32Array(groups + 1);
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = lowerBound(distinct, groups, score[i]!);
    groupOf[i] = g;
    start[g + 1]!++;
  }
  for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!;
  const groupStart = new Uint8Array(n + 1);
  for (let g = 0; g <= groups; g++) groupStart[start[g]!] = 1;
  const order = new Int32Array(n);
  const positive = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const at = start[groupOf[i]!]!++;
    order[at] = i;
    positive[at] = isPositive(i) ? 1 : 0;
  }
  return { order, positive, groupStart };
}

/** First index in sorted[0, length) whose value is not below v. */
function lowerBound(sorted: Float64Array, length: number, v: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Copy the weights into score order, as doubles: one random-access pass up front keeps the metric's
 * own pass sequential and in float arithmetic, measured 2–3× faster than reading through `order`.
 */
export function gatherWeights(s: ScoreOrder, weights: Uint32Array, into: Float64Array): void {
  const { order } = s;
  for (let j = 0; j < order.length; j++) into[j] = weights[order[j]!]!;
}
