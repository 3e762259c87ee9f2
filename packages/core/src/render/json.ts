import type { Report } from "../report.js";

/** The report as the action writes it to its report file: pretty JSON with a trailing newline. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
