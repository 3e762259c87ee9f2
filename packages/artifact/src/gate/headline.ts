import { type Check, formatValue, type Metric, type Verdict } from "@mlgate/core";

function why(list: readonly Check[]): string {
  const shown = list.slice(0, 3).map((c) => c.message ?? c.name);
  return shown.join("; ") + (list.length > 3 ? `; and ${list.length - 3} more` : "");
}

/** One line: what was decided, about which model, and the checks that decided it. */
export function headlineOf(
  verdict: Verdict,
  checks: readonly Check[],
  about: { label: string; format: string; profile: string | undefined; metrics: Record<string, Metric> },
): string {
  const judged = checks.filter((c) => c.status !== "skip");
  const failed = judged.filter((c) => c.status === "fail");
  const warned = judged.filter((c) => c.status === "warn");
  if (failed.length > 0)
    return `${about.label}: ${failed.length} of ${judged.length} checks failed: ${why(failed)}`;
  const params = about.metrics.parameters
    ? `, ${formatValue(about.metrics.parameters.value)} parameters`
    : "";
  const size = about.metrics.file_size ? `, ${formatValue(about.metrics.file_size.value, "bytes")}` : "";
  const profile = about.profile ? ` (${about.profile} profile)` : "";
  const what = `${about.label} (${about.format}${size}${params})`;
  if (verdict === "warn" || warned.length > 0) {
    return `${what} passed with ${warned.length} warning(s)${profile}: ${why(warned)}`;
  }
  return `${what} passed all ${judged.length} checks${profile}`;
}
