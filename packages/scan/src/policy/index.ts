export {
  type Baseline,
  type BaselineComparison,
  compareWithBaseline,
  RESULTS_SCHEMA,
  readBaseline,
} from "./baseline.js";
export {
  applyPolicy,
  baseLayerSet,
  DEFAULT_POLICY,
  type FailRule,
  type JudgedFinding,
  type PolicyInput,
  type PolicyResult,
  type PolicySettings,
  type Suppression,
} from "./evaluate.js";
export {
  type IgnoreEntry,
  type IgnoreRule,
  ignoreEntrySchema,
  ignoreFileSchema,
  isExpired,
  readIgnoreFile,
  VEX_JUSTIFICATIONS,
} from "./ignore-file.js";
export {
  decidingStatement,
  type IgnoreUse,
  ignoresToOpenVex,
  OPENVEX_CONTEXT,
  parseOpenVex,
  readOpenVex,
  statementCovers,
  type VexDocument,
  type VexImage,
  type VexProduct,
  type VexStatement,
  type VexStatus,
} from "./openvex.js";
export { type PurlIdentity, parsePurl, purlMatches } from "./purl.js";
