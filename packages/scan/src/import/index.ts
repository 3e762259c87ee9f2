export { readGrype } from "./grype.js";
export { DEFAULT_IMPORT_MAX_BYTES, detectImportFormat, readImportedReport } from "./read.js";
export { readSarif } from "./sarif.js";
export { readTrivy, withRelease } from "./trivy.js";
export type { ImportedReport, ImportFormat } from "./types.js";
