import { brier, ECE_BINS, ece, logLoss } from "./calibration.js";
import {
  accuracy,
  f1,
  f1Macro,
  f1Micro,
  f1Weighted,
  precision,
  precisionMacro,
  recall,
  recallMacro,
} from "./classification.js";
import { type EvalData, isBinary } from "./data.js";
import { prAucMetric, rocAucMetric } from "./ranking.js";
import { mae, r2, rmse } from "./regression.js";
import { meanScore, passRate } from "./score.js";
import type { MetricDef, MetricName } from "./types.js";
import { isBinaryScore, isProbability, validateData } from "./validate.js";

export const METRICS: Record<MetricName, MetricDef> = {
  accuracy,
  precision,
  recall,
  f1,
  precision_macro: precisionMacro,
  recall_macro: recallMacro,
  f1_macro: f1Macro,
  f1_micro: f1Micro,
  f1_weighted: f1Weighted,
  roc_auc: rocAucMetric,
  pr_auc: prAucMetric,
  log_loss: logLoss,
  brier,
  ece,
  rmse,
  mae,
  r2,
  pass_rate: passRate,
  mean_score: meanScore,
};

export { ECE_BINS };

/** The metrics that apply to this data (validated first): score metrics need the scores they read. */
export function metricsFor(data: EvalData): MetricName[] {
  validateData(data);
  switch (data.kind) {
    case "classification": {
      const names: MetricName[] = [
        "accuracy",
        "precision",
        "recall",
        "f1",
        "precision_macro",
        "recall_macro",
        "f1_macro",
        "f1_micro",
        "f1_weighted",
      ];
      const score = data.positiveScore;
      if (score !== undefined && isBinary(data)) {
        names.push("roc_auc", "pr_auc");
        if (isProbability(score)) names.push("log_loss", "brier", "ece");
      }
      return names;
    }
    case "regression":
      return ["rmse", "mae", "r2"];
    case "score":
      return isBinaryScore(data.score) ? ["pass_rate", "mean_score"] : ["mean_score"];
  }
}
