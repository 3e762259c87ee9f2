export { type DetectedFormat, detectFormat, type FormatDetection } from "./detect.js";
export { DEFAULT_LIMITS, type ScanLimits } from "./limits.js";
export {
  type AllowEntry,
  classifyGlobal,
  DANGEROUS_GLOBALS,
  DEFAULT_ALLOWLIST,
  type GlobalStatus,
  validateAllowEntries,
} from "./policy.js";
export type { GlobalSummary, PickleScanResult, ScanFormat } from "./report.js";
export { type ScanOptions, scanModelFile, scanPickleBytes } from "./scan-file.js";
