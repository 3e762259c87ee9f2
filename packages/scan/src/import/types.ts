import type { VulnerabilityFinding } from "../findings/types.js";

export type ImportFormat = "trivy" | "grype" | "sarif";

/** Another scanner's report, read into the common model. */
export interface ImportedReport {
  file: string;
  format: ImportFormat;
  /** The tool that wrote it, as it names itself. */
  scanner: string;
  /** What it scanned, as it says (an image reference). */
  image?: string;
  digest?: string;
  /** The image's layers bottom first, as the findings' `layer` names them (for base-layer rules). */
  layers?: string[];
  findings: VulnerabilityFinding[];
  notes: string[];
}
