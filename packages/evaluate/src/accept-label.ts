import { parseThreshold, type Report, verdictOf } from "@mlgate/core";

/** The default name of the pull-request label that accepts regressions against the baseline. */
export const DEFAULT_ACCEPT_LABEL = "mlgate:accept-regression";

/** A pull request carries the accepting label; who applied it, when known. */
export interface LabelAcceptance {
  label: string;
  /** Login of whoever applied the label (from the pull request's event history). */
  by?: string;
  /** When it was applied (ISO time). */
  at?: string;
}

/** Only comparisons with the baseline (`delta()`, `ratio()`) can be let through by a label. */
function comparesWithBaseline(checkName: string): boolean {
  try {
    const t = parseThreshold(checkName);
    return t.fn === "delta" || t.fn === "ratio";
  } catch {
    return false;
  }
}

/**
 * Let failing comparisons with the baseline through because the pull request carries the accepting
 * label: each becomes a warning that names the label and who applied it. Absolute thresholds,
 * must-pass examples, behavioural tests' own thresholds and baseline checks are not waived by a
 * label; they need a reviewed `accept:` entry in mlgate.yml.
 */
export function applyLabelAcceptance(report: Report, acceptance: LabelAcceptance): Report {
  if (report.verdict === "error") return report;
  const who = acceptance.by
    ? `applied by ${acceptance.by}${acceptance.at ? ` on ${acceptance.at.slice(0, 10)}` : ""}`
    : "who applied it is not known";
  const accepted: string[] = [];
  const refused: string[] = [];
  const checks = report.checks.map((c) => {
    if (c.status !== "fail") return c;
    if (!comparesWithBaseline(c.name)) {
      refused.push(c.name);
      return c;
    }
    accepted.push(c.name);
    const message = `accepted by label "${acceptance.label}", ${who}. ${c.message ?? ""}`.trim();
    return { ...c, status: "warn" as const, message };
  });
  const still =
    refused.length > 0 ? ` Still failing, as a label cannot waive them: ${refused.join("; ")}.` : "";
  const note = `The pull request carries the label "${acceptance.label}" (${who}): ${accepted.length} failing comparison(s) with the baseline accepted as warnings. Absolute thresholds, must-pass examples, behavioural tests and baseline checks are never waived by a label.${still}`;
  if (accepted.length === 0) return { ...report, notes: [...(report.notes ?? []), note] };
  const verdict = verdictOf(report.findings, checks);
  const headline =
    refused.length > 0 || verdict === "fail"
      ? `${report.headline}; ${accepted.length} regression(s) accepted by label "${acceptance.label}" (${who})`
      : `passed with ${accepted.length} regression(s) accepted by label "${acceptance.label}" (${who}): ${accepted.join("; ")}`;
  return { ...report, checks, verdict, headline, notes: [...(report.notes ?? []), note] };
}
