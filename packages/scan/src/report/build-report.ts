import {
  type Chart,
  type Check,
  evaluateThresholds,
  type Finding,
  type Metric,
  makeReport,
  parseThresholds,
  type Report,
  verdictOf,
  worstVerdict,
} from "@mlgate/core";
import { canonicalId, SEVERITIES, type Severity, sortFindings } from "../findings/types.js";
import type { JudgedFinding, PolicyResult, PolicySettings } from "../policy/evaluate.js";
import type { IgnoreRule } from "../policy/ignore-file.js";

export const SCAN_IMAGE = "scan-image";

/** The report lists at most this many vulnerability findings (the worst); the results file has them all. */
export const REPORT_MAX_FINDINGS = 5000;

export interface ReportContext {
  image: string;
  digest?: string;
  policy: PolicySettings;
  result: PolicyResult;
  /** Counts by severity of the baseline, for delta() gates. */
  baselineCounts?: Record<string, number>;
  hasBaseline: boolean;
  gates: readonly string[];
  extraFindings: Finding[];
  extraMetrics: Record<string, Metric>;
  notes: string[];
  outputs: Record<string, string>;
  /** Layer number (1-based) of a layer digest, for messages. */
  layerNumber: (digest: string) => number | undefined;
  now: Date;
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

function describeFinding(f: JudgedFinding, layerNumber: ReportContext["layerNumber"]): string {
  const id = canonicalId(f);
  const others = [f.id, ...f.aliases].filter((a) => a !== id).slice(0, 3);
  const score = f.cvss?.score !== undefined ? `, CVSS ${f.cvss.score}` : "";
  const fix = f.fixedVersions.length
    ? `fixed in ${f.fixedVersions.join(", ")}`
    : f.fixPartial
      ? "fixed for some packages"
      : "no fix yet";
  const layer = f.layer ? layerNumber(f.layer) : undefined;
  const where = [
    f.status === "new" ? "new" : "unchanged",
    layer !== undefined
      ? `layer ${layer}${f.layerKind ? ` (${f.layerKind})` : ""}`
      : f.layerKind
        ? `${f.layerKind} layer`
        : undefined,
    f.path,
    f.exploitAvailable ? "exploit known" : undefined,
  ].filter(Boolean);
  const accepted = f.suppressed
    ? ` — accepted by ${f.suppressed.by === "vex" ? "a VEX statement" : `the ignore file${f.suppressed.acceptedBy ? ` (${f.suppressed.acceptedBy})` : ""}`}: ${f.suppressed.reason}${f.suppressed.expires ? ` (until ${f.suppressed.expires})` : ""}`
    : "";
  return `${id}${others.length ? ` (${others.join(", ")})` : ""} in ${f.package.name} ${f.package.version}: ${f.severity}${score}, ${fix} [${where.join(", ")}]${f.because ? ` — blocks: ${f.because}` : ""}${accepted}`;
}

/** The finding's facts for machines (and for the next run's baseline). */
function vulnerabilityProperties(f: JudgedFinding): Record<string, unknown> {
  return {
    vulnerability: {
      id: f.id,
      aliases: f.aliases,
      severity: f.severity,
      ...(f.cvss ? { cvss: f.cvss } : {}),
      package: f.package,
      fixedVersions: f.fixedVersions,
      ...(f.layer ? { layer: f.layer } : {}),
      ...(f.path ? { path: f.path } : {}),
      ...(f.title ? { title: f.title } : {}),
      ...(f.url ? { url: f.url } : {}),
      source: f.source,
      ...(f.alsoReportedBy ? { alsoReportedBy: f.alsoReportedBy } : {}),
      key: f.key,
      status: f.status,
      blocking: f.blocking,
      ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    },
  };
}

function ignoreFinding(rule: IgnoreRule, kind: "expired" | "unused"): Finding {
  const scope = [rule.package, rule.purl, rule.path].filter(Boolean).join(", ");
  return {
    rule: `ignore.${kind}`,
    level: kind === "expired" ? "fail" : "info",
    message:
      kind === "expired"
        ? `the ignore of ${rule.id} (${scope}) expired on ${rule.expires}: fix the vulnerability, or renew the entry with a new date and reason (${rule.reason})`
        : `the ignore of ${rule.id} (${scope}) matched no finding; remove it if the vulnerability is gone`,
    file: rule.file,
    ...(rule.line !== undefined ? { line: rule.line } : {}),
  };
}

/** Counts of findings the policy did not accept, by severity. */
export function severityCounts(findings: readonly JudgedFinding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.suppressed) counts[f.severity]++;
  return counts;
}

export function buildScanReport(ctx: ReportContext): Report {
  const { result, policy } = ctx;
  const findings = sortFindings([...result.findings], (a, b) => Number(b.blocking) - Number(a.blocking));
  const live = findings.filter((f) => !f.suppressed);
  const counts = severityCounts(findings);
  const blocking = findings.filter((f) => f.blocking);
  const fresh = live.filter((f) => f.status === "new");
  const fixable = live.filter((f) => f.fixedVersions.length > 0);
  const metric = (value: number, description: string, baseline?: number): Metric => ({
    value,
    dimension: "count",
    description,
    ...(baseline !== undefined ? { baseline } : {}),
  });
  const metrics: Record<string, Metric> = {};
  for (const s of SEVERITIES) {
    metrics[s] = metric(
      counts[s],
      `${s} findings not accepted`,
      ctx.hasBaseline ? (ctx.baselineCounts?.[s] ?? 0) : undefined,
    );
  }
  Object.assign(metrics, {
    total: metric(
      live.length,
      "findings not accepted",
      ctx.hasBaseline ? ctx.baselineCounts?.total : undefined,
    ),
    blocking: metric(blocking.length, "findings that fail the gate"),
    fixable: metric(fixable.length, "findings with a fixed version"),
    new: metric(fresh.length, "findings not in the baseline"),
    unchanged: metric(live.length - fresh.length, "findings also in the baseline"),
    fixed: metric(result.fixed.length, "baseline findings no longer present"),
    ignored: metric(findings.length - live.length, "findings accepted by the ignore file or VEX"),
    expired_ignores: metric(result.expiredIgnores.length, "ignore-file entries past their expiry date"),
    ...ctx.extraMetrics,
  });

  const checks: Check[] = [
    {
      name:
        policy.failOn === "none"
          ? "no always-fail vulnerabilities"
          : `no vulnerabilities >= ${policy.failOn}${policy.onlyFixed ? " with a fix" : ""}${policy.onlyNew ? " that are new" : ""}`,
      status: blocking.length > 0 ? "fail" : "pass",
      actual: String(blocking.length),
      expected: "0",
      ...(blocking.length > 0
        ? {
            message: `${plural(blocking.length, "blocking finding")}: ${blocking
              .slice(0, 3)
              .map((f) => canonicalId(f))
              .join(", ")}${blocking.length > 3 ? ", …" : ""}`,
          }
        : {}),
    },
    {
      name: "no expired ignore-file entries",
      status: result.expiredIgnores.length > 0 ? "fail" : "pass",
      actual: String(result.expiredIgnores.length),
      expected: "0",
    },
    ...evaluateThresholds(parseThresholds(ctx.gates), metrics),
  ];

  // Blocking first, then shown, then accepted; capped, the worst kept.
  const listed = findings.filter((f) => f.blocking || f.shown);
  const kept = listed.slice(0, REPORT_MAX_FINDINGS);
  const dropped = listed.length - kept.length;
  const vulnFindings: Finding[] = kept.map((f) => ({
    rule: f.blocking ? "vulnerability.blocking" : f.suppressed ? "vulnerability.accepted" : "vulnerability",
    level: f.blocking ? "fail" : f.suppressed ? "info" : "warn",
    message: describeFinding(f, ctx.layerNumber),
    properties: vulnerabilityProperties(f),
  }));
  const reportFindings: Finding[] = [
    ...vulnFindings.filter((f) => f.level === "fail"),
    ...result.expiredIgnores.map((r) => ignoreFinding(r, "expired")),
    ...vulnFindings.filter((f) => f.level !== "fail"),
    ...ctx.extraFindings,
    ...result.unusedIgnores.map((r) => ignoreFinding(r, "unused")),
  ];

  const notes = [...ctx.notes, ...result.baselineNotes];
  if (dropped > 0) {
    notes.push(
      `The report lists the ${kept.length} worst of ${listed.length} findings; ${dropped} less severe ones are only in the results file.`,
    );
  }
  const hidden = live.filter((f) => !f.shown).length;
  if (hidden > 0)
    notes.push(
      `${plural(hidden, "finding")} below the show threshold (${policy.show}) are counted but not listed.`,
    );
  if (result.fixed.length > 0) {
    const sample = result.fixed.slice(0, 10).map((f) => `${canonicalId(f)} in ${f.package.name}`);
    notes.push(
      `Fixed since the baseline: ${sample.join(", ")}${result.fixed.length > 10 ? `, and ${result.fixed.length - 10} more` : ""}.`,
    );
  }

  const charts: Chart[] =
    live.length > 0
      ? [
          {
            kind: "bar",
            title: "Findings by severity",
            x: SEVERITIES.filter((s) => s !== "unknown" || counts.unknown > 0),
            yLabel: "findings",
            series: [
              {
                name: "new",
                values: SEVERITIES.filter((s) => s !== "unknown" || counts.unknown > 0).map(
                  (s) => fresh.filter((f) => f.severity === s).length,
                ),
              },
              ...(ctx.hasBaseline
                ? [
                    {
                      name: "unchanged",
                      values: SEVERITIES.filter((s) => s !== "unknown" || counts.unknown > 0).map(
                        (s) => live.filter((f) => f.severity === s && f.status === "unchanged").length,
                      ),
                    },
                  ]
                : []),
            ],
          },
        ]
      : [];

  const verdict = worstVerdict(verdictOf(reportFindings, checks));
  const summary = `${counts.critical} critical, ${counts.high} high, ${counts.medium} medium, ${counts.low} low`;
  const headline =
    blocking.length > 0
      ? `${plural(blocking.length, "blocking vulnerability", "blocking vulnerabilities")} in ${ctx.image} (${blocking.filter((f) => f.fixedVersions.length > 0).length} fixable; ${summary}${ctx.hasBaseline ? `; ${fresh.length} new` : ""})`
      : result.expiredIgnores.length > 0
        ? `${plural(result.expiredIgnores.length, "ignore-file entry", "ignore-file entries")} expired; no blocking vulnerabilities in ${ctx.image} (${summary})`
        : verdict === "fail"
          ? `${ctx.image}: ${checks
              .filter((c) => c.status === "fail")
              .map((c) => c.name)
              .join("; ")} failed (${summary})`
          : `no blocking vulnerabilities in ${ctx.image} (${summary}${ctx.hasBaseline ? `; ${fresh.length} new, ${result.fixed.length} fixed` : ""})`;

  return makeReport({
    gate: SCAN_IMAGE,
    verdict,
    headline,
    findings: reportFindings,
    checks,
    metrics,
    charts,
    notes,
    outputs: {
      ...ctx.outputs,
      critical: String(counts.critical),
      high: String(counts.high),
      medium: String(counts.medium),
      low: String(counts.low),
      new: String(fresh.length),
      fixed: String(result.fixed.length),
      blocking: String(blocking.length),
      findings: String(listed.length),
      "listed-findings": String(kept.length),
      image: ctx.image,
      ...(ctx.digest ? { digest: ctx.digest } : {}),
    },
    startedAt: ctx.now.toISOString(),
  });
}
