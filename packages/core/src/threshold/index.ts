export { closestMatches, didYouMean, editDistance } from "../suggest.js";
export type { EvaluateOptions, ThresholdFunction } from "./evaluate.js";
export {
  CORE_FUNCTIONS,
  compareValues,
  EQUALITY_TOLERANCE,
  evaluateThreshold,
  evaluateThresholds,
  nearlyEqual,
} from "./evaluate.js";
export {
  describeComparator,
  formatBound,
  formatLimit,
  formatMetricName,
  formatSliceName,
  formatThreshold,
  numberInUnit,
} from "./format.js";
export { parseThreshold, parseThresholds } from "./parser.js";
export type { SyntaxErrorDetails } from "./syntax-error.js";
export { ThresholdSyntaxError } from "./syntax-error.js";
export type { Comparator, ParseOptions, Threshold } from "./types.js";
export { COMPARATORS, DEFAULT_FUNCTIONS, MAX_THRESHOLD_LENGTH } from "./types.js";
