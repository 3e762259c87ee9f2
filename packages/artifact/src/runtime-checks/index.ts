export { compareOutput, DEFAULT_TOLERANCE, identical, nonFiniteIn, type Tolerance } from "./compare.js";
export { syntheticFeeds, toTensorData } from "./feeds.js";
export { DEFAULT_NESTED_LIMITS, flattenNested, type NestedLimits, type NestedTensor } from "./nested.js";
export { DEFAULT_SAMPLE_LIMITS, readSamples, type Sample, type SampleLimits } from "./samples.js";
export { type RuntimeCheckInput, runRuntimeChecks } from "./session-checks.js";
