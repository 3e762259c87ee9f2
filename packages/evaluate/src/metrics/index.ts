export {
  type ClassificationData,
  type EncodeOptions,
  type EvalData,
  encodeClassification,
  type RegressionData,
  type ScoreData,
} from "./data.js";
export { perClassMetrics } from "./per-class.js";
export { ECE_BINS, METRICS, metricsFor } from "./registry.js";
export type { MetricDef, MetricName, PreparedMetric } from "./types.js";
