import type { EvalData } from "./data.js";

export type MetricName =
  | "accuracy"
  | "precision"
  | "recall"
  | "f1"
  | "precision_macro"
  | "recall_macro"
  | "f1_macro"
  | "f1_micro"
  | "f1_weighted"
  | "roc_auc"
  | "pr_auc"
  | "log_loss"
  | "brier"
  | "ece"
  | "rmse"
  | "mae"
  | "r2"
  | "pass_rate"
  | "mean_score";

/** A metric bound to one data set: cheap to evaluate again and again under new resample weights. */
export interface PreparedMetric {
  /**
   * The metric with item i counted weights[i] times (undefined: each item once), as if the data set
   * were expanded by repetition. O(n) and allocation-free; NaN when the total weight is zero.
   */
  compute(weights?: Uint32Array): number;
}

export interface MetricDef {
  name: MetricName;
  /** Which data it applies to. */
  kinds: EvalData["kind"][];
  higherIsBetter: boolean;
  /** Additive metrics (accuracy, pass_rate, mean_score, brier, mae, log_loss) are means of per-item values: the judge can use exact paired tests for them. */
  perItem?: (data: EvalData, i: number) => number;
  /** One-time preparation (e.g. the score order for AUC), reused across resamples. Validates the data. */
  prepare(data: EvalData): PreparedMetric;
}
