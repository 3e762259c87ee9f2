/**
 * The open model's arrival schedule: a piecewise-linear rate curve (constant stretches and ramps),
 * and the intended start time of every arrival on it. Arrival k starts when the curve's cumulative
 * count reaches k, so the schedule is fixed in advance and never waits for responses.
 */

export interface RateSegment {
  durationMs: number;
  /** Requests per second at the segment's start and end; the rate moves linearly between them. */
  fromRate: number;
  toRate: number;
}

export interface Shard {
  /** 0-based here; `shard: 1/4` in the config is index 0 of 4. */
  index: number;
  count: number;
}

/** Float noise must not add or drop an arrival at a segment boundary (200/s × 3 s is 600, not 601). */
const EPSILON = 1e-7;

function arrivalsIn(s: RateSegment, ms: number): number {
  const a = s.fromRate / 1000;
  const slope = (s.toRate - s.fromRate) / 1000 / s.durationMs;
  return a * ms + (slope * ms * ms) / 2;
}

/** Time into the segment at which `m` arrivals have accumulated (the stable root of the quadratic). */
function timeForArrivals(s: RateSegment, m: number): number {
  if (m <= 0) return 0;
  const a = s.fromRate / 1000;
  const slope = (s.toRate - s.fromRate) / 1000 / s.durationMs;
  const root = Math.sqrt(Math.max(0, a * a + 2 * slope * m));
  const denominator = a + root;
  return denominator > 0 ? Math.min(s.durationMs, (2 * m) / denominator) : s.durationMs;
}

export class ArrivalSchedule {
  readonly segments: readonly RateSegment[];
  readonly shard: Shard;
  /** Cumulative arrivals (whole test, every shard) at the start of each segment, and at the end. */
  private readonly cumulative: number[];
  /** Start time of each segment, in ms from the start of the test. */
  private readonly starts: number[];
  /** Total arrivals of the whole test (every shard). */
  readonly globalTotal: number;
  readonly durationMs: number;
  private cursor = 0;

  constructor(segments: readonly RateSegment[], shard: Shard = { index: 0, count: 1 }) {
    this.segments = segments;
    this.shard = shard;
    this.cumulative = [0];
    this.starts = [];
    let sum = 0;
    let ms = 0;
    for (const s of segments) {
      this.starts.push(ms);
      sum += arrivalsIn(s, s.durationMs);
      ms += s.durationMs;
      this.cumulative.push(sum);
    }
    this.durationMs = ms;
    this.globalTotal = Math.max(0, Math.ceil(sum - EPSILON));
  }

  /** Arrivals of the whole test whose intended time is before `ms`. */
  globalCountBefore(ms: number): number {
    if (ms <= 0) return 0;
    let elapsed = 0;
    for (let i = 0; i < this.segments.length; i++) {
      const s = this.segments[i]!;
      if (ms <= elapsed + s.durationMs) {
        const n = this.cumulative[i]! + arrivalsIn(s, ms - elapsed);
        return Math.min(this.globalTotal, Math.max(0, Math.ceil(n - EPSILON)));
      }
      elapsed += s.durationMs;
    }
    return this.globalTotal;
  }

  /** This shard's share of the first `globalCount` arrivals (arrivals k with k mod count = index). */
  shardCountOf(globalCount: number): number {
    const { index, count } = this.shard;
    return globalCount > index ? Math.floor((globalCount - 1 - index) / count) + 1 : 0;
  }

  /** This shard's arrivals in the whole test. */
  get total(): number {
    return this.shardCountOf(this.globalTotal);
  }

  /** The global arrival number of this shard's j-th arrival. */
  globalIndex(j: number): number {
    return j * this.shard.count + this.shard.index;
  }

  /**
   * Intended start of this shard's j-th arrival, in ms from the start of the test. Fastest when
   * called with non-decreasing j, as the generator does.
   */
  intendedAt(j: number): number {
    const k = this.globalIndex(j);
    if (k < this.cumulative[this.cursor]! - EPSILON) this.cursor = 0;
    while (this.cursor < this.segments.length - 1 && k >= this.cumulative[this.cursor + 1]! - EPSILON)
      this.cursor++;
    const s = this.segments[this.cursor];
    if (!s) return 0;
    return this.starts[this.cursor]! + timeForArrivals(s, k - this.cumulative[this.cursor]!);
  }
}
