import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { readGrype } from "./grype.js";
import { readSarif } from "./sarif.js";
import { readTrivy } from "./trivy.js";
import type { ImportedReport, ImportFormat } from "./types.js";

export const DEFAULT_IMPORT_MAX_BYTES = 512 * 1024 * 1024;

/** Which scanner wrote this document, from its top-level shape. */
export function detectImportFormat(json: unknown): ImportFormat | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  if (o.version === "2.1.0" && Array.isArray(o.runs)) return "sarif";
  if ("SchemaVersion" in o && ("Results" in o || "ArtifactName" in o)) return "trivy";
  if (Array.isArray(o.matches) && ("source" in o || "descriptor" in o || o.matches.length === 0))
    return "grype";
  return undefined;
}

/** Read another scanner's report (Trivy JSON, Grype JSON, SARIF 2.1.0) into the common finding model. */
export async function readImportedReport(
  file: string,
  options: { format?: ImportFormat | "auto"; maxBytes?: number } = {},
): Promise<ImportedReport> {
  const text = await readTextFile(file, "scan report", {
    maxBytes: options.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES,
  });
  const json = parseJsonText(text, file, "scan report");
  const format = options.format && options.format !== "auto" ? options.format : detectImportFormat(json);
  if (!format) {
    const keys =
      typeof json === "object" && json !== null ? Object.keys(json).slice(0, 6).join(", ") : typeof json;
    throw new GateError(`${file} is not a Trivy, Grype or SARIF report (top-level: ${keys || "nothing"})`, {
      location: { file },
      hint: "import `trivy image --format json`, `grype -o json` or any scanner's SARIF 2.1.0 output",
    });
  }
  if (format === "trivy") return readTrivy(json, file);
  if (format === "grype") return readGrype(json, file);
  return readSarif(json, file);
}
