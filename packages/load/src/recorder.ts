import { recordMs, recordUnits } from "./histogram.js";
import { LIMITS } from "./limits.js";
import { emptyMeasurements, type Measurements, newBucket, totalErrors } from "./measurements.js";
import type { Outcome } from "./outcome.js";

/**
 * Accumulates outcomes into histograms and counters. Times are ms on the run's clock; only requests
 * intended at or after `measureFrom` (the end of the warm-up) are recorded.
 */
export class Recorder {
  readonly m: Measurements;
  private lastEndAt: number;
  /** Outcomes seen since the last progress snapshot. */
  windowOk = 0;
  windowDone = 0;

  constructor(
    readonly measureFrom: number,
    bucketMs: number,
    private readonly lateAfterMs: number,
  ) {
    this.m = emptyMeasurements(bucketMs);
    this.lastEndAt = measureFrom;
  }

  isMeasured(intendedAt: number): boolean {
    return intendedAt >= this.measureFrom;
  }

  /** A start: was it late because the generator was behind, or queued behind busy connections? */
  started(intendedAt: number, sentAt: number, waitedForConnection: boolean): void {
    if (intendedAt < this.measureFrom) return;
    const lag = sentAt - intendedAt;
    recordMs(this.m.startLag, lag > 0 ? lag : 0);
    if (waitedForConnection) this.m.counters.queued++;
    else if (lag > this.lateAfterMs) this.m.counters.late++;
  }

  record(o: Outcome): void {
    this.windowDone++;
    if (o.intendedAt < this.measureFrom) return;
    const m = this.m;
    const c = m.counters;
    c.requests++;
    if (o.endAt > this.lastEndAt) this.lastEndAt = o.endAt;
    const bucket = this.bucketOf(o.intendedAt);
    bucket.count++;
    if (o.timed) {
      const latency = o.endAt - o.intendedAt;
      recordMs(m.latency, latency);
      recordMs(m.uncorrected, o.endAt - o.sentAt);
      recordMs(bucket.latency, latency);
    }
    if (o.firstTokenAt !== undefined) recordMs(m.ttft, o.firstTokenAt - o.intendedAt);
    if (o.tokens !== undefined) c.tokens += o.tokens;
    if (o.tokensPerSecond !== undefined) recordUnits(m.tokenRate, o.tokensPerSecond * 1000);
    if (o.error) {
      c.errors[o.error]++;
      bucket.errors++;
      if (m.errorSamples[o.error] === undefined && o.detail) m.errorSamples[o.error] = o.detail.slice(0, 300);
    } else {
      c.ok++;
      this.windowOk++;
    }
  }

  /** Inter-token gaps are recorded as they arrive (only for measured requests). */
  gap(intendedAt: number, ms: number): void {
    if (intendedAt >= this.measureFrom) recordMs(this.m.itl, ms);
  }

  private bucketOf(intendedAt: number) {
    const buckets = this.m.timeline.buckets;
    const i = Math.min(
      LIMITS.maxTimelineBuckets - 1,
      Math.max(0, Math.floor((intendedAt - this.measureFrom) / this.m.timeline.bucketMs)),
    );
    while (buckets.length <= i) buckets.push(newBucket());
    return buckets[i]!;
  }

  /** Close the measured window and compute the throughput. */
  finish(): Measurements {
    const windowMs = Math.max(1, this.lastEndAt - this.measureFrom);
    this.m.windowMs = windowMs;
    this.m.throughput = this.m.counters.ok / (windowMs / 1000);
    return this.m;
  }

  errors(): number {
    return totalErrors(this.m.counters);
  }
}
