import type { Finding, FindingLevel, Report } from "@mlgate/core";
import * as runner from "./runner.js";

type AnnotationLevel = "error" | "warning" | "notice";

const LEVEL: Record<FindingLevel, AnnotationLevel> = { fail: "error", warn: "warning", info: "notice" };
const ORDER: FindingLevel[] = ["fail", "warn", "info"];

/** GitHub shows at most this many annotations of each level per step and silently drops the rest. */
export const ANNOTATIONS_PER_LEVEL = 10;

export interface AnnotationBudget {
  /** Slots of each level kept free for messages emitted after the findings (e.g. `setFailed`). */
  reserve?: Partial<Record<AnnotationLevel, number>>;
}

function emit(level: AnnotationLevel, finding: Finding, gate: string): void {
  const properties: runner.AnnotationProperties = {
    title: `${gate}: ${finding.rule}`,
    ...(finding.file ? { file: finding.file } : {}),
    ...(finding.line !== undefined ? { startLine: finding.line } : {}),
    ...(finding.endLine !== undefined ? { endLine: finding.endLine } : {}),
    ...(finding.column !== undefined ? { startColumn: finding.column } : {}),
  };
  if (level === "error") runner.error(finding.message, properties);
  else if (level === "warning") runner.warning(finding.message, properties);
  else runner.notice(finding.message, properties);
}

/**
 * Turn findings anchored in a file into annotations, most severe first, within GitHub's per-step
 * limits. Returns how many were emitted and how many did not fit.
 */
export function annotateFindings(
  report: Report,
  budget: AnnotationBudget = {},
): { shown: number; hidden: number } {
  let shown = 0;
  let hidden = 0;
  for (const level of ORDER) {
    const kind = LEVEL[level];
    const limit = Math.max(0, ANNOTATIONS_PER_LEVEL - (budget.reserve?.[kind] ?? 0));
    const findings = report.findings.filter((f) => f.file && f.level === level);
    for (const f of findings.slice(0, limit)) emit(kind, f, report.gate);
    shown += Math.min(limit, findings.length);
    hidden += Math.max(0, findings.length - limit);
  }
  if (hidden > 0) {
    runner.info(
      `${hidden} more finding(s) with a file location are not shown as annotations (GitHub shows ${ANNOTATIONS_PER_LEVEL} per level per step); see the job summary or the report file.`,
    );
  }
  return { shown, hidden };
}
