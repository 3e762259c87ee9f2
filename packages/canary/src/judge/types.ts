import type { Check, Metric, Threshold } from "@mlgate/core";
import type { Side } from "./track.js";

export interface JudgeSettings {
  /** Family-wise false-alarm rate of the statistical comparisons (Holm across metrics). */
  alpha: number;
  /** Spread of the sequential test's mixture, in standard deviations of one sample. */
  tauSd: number;
  thresholds: readonly Threshold[];
  /** Shift metrics fail above these: PSI at any look, KS (when also significant) at the end of a step. */
  psiLimit: number;
  ksLimit: number;
}

export const DEFAULT_TAU_SD = 0.25;
export const DEFAULT_PSI_LIMIT = 0.2;
export const DEFAULT_KS_LIMIT = 0.1;

export interface LookContext {
  /** The step's bake time is over: fixed-horizon tests run now. */
  endOfStep: boolean;
  /** After the promotion: the baseline may have no live traffic left. */
  guard: boolean;
}

export type TestName = "sequential" | "mann-whitney" | "psi" | "ks";

/** One statistical comparison of one metric at one look. */
export interface Evaluation {
  metric: string;
  test: TestName;
  status: "pass" | "fail" | "pending";
  samples: Record<Side, number>;
  /** The metric's aggregate per side, in its canonical unit. */
  estimate?: Record<Side, number>;
  /** Candidate relative to baseline: 0.21 means 21% higher; for 0/1 metrics the difference in rate. */
  effect?: number;
  /** `absolute` for 0/1 metrics (error rates), whose baseline is often 0. */
  effectKind?: "relative" | "absolute";
  interval?: [number, number];
  /** PSI or the KS distance. */
  statistic?: number;
  p?: number;
  pAdjusted?: number;
  /** The rule in words: `sequential mSPRT, α = 0.01, tolerance +5%`. */
  rule: string;
  message: string;
}

/** The first rule that failed, in words. */
export interface JudgeFailure {
  metric: string;
  rule: string;
  message: string;
}

export interface LookResult {
  evaluations: Evaluation[];
  checks: Check[];
  failure?: JudgeFailure;
  warnings: string[];
  /** Metrics without enough samples in this step to be judged. */
  short: string[];
  /** The values thresholds saw. */
  metrics: Record<string, Metric>;
}
