/**
 * Smooth weighted round-robin (the scheme nginx uses for weighted upstreams): over any window of
 * `total` picks each side is chosen in proportion to its weight, spread evenly rather than in runs,
 * so even a short burst of traffic sees the intended share.
 */
export class SmoothWeightedChoice<T extends string> {
  private readonly current = new Map<T, number>();

  constructor(private weights: Map<T, number>) {
    for (const key of weights.keys()) this.current.set(key, 0);
  }

  setWeights(weights: Map<T, number>): void {
    this.weights = weights;
    for (const key of weights.keys()) this.current.set(key, 0);
  }

  /** The next pick, or undefined when every weight is 0. */
  next(): T | undefined {
    let total = 0;
    let best: T | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (const [key, weight] of this.weights) {
      if (!(weight > 0)) continue;
      const score = (this.current.get(key) ?? 0) + weight;
      this.current.set(key, score);
      total += weight;
      if (score > bestScore) {
        bestScore = score;
        best = key;
      }
    }
    if (best !== undefined) this.current.set(best, bestScore - total);
    return best;
  }
}
