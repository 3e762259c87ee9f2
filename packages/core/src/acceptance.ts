import type { Report } from "./report.js";
import { verdictOf, worstVerdict } from "./report.js";

/** A regression the team has decided to ship, recorded with who decided and why. */
export interface Acceptance {
  /** The exact check name (`slice(apac): delta(recall) >= -0.03`), or */
  check?: string;
  /** every check on this metric (`f1` matches `delta(f1) >= -0.01` and `slice(fr): f1 >= 0.8`). */
  metric?: string;
  reason: string;
  by?: string;
  /** ISO date after which the acceptance no longer applies. */
  expires?: string;
}

function matches(a: Acceptance, checkName: string): boolean {
  if (a.check !== undefined) return a.check.trim() === checkName.trim();
  if (a.metric === undefined) return false;
  // The metric as a whole word of the check, not as part of another name (f1 must not match f1_macro).
  const escaped = a.metric.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\w.])${escaped}($|[^\\w.])`).test(checkName);
}

/**
 * Let accepted regressions through: a failing check an acceptance names becomes a warning that
 * carries the reason and who accepted it. Expired acceptances no longer apply and say so.
 */
export function applyAcceptances(
  report: Report,
  acceptances: readonly Acceptance[],
  now = new Date(),
): Report {
  if (acceptances.length === 0 || report.verdict === "error") return report;
  const findings = [...report.findings];
  const live = acceptances.filter((a) => {
    if (a.expires === undefined) return true;
    const expiry = new Date(a.expires);
    if (Number.isNaN(expiry.getTime()) || expiry >= now) return true;
    findings.push({
      rule: "acceptance.expired",
      level: "warn",
      message: `the acceptance of ${a.check ?? a.metric} expired on ${a.expires} and no longer applies (${a.reason})`,
    });
    return false;
  });
  const accepted: string[] = [];
  const checks = report.checks.map((c) => {
    if (c.status !== "fail") return c;
    const a = live.find((x) => matches(x, c.name));
    if (!a) return c;
    const who = a.by ? `accepted by ${a.by}` : "accepted";
    accepted.push(`${c.name} (${who}: ${a.reason})`);
    return { ...c, status: "warn" as const, message: `${who}: ${a.reason}. ${c.message ?? ""}`.trim() };
  });
  if (accepted.length === 0 && findings.length === report.findings.length) return report;
  const verdict = worstVerdict(verdictOf(findings, checks));
  const stillFailing = checks.filter((c) => c.status === "fail").length;
  const headline =
    accepted.length === 0
      ? report.headline
      : stillFailing > 0
        ? `${report.headline}; ${accepted.length} accepted regression(s): ${accepted.join("; ")}`
        : `passed with ${accepted.length} accepted regression(s): ${accepted.join("; ")}`;
  return { ...report, checks, findings, verdict, headline };
}
