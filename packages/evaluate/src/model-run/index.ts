export { parseBatchSize, parseClassLabels, parseFeatureColumns, parseModelOutputs } from "./flags.js";
export {
  describeModelRun,
  type EvalGateModelsOptions,
  type EvalGateModelsResult,
  modelRunPaths,
  runModelsForEvalGate,
} from "./for-eval-gate.js";
export { type ModelFlags, plannedModelFiles, runModelsInto } from "./into-input.js";
export { shortestFloat32 } from "./numbers.js";
export { DEFAULT_BATCH_SIZE, runModelOnDataset } from "./run-model.js";
export {
  type DatasetColumns,
  type DatasetFormat,
  type DatasetLimits,
  DEFAULT_DATASET_LIMITS,
  type ModelOutputs,
  type ModelRunSummary,
  type ModelTask,
  type ProducedItems,
  type RunModelOptions,
} from "./types.js";
