import type { Report } from "../report.js";
import { renderJson } from "./json.js";
import { renderJUnit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderSarif } from "./sarif.js";
import { renderText } from "./text.js";

export { escapeMarkdown } from "./escape.js";
export { renderJson } from "./json.js";
export { renderJUnit } from "./junit.js";
export { DEFAULT_MAX_LENGTH, type MarkdownOptions, renderMarkdown } from "./markdown.js";
export { commentMarker } from "./marker.js";
export { renderMermaid } from "./mermaid.js";
export { renderSarif, type SarifOptions } from "./sarif.js";
export { renderText } from "./text.js";

export type OutputFormat = "text" | "json" | "markdown" | "sarif" | "junit";

export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "markdown", "sarif", "junit"];

/** One report in one format, with each renderer's defaults (no colour, no comment marker). */
export function render(report: Report, format: OutputFormat): string {
  switch (format) {
    case "text":
      return renderText(report);
    case "json":
      return renderJson(report);
    case "markdown":
      return renderMarkdown(report);
    case "sarif":
      return renderSarif(report);
    case "junit":
      return renderJUnit(report);
    default:
      throw new TypeError(`unknown output format: ${String(format satisfies never)}`);
  }
}
