import {
  type FindingSource,
  findingKey,
  idsOf,
  severityRank,
  sortFindings,
  type VulnerabilityFinding,
} from "./types.js";

/** When two sources report the same finding, the first in this list speaks for it. */
const PRIORITY: readonly FindingSource[] = ["mlgate", "ecr", "trivy", "grype", "sarif"];

/** Complete `kept` with what `f` knows and `kept` does not. */
function absorb(kept: VulnerabilityFinding, f: VulnerabilityFinding): void {
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

/** Same vulnerability (by any of its ids), package name and version, ecosystem aside (SARIF rarely says it). */
const looseKeys = (f: VulnerabilityFinding) =>
  idsOf(f).map((id) => `${id}|${f.package.name.toLowerCase()}|${f.package.version}`);

/**
 * One finding per vulnerability, package and version across every source. The preferred source's
 * record is kept and completed from the others (fixed versions, layer, path, CVSS, a known severity),
 * and `alsoReportedBy` names who else saw it. A finding that does not say its ecosystem joins the one
 * that does, when exactly one matches. The result is sorted worst first.
 */
export function mergeFindings(lists: readonly (readonly VulnerabilityFinding[])[]): VulnerabilityFinding[] {
  const all = lists.flat().sort((a, b) => PRIORITY.indexOf(a.source) - PRIORITY.indexOf(b.source));
  const byKey = new Map<string, VulnerabilityFinding>();
  const withoutEcosystem: VulnerabilityFinding[] = [];
  for (const f of all) {
    if (f.package.ecosystem === undefined) {
      withoutEcosystem.push(f);
      continue;
    }
    const key = `${findingKey(f)}|${f.package.version}`;
    const kept = byKey.get(key);
    if (kept) absorb(kept, f);
    else {
      byKey.set(key, {
        ...f,
        package: { ...f.package },
        aliases: [...f.aliases],
        fixedVersions: [...f.fixedVersions],
      });
    }
  }
  const loose = new Map<string, Set<VulnerabilityFinding>>();
  const index = (f: VulnerabilityFinding) => {
    for (const key of looseKeys(f)) loose.set(key, (loose.get(key) ?? new Set()).add(f));
  };
  for (const kept of byKey.values()) index(kept);
  const out = [...byKey.values()];
  for (const f of withoutEcosystem) {
    const candidates = new Set(looseKeys(f).flatMap((key) => [...(loose.get(key) ?? [])]));
    if (candidates.size === 1) absorb([...candidates][0] as VulnerabilityFinding, f);
    else {
      const copy = {
        ...f,
        package: { ...f.package },
        aliases: [...f.aliases],
        fixedVersions: [...f.fixedVersions],
      };
      out.push(copy);
      index(copy);
    }
  }
  return sortFindings(out);
}
