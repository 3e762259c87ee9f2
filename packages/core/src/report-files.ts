import { mkdir, writeFile } from "node:fs/promises";
import { dirname, extname } from "node:path";
import { type OutputFormat, render } from "./render/index.js";
import type { Report } from "./report.js";

/** Output format implied by a file name: report.json, report.sarif, junit.xml, summary.md. */
export function formatFromFileName(file: string): OutputFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith(".sarif") || lower.endsWith(".sarif.json")) return "sarif";
  switch (extname(lower)) {
    case ".json":
      return "json";
    case ".md":
    case ".markdown":
      return "markdown";
    case ".xml":
      return "junit";
    case ".txt":
    case ".log":
      return "text";
    default:
      return undefined;
  }
}

/** Write the report to each file, in the format its extension implies (else `fallback`). */
export async function writeReportFiles(
  report: Report,
  files: readonly string[],
  fallback: OutputFormat = "json",
): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, render(report, formatFromFileName(file) ?? fallback));
  }
}
