export type { Change, ChangeLevel, CounterExample, RuleFamily, RuleInfo, SourceLocation } from "./change.js";
export {
  diffLoadedSides,
  type LoadedSide,
  type LoadSideOptions,
  loadSchemaContract,
  type SchemaDiffOptions,
  type SchemaDiffResult,
} from "./diff-schemas.js";
export {
  type AcceptedChange,
  applyExceptions,
  type ContractException,
  type ExceptionOutcome,
  exceptionMatches,
} from "./exceptions.js";
export { renderChangelog } from "./gate/changelog.js";
export {
  CONTRACT_DIFF,
  type ContractDiffOverrides,
  type ContractDiffSection,
  contractDiffSection,
  type ResolvedContractDiff,
  resolveContractDiff,
} from "./gate/config.js";
export { ALL_RULES } from "./gate/engines.js";
export { CONTRACT_KINDS, type ContractKind, sniffKind } from "./gate/kind.js";
export { fingerprintOf } from "./gate/report.js";
export { type ContractDiffInput, runContractDiff } from "./gate/run.js";
export type { SchemaRole } from "./json-schema/diff.js";
export { type ContractLimits, contractLimits, DEFAULT_CONTRACT_LIMITS } from "./limits.js";
export { LoadedContract } from "./load/contract.js";
export { type ContractFiles, DiskFiles } from "./load/files.js";
export * from "./proto/index.js";
export type { CounterExampleStats } from "./rules/collector.js";
export { RULES } from "./rules/registry.js";
export * from "./tensor/index.js";
export { type Bump, checkVersion, requiredBump } from "./version-check.js";
