import type { Check } from "@mlgate/core";
import type { LookResult } from "../judge/judge-look.js";
import type { FailureClass } from "../plan/types.js";
import type { StageKind, StageWords, StrategySummary } from "../strategy/types.js";

/** How a rollout ended. */
export type RolloutResult =
  | "promoted"
  | "rolled-back"
  | "paused"
  | "held"
  /** The same candidate was promoted by an earlier run. */
  | "already-promoted"
  /** `resume: cleanup`: an earlier run's candidate was rolled back and nothing new started. */
  | "cleaned-up"
  /** Nothing moved: the router could not be read, or progress could not be recorded. */
  | "not-started"
  /**
   * Every stage passed and the strategy does not promote by itself: a shadow run (safe to canary), an
   * A/B test without automatic promotion. Traffic is back where it started.
   */
  | "concluded";

export type StopCause = FailureClass | "cancelled";

/** One look at the metrics, for the timeline chart. */
export interface TimelinePoint {
  /** Milliseconds since the rollout started. */
  atMs: number;
  weight: number;
  phase: StageKind;
  /** Each metric's aggregate so far in the step, per side (absent until it has enough samples). */
  values: Record<string, { candidate?: number; baseline?: number }>;
}

export interface StepRecord {
  /** 0-based index into the plan's steps. */
  index: number;
  weight: number;
  phase: StageKind;
  /** How the stage is named in the report. */
  words: StageWords;
  startedMs: number;
  endedMs: number;
  looks: number;
  extensions: number;
  outcome: "passed" | "failed" | "interrupted";
  /** The last judgement of the step. */
  look?: LookResult;
}

export interface RolloutOutcome {
  result: RolloutResult;
  /** Why it stopped short of a promotion. */
  cause?: StopCause;
  /** One line a person understands; set whenever the rollout did not promote. */
  reason?: string;
  /** The rule that fired, when a metric decided. */
  rule?: string;
  metric?: string;
  /** Steps whose analysis passed (the promotion counts as one once its guard window passed). */
  stepsCompleted: number;
  /** Where traffic is at the end, as read back from the router. */
  finalWeight: number;
  rolledBack: boolean;
  /** Set when a rollback was attempted and could not be verified. */
  rollbackError?: string;
  /** The stage the rollout stopped in (its planned weight), when it stopped short. */
  stoppedAt?: { index: number; weight: number; phase: StageKind; where: string };
  /** The step index a resumed run started from (0 for a fresh rollout). */
  resumedFrom?: number;
  steps: StepRecord[];
  timeline: TimelinePoint[];
  /** Threshold checks of the last look that judged them. */
  checks: Check[];
  warnings: string[];
  startedAt: number;
  durationMs: number;
  /** The strategy's part of the report (what users saw, what decided). */
  strategy?: StrategySummary;
}
