import { compareFindings, type FindingSource, findingKey, severityRank, type VulnerabilityFinding } from "./types.js";

/** When two sources report the same finding, the first in this list speaks for it. */
const PRIORITY: readonly FindingSource[] = ["mlgate", "ecr", "trivy", "grype", "sarif"];

/**
 * One finding per vulnerability, package and version across every source. The preferred source's
 * record is kept and completed from the others (fixed versions, layer, path, CVSS, a known severity),
 * and `alsoReportedBy` names who else saw it. The result is sorted worst first.
 */
export function mergeFindings(lists: readonly (readonly VulnerabilityFinding[])[]): VulnerabilityFinding[] {
  const all = lists.flat().sort((a, b) => PRIORITY.indexOf(a.source) - PRIORITY.indexOf(b.source));
  const byKey = new Map<string, VulnerabilityFinding>();
  for (const f of all) {
    const key = `${findingKey(f)}|${f.package.version}`;
    const kept = byKey.get(key);
    if (!kept) {
      byKey.set(key, {
        ...f,
        package: { ...f.package },
        aliases: [...f.aliases],
        fixedVersions: [...f.fixedVersions],
      });
      continue;
    }
    if (kept.source !== f.source && !kept.alsoReportedBy?.includes(f.source)) {
      kept.alsoReportedBy = [...(kept.alsoReportedBy ?? []), f.source];
    }
    for (const alias of [f.id, ...f.aliases]) {
      if (alias !== kept.id && !kept.aliases.includes(alias)) kept.aliases.push(alias);
    }
    for (const v of f.fixedVersions) if (!kept.fixedVersions.includes(v)) kept.fixedVersions.push(v);
    if (kept.severity === "unknown" && severityRank(f.severity) > 0) kept.severity = f.severity;
    kept.cvss ??= f.cvss;
    kept.layer ??= f.layer;
    kept.path ??= f.path;
    kept.title ??= f.title;
    kept.url ??= f.url;
    kept.package.purl ??= f.package.purl;
    kept.package.ecosystem ??= f.package.ecosystem;
    if (f.exploitAvailable) kept.exploitAvailable = true;
  }
  return [...byKey.values()].sort(compareFindings);
}
