/** scan-image: the serving image carries no vulnerability the team has not accepted. */
export * from "./config.js";
export * from "./ecr/index.js";
export * from "./findings/index.js";
export * from "./image-index.js";
export * from "./import/index.js";
export * from "./osv/index.js";
export * from "./policy/index.js";
export {
  buildScanReport,
  REPORT_MAX_FINDINGS,
  type ReportContext,
  SCAN_IMAGE,
  severityCounts,
} from "./report/build-report.js";
export { parseDurationMs } from "./report/durations.js";
export { modelFileFindings } from "./report/model-files.js";
export { type ResultsImage, resultsDocument } from "./report/results.js";
export {
  imageCategory,
  SARIF_MAX_RESULTS,
  type ScanSarif,
  type ScanSarifOptions,
  scanSarif,
} from "./report/sarif.js";
export { runScanImage, type ScanImageInput } from "./scan-gate.js";
export * from "./versions/index.js";
