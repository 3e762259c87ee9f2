export { type BaselineFacts, type BaselinePolicy, baselineChecks } from "./checks.js";
export { formatAge, parseDuration } from "./duration.js";
export { type ConfigFile, canonicalJson, configFingerprint, evalSetFingerprint } from "./fingerprint.js";
export { type BaselineFiles, baselineFilesIn } from "./from-dir.js";
export {
  BASELINE_META_FILE,
  type BaselineMeta,
  baselineMetaSchema,
  metaBeside,
  readBaselineMeta,
} from "./meta.js";
export { type SaveBaselineInput, type SavedBaseline, saveBaseline } from "./save.js";
export { type BaselineSpec, describeSpec, isRemoteBaseline, parseBaselineSpec } from "./spec.js";
