import type { MetricSpec, SamplePair } from "../metrics/types.js";
import { Reservoir, RunningMoments } from "./summary.js";

export type Side = "candidate" | "baseline";

/** Per side, at most this many raw samples of one step are kept (uniformly) for thresholds and rank tests. */
export const STEP_SAMPLE_CAPACITY = 50_000;

/** Latency of 0 cannot be logged; nothing real is faster than a nanosecond. */
const LOG_FLOOR = 1e-6;

/**
 * Everything the judge knows about one metric: the current step's raw samples (for thresholds,
 * rank tests and distribution shift) and running moments on the compared scale since the rollout
 * began (for the sequential test, whose evidence carries across steps).
 */
export class MetricTrack {
  step: Record<Side, Reservoir>;
  readonly total: Record<Side, RunningMoments> = {
    candidate: new RunningMoments(),
    baseline: new RunningMoments(),
  };
  /** Running minimum of the sequential test's p-value (an always-valid p-value). */
  sequentialP = 1;
  private stepIndex = 0;

  constructor(readonly spec: MetricSpec) {
    this.step = this.freshStep();
  }

  /** Raw value → compared scale. */
  transform(value: number): number {
    return this.spec.scale === "log" ? Math.log(Math.max(value, LOG_FLOOR)) : value;
  }

  /** Compared scale → raw value. */
  untransform(value: number): number {
    return this.spec.scale === "log" ? Math.exp(value) : value;
  }

  add(pair: SamplePair): void {
    for (const side of ["candidate", "baseline"] as const) {
      for (const v of pair[side]) {
        if (!Number.isFinite(v)) continue;
        this.step[side].add(v);
        this.total[side].add(this.transform(v));
      }
    }
  }

  /** A new step starts with no raw samples; the rollout-wide moments keep going. */
  startStep(): void {
    this.stepIndex++;
    this.step = this.freshStep();
  }

  stepSamples(side: Side): readonly number[] {
    return this.step[side].values;
  }

  stepCount(side: Side): number {
    return this.step[side].seen;
  }

  private freshStep(): Record<Side, Reservoir> {
    return {
      candidate: new Reservoir(STEP_SAMPLE_CAPACITY, 2 * this.stepIndex + 1),
      baseline: new Reservoir(STEP_SAMPLE_CAPACITY, 2 * this.stepIndex + 2),
    };
  }
}
