/**
 * A rollout plan: the traffic moves, how long each is watched, and what each kind of failure does.
 * The plan names its strategy; every strategy (canary, shadow, blue/green, A/B) shares the analysis,
 * the failure policies and the state, and differs only in how it moves traffic (see strategy/).
 */

/** Why a rollout stopped short. Each class has its own policy. */
export type FailureClass =
  /** A metric said no: a threshold failed or the candidate is significantly worse. */
  | "metric"
  /** Not enough data to judge, even after extending the step. */
  | "no-data"
  /** A metric source failed too many times in a row, or cannot answer the query at all. */
  | "provider"
  /** The router did not take the new weights (or reading them back disagreed). */
  | "router";

export const FAILURE_CLASSES: readonly FailureClass[] = ["metric", "no-data", "provider", "router"];

/**
 * `rollback`: send all traffic back to the baseline and fail. `pause`: leave the weights, fail the job
 * for a person to decide (a re-run resumes, `resume: cleanup` rolls back). `hold`: leave the weights and
 * end with a warning, without promoting further.
 */
export type FailurePolicy = "rollback" | "pause" | "hold";

export const FAILURE_POLICIES: readonly FailurePolicy[] = ["rollback", "pause", "hold"];

export interface RolloutStep {
  /** Share of live traffic sent to the candidate, in percent (0 < weight <= 100). */
  weight: number;
  /** How long the step is watched before moving on, in ms (already scaled). 0 for the final 100%. */
  bakeMs: number;
}

/**
 * How traffic reaches the candidate. `canary`: rising shares of live traffic. `shadow`: a copy of live
 * traffic whose answers users never see. `blue-green`: one switch of all traffic after an analysis of
 * the idle candidate, with an automatic switch back. `ab`: a fixed sticky split judged on a business metric.
 */
export type Strategy = "canary" | "shadow" | "blue-green" | "ab";

export const STRATEGIES: readonly Strategy[] = ["canary", "shadow", "blue-green", "ab"];

export interface RolloutPlan {
  strategy: Strategy;
  /**
   * Canary: strictly increasing weights, the last one 100 (the promotion). Other strategies: the user
   * share of each of their stages (shadow 0; blue/green 0 then 100; A/B the split).
   */
  steps: RolloutStep[];
  /** Time between two looks at the metrics, in ms (already scaled). */
  intervalMs: number;
  /** Watch window after the promotion, in ms (already scaled); 0 for none. */
  guardMs: number;
  /** How many times a step is extended (by one bake time, at most 10 intervals) when data is short. */
  maxExtensions: number;
  /** Consecutive failures of one metric source that end the rollout. */
  maxProviderFailures: number;
  policy: Record<FailureClass, FailurePolicy>;
  /** The factor every duration was multiplied by (1 in production; small in tests and demos). */
  timeScale: number;
}

/** `5%`, `25%`, `100%`: how a weight reads in messages. */
export function formatWeight(weight: number): string {
  return `${Number(weight.toFixed(2))}%`;
}
