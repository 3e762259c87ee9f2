import type { Check, Finding, Metric, Threshold, Verdict } from "@mlgate/core";
import type { FailureClass, Strategy } from "../plan/types.js";
import type { Phase } from "../state/phase.js";
import type { TrafficProvider } from "../traffic/types.js";

/** What a stretch of a rollout is: canary steps and guard, a shadow run, blue/green's preview, an A/B experiment. */
export type StageKind = "step" | "guard" | "shadow" | "preview" | "experiment";

/** The same stage named for each place it shows up. */
export interface StageWords {
  /** In log lines and reasons: `step 1 (25%)`, `guard window at 100%`, `the shadow run`. */
  look: string;
  /** In the report's findings: `step 1 (25%)`, `guard window (100%)`. */
  finding: string;
  /** Before a comparison in the report: `step 1 (25%)`, `guard (100%)`. */
  evaluation: string;
  /** In a headline: `at step 1/3 (25%)`, `in the guard window after the promotion`. */
  headline: string;
}

/**
 * A stretch of the rollout with one routing: the strategy moves traffic into it, the engine watches it
 * (looks at the metrics every interval, extends it when data is short) and applies the failure policies.
 */
export interface Stage {
  kind: StageKind;
  words: StageWords;
  /** The candidate's planned share of user traffic, in percent. */
  weight: number;
  /** How long it is watched (ms, scaled); 0: the move alone. */
  watchMs: number;
  /** The phase recorded while in it. */
  phase: Phase;
  /** The baseline serves no live traffic here: thresholds may judge the candidate alone. */
  guard: boolean;
  /** Thresholds judged here instead of the rollout's (blue/green's guard gates). */
  thresholds?: readonly Threshold[];
  /** Only these metrics are judged here (blue/green's guard metrics). */
  metrics?: readonly string[];
  /** What entering it is, for a failure: `move the candidate to 25%`, `start mirroring`. */
  moveWords: string;
  /** Move traffic into the stage and read it back; resolves with the user share the router reports. */
  enter(traffic: TrafficProvider): Promise<number>;
  /** The log line once entered, e.g. `step 1/3: the candidate serves 25% (verified)`. */
  entered(weight: number, index: number, count: number): string;
  /** A decision the strategy's analysis makes (the A/B test's): it may end the stage early. */
  analysis?: StageAnalysis;
}

/** Why a stage must stop, from the strategy's own analysis. */
export interface AnalysisFailure {
  cause: FailureClass;
  metric: string;
  rule: string;
  message: string;
}

/** One look of a strategy's own analysis, merged with the metric judge's. */
export interface AnalysisLook {
  checks: Check[];
  failure?: AnalysisFailure;
  /** The stage may end now: the question it asks is answered. */
  done?: boolean;
  /** What still lacks data; at the end of the stage this extends it, then fails as no-data. */
  short: string[];
  warnings: string[];
  /** For the look's log line. */
  summary?: string;
}

export interface AnalysisContext {
  now: number;
  endOfStep: boolean;
  stage: Stage;
}

/** A strategy's own judgement beyond the metrics: shadow's output comparison, the A/B decision. */
export interface StageAnalysis {
  look(ctx: AnalysisContext): Promise<AnalysisLook>;
}

/** The strategy's part of the report: what users saw, what was compared, and what decided. */
export interface StrategySummary {
  strategy: Strategy;
  /** The plan in one line. */
  plan: string;
  /** What users were exposed to, in one line. */
  exposure: string;
  /** The comparison in a few lines (the report's notes). */
  comparison: string[];
  /** The rule that decided, when the strategy's own analysis decided. */
  rule?: string;
  /** The headline of a run that ended as planned; the engine's is used otherwise. */
  headline?: string;
  /** The verdict of a run that concluded without promoting (an A/B test may be inconclusive: warn). */
  verdict?: Verdict;
  /** What a rollback is called in this strategy's headlines: `rolled back`, `stopped mirroring`. */
  rollbackWords?: string;
  checks: Check[];
  metrics: Record<string, Metric>;
  findings: Finding[];
  /** Extra step outputs: `decision`, `effect`, `mirrored`... */
  outputs: Record<string, string>;
}

/** How the run ended, as the strategy needs it to summarize. */
export interface EndState {
  result: string;
  /** The candidate's user share at the end, read back. */
  finalWeight: number;
  /** Stages whose analysis passed. */
  stagesCompleted: number;
  cause?: string;
  reason?: string;
  /** The kind of stage the run stopped in, when it stopped short. */
  stoppedAt?: StageKind;
}

/** What a strategy does when every stage passed. */
export interface Conclusion {
  result: "promoted" | "concluded";
  /** The user share read back after the last move. */
  weight: number;
  /** The log line (none when empty). */
  log: string;
  /** The phase to record, when the last stage's own phase does not already say how it ended. */
  phase?: Phase;
  reason?: string;
}

/**
 * How one strategy moves traffic. The engine (engine/rollout.ts) owns the loop, the looks, the judge,
 * the failure policies and the state; the strategy owns only the moves.
 */
export interface RolloutStrategy {
  readonly name: Strategy;
  readonly stages: readonly Stage[];
  /** The plan in one line for the log and the report. */
  describe(): string;
  /** Why the run cannot start from the router's current state (shadow needs no user on the candidate). */
  refuseStart?(routerWeight: number, traffic: TrafficProvider): string | undefined;
  /** What the rollback policy does: send every user to the baseline (and stop mirroring), verified. */
  undo(traffic: TrafficProvider): Promise<number>;
  /** The log line after `undo` succeeded. */
  undone(traffic: TrafficProvider): string;
  /** After the last stage passed; `weight` is the user share last read back. */
  conclude(traffic: TrafficProvider, weight: number): Promise<Conclusion>;
  summarize(end: EndState): StrategySummary;
}
