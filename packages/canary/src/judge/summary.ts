import { quantileSorted } from "simple-statistics";
import type { Aggregate } from "../metrics/types.js";

/** Running count, mean and sum of squared deviations (Welford), so memory does not grow with samples. */
export class RunningMoments {
  n = 0;
  mean = 0;
  private m2 = 0;

  add(x: number): void {
    this.n++;
    const d = x - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (x - this.mean);
  }

  addAll(xs: readonly number[]): void {
    for (const x of xs) this.add(x);
  }

  /** Sample variance (n − 1 in the denominator); 0 below two samples. */
  get variance(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) : 0;
  }
}

/**
 * A uniform sample of at most `capacity` values from a stream of any length (reservoir sampling with a
 * seeded generator, so a rerun on the same data keeps the same values).
 */
export class Reservoir {
  readonly values: number[] = [];
  seen = 0;
  private state: number;

  constructor(
    private readonly capacity: number,
    seed = 1,
  ) {
    this.state = seed >>> 0 || 1;
  }

  add(x: number): void {
    this.seen++;
    if (this.values.length < this.capacity) {
      this.values.push(x);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.capacity) this.values[j] = x;
  }

  addAll(xs: readonly number[]): void {
    for (const x of xs) this.add(x);
  }

  private random(): number {
    // xorshift32: fast, seeded, good enough to pick reservoir slots.
    let s = this.state;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.state = s >>> 0;
    return this.state / 4294967296;
  }
}

/** Sorted ascending, as a new array (a typed-array sort: native numeric order, no comparator calls). */
export function sortedCopy(values: readonly number[]): number[] {
  return Array.from(Float64Array.from(values).sort());
}

/** The aggregate of the samples, or undefined for none. */
export function aggregate(values: readonly number[], how: Aggregate): number | undefined {
  if (values.length === 0) return undefined;
  switch (how) {
    case "mean":
      return values.reduce((s, v) => s + v, 0) / values.length;
    case "sum":
      return values.reduce((s, v) => s + v, 0);
    case "max":
      return values.reduce((m, v) => (v > m ? v : m), Number.NEGATIVE_INFINITY);
    case "min":
      return values.reduce((m, v) => (v < m ? v : m), Number.POSITIVE_INFINITY);
    default: {
      const q = how === "median" ? 0.5 : Number(how.slice(1)) / 100;
      return quantileSorted(sortedCopy(values), q);
    }
  }
}
