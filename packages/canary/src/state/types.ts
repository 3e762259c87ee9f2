import type { Strategy } from "../plan/types.js";
import type { Phase } from "./phase.js";

/** What a re-run needs to know about a rollout: which candidate, how far it got, how it ended. */
export interface RolloutRecord {
  /** The deployment environment, e.g. `production`. */
  environment: string;
  /** Version labels of the two sides. */
  candidate: string;
  baseline: string;
  /** 0-based index of the step in progress (or the last one reached). */
  step: number;
  /** Steps in the plan. */
  steps: number;
  /** Candidate share in percent, as last verified. */
  weight: number;
  phase: Phase;
  /** One line: why it ended, when it did not promote. */
  reason?: string;
  /** How traffic moves; absent means canary (records written before strategies existed). */
  strategy?: Strategy;
}

/**
 * Where progress is written so that a later run can resume or clean up without a controller:
 * GitHub Deployments in the action, a JSON file on the command line, memory in tests.
 */
export interface StateStore {
  /** Where records go, for messages: `GitHub deployment 1234 (production)`. */
  describe(): string;
  /** The newest rollout recorded for this environment, if any. */
  latest(): Promise<RolloutRecord | undefined>;
  /** Start recording a new rollout. */
  begin(record: RolloutRecord): Promise<void>;
  /** Record progress of the current rollout (the one `begin` started, or the `latest` one when resuming). */
  update(record: RolloutRecord): Promise<void>;
}
