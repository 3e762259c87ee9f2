import type { VulnerabilityFinding } from "../findings/types.js";
import type { Package } from "../inventory/types.js";
import { versionSchemeFor } from "../versions/index.js";
import { ecosystemRelease, type OsvDatabase } from "./database.js";
import { isAffected } from "./ranges.js";
import { rateAdvisory } from "./severity.js";

/** The fields of an inventoried package that matching reads. */
export type MatchablePackage = Pick<
  Package,
  | "name"
  | "version"
  | "ecosystem"
  | "purl"
  | "sourceName"
  | "sourceVersion"
  | "layer"
  | "path"
  | "distroRelease"
>;

export interface MatchResult {
  findings: VulnerabilityFinding[];
  /** Packages looked up. */
  packages: number;
  /** Things that limited the match, each once with a count, for the report's notes. */
  notes: string[];
}

/** Distributions file advisories under the source package, and version them by the source too. */
function lookupName(p: MatchablePackage): { name: string; version: string } {
  if (p.ecosystem === "Debian" || p.ecosystem === "Ubuntu") {
    return { name: p.sourceName ?? p.name, version: p.sourceVersion ?? p.version };
  }
  if (p.ecosystem === "Alpine") return { name: p.sourceName ?? p.name, version: p.version };
  return { name: p.name, version: p.version };
}

/** `Alpine:v3.19` matches release `v3.19` (or `3.19`); `Ubuntu:22.04:LTS` matches `22.04`; no suffix matches all. */
function releaseMatches(advisoryEcosystem: string, release: string | undefined): boolean | "no-release" {
  const parts = ecosystemRelease(advisoryEcosystem);
  if (parts.length === 0) return true;
  if (release === undefined) return "no-release";
  const wanted = release.replace(/^v?/, "");
  return (parts[0] as string).replace(/^v?/, "") === wanted;
}

/**
 * Match packages against the OSV database with each ecosystem's version ordering. Debian, Ubuntu and
 * Alpine advisories are looked up by source package and must be for the image's release.
 */
export function matchPackages(packages: readonly MatchablePackage[], db: OsvDatabase): MatchResult {
  const findings: VulnerabilityFinding[] = [];
  const counts = { badVersion: 0, noRelease: 0, badRange: 0, unsupportedRange: 0 };
  const badVersionExamples: string[] = [];
  for (const p of packages) {
    const scheme = versionSchemeFor(p.ecosystem);
    if (!scheme) continue;
    const { name, version } = lookupName(p);
    const entries = db.lookup(p.ecosystem, name);
    if (entries.length === 0) continue;
    if (!scheme.isValid(version)) {
      counts.badVersion++;
      if (badVersionExamples.length < 3) badVersionExamples.push(`${p.name} ${version}`);
      continue;
    }
    const seen = new Set<string>();
    for (const { advisory, affected } of entries) {
      const release = releaseMatches(affected.ecosystem, p.distroRelease);
      if (release === "no-release") {
        counts.noRelease++;
        continue;
      }
      if (!release || seen.has(advisory.id)) continue;
      const verdict = isAffected(affected, version, scheme);
      for (const problem of verdict.problems) {
        if (problem === "bad-version") counts.badRange++;
        else counts.unsupportedRange++;
      }
      if (!verdict.affected) continue;
      seen.add(advisory.id);
      const rated = rateAdvisory(advisory, affected);
      const aliases = [...new Set([...advisory.aliases, ...advisory.upstream])].filter(
        (a) => a !== advisory.id,
      );
      findings.push({
        id: advisory.id,
        aliases,
        severity: rated.severity,
        ...(rated.cvss ? { cvss: rated.cvss } : {}),
        package: { name: p.name, version: p.version, ecosystem: affected.ecosystem, purl: p.purl },
        fixedVersions: verdict.fixedVersions,
        layer: p.layer,
        path: p.path,
        ...(advisory.summary ? { title: advisory.summary } : {}),
        ...(advisory.url ? { url: advisory.url } : {}),
        source: "mlgate",
      });
    }
  }
  const notes: string[] = [];
  if (counts.badVersion > 0) {
    notes.push(
      `${counts.badVersion} package(s) have versions their ecosystem's ordering cannot read and were not matched (e.g. ${badVersionExamples.join(", ")}).`,
    );
  }
  if (counts.noRelease > 0) {
    notes.push(
      `${counts.noRelease} release-specific advisory entries were skipped: the image's distribution release is unknown (no /etc/os-release).`,
    );
  }
  if (counts.badRange + counts.unsupportedRange > 0) {
    notes.push(
      `${counts.badRange + counts.unsupportedRange} advisory range(s) could not be evaluated (unreadable versions or unsupported range types); their explicit version lists were still used.`,
    );
  }
  return { findings, packages: packages.length, notes };
}
