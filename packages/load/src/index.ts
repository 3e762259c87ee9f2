export { type LossWatch, lossWatches } from "./abort-early.js";
export { type BodySource, bodyFormatOf, csvBodies, jsonlBodies, readBodies } from "./bodies.js";
export {
  LOAD_TEST,
  type LoadTestOverrides,
  type LoadTestSection,
  loadTestSection,
  parseRampStage,
  parseShard,
  type ResolvedLoadTest,
  resolveLoadTest,
} from "./config.js";
export { expandFileList } from "./file-list.js";
export {
  type CompiledHeaders,
  compileHeaders,
  maskSecrets,
  splitHeaderLine,
  varyingHeaderLines,
} from "./headers.js";
export {
  decodeHistogram,
  encodeHistogram,
  HIGHEST_TRACKABLE,
  type Histogram,
  mergeHistograms,
  newHistogram,
  percentileMs,
  recordMs,
} from "./histogram.js";
export { DEFAULTS, LIMITS } from "./limits.js";
export { type LoadTestInput, runLoadTest } from "./load-test.js";
export { type Counters, type Measurements, totalErrors } from "./measurements.js";
export { checkThresholdNames, metricNames, metricsOf } from "./metrics.js";
export { ERROR_KINDS, type ErrorKind } from "./outcome.js";
export { formatProgress, type Progress } from "./progress.js";
export { parseDuration, parseRate } from "./quantities.js";
export { buildReport, GATE as LOAD_TEST_GATE, inconclusiveReason } from "./report.js";
export { type BodyCheck, compileResponseSchema, loadResponseSchema } from "./response-schema.js";
export {
  decodeResult,
  encodeResult,
  type LoadResult,
  mergeResults,
  RESULT_FORMAT,
  type RunMeta,
  readResultFile,
  writeResultFile,
} from "./result-file.js";
export { ArrivalSchedule, type RateSegment, type Shard } from "./schedule.js";
export { parseTarget, type Target } from "./target.js";
export { TokenStream } from "./token-stream.js";
