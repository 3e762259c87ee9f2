import type { Check, CheckStatus, Finding, FindingLevel, Metric } from "@mlgate/core";

/** What one stage of the gate contributes to the report. */
export interface Outcome {
  checks: Check[];
  findings: Finding[];
  metrics: Record<string, Metric>;
}

export function emptyOutcome(): Outcome {
  return { checks: [], findings: [], metrics: {} };
}

/** Fold several stages into one, in order. */
export function mergeOutcomes(...parts: readonly Outcome[]): Outcome {
  const out = emptyOutcome();
  for (const part of parts) {
    out.checks.push(...part.checks);
    out.findings.push(...part.findings);
    Object.assign(out.metrics, part.metrics);
  }
  return out;
}

const STATUS_OF: Record<FindingLevel, CheckStatus> = { fail: "fail", warn: "warn", info: "pass" };
const RANK: Record<CheckStatus, number> = { pass: 0, skip: 0, warn: 1, fail: 2 };

/** The worst status the findings imply: any fail fails, any warning warns. */
export function statusOf(findings: readonly Finding[]): CheckStatus {
  let status: CheckStatus = "pass";
  for (const f of findings) if (RANK[STATUS_OF[f.level]] > RANK[status]) status = STATUS_OF[f.level];
  return status;
}

/**
 * One row of the checks table summarising the findings of one policy item: its status is the worst
 * of them and its detail the first problem (with how many more there are).
 */
export function checkFrom(
  name: string,
  findings: readonly Finding[],
  passed: { actual?: string; expected?: string; message?: string } = {},
): Check {
  const status = statusOf(findings);
  const problems = findings.filter((f) => f.level !== "info");
  if (status === "pass") return { name, status, ...passed };
  const first = problems[0]?.message ?? "";
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return {
    name,
    status,
    ...(passed.actual === undefined ? {} : { actual: passed.actual }),
    ...(passed.expected === undefined ? {} : { expected: passed.expected }),
    message: `${first}${more}`,
  };
}

export function skipped(name: string, why: string): Check {
  return { name, status: "skip", message: why };
}

/**
 * Keep at most `perRule` findings of each rule, replacing the rest with one finding that counts
 * them: a hostile file with a million bad entries must not become a million-line report.
 */
export function capFindings(findings: readonly Finding[], perRule = 20): Finding[] {
  const seen = new Map<string, number>();
  const out: Finding[] = [];
  for (const f of findings) {
    const n = (seen.get(f.rule) ?? 0) + 1;
    seen.set(f.rule, n);
    if (n <= perRule) out.push(f);
  }
  for (const [rule, n] of seen) {
    if (n <= perRule) continue;
    const sample = findings.find((f) => f.rule === rule)!;
    out.push({
      rule,
      level: sample.level,
      message: `and ${n - perRule} more ${rule} finding(s) like the above`,
      ...(sample.file === undefined ? {} : { file: sample.file }),
    });
  }
  return out;
}
