import semver from "semver";

/**
 * Semantic versions (npm packages, OSV `SEMVER` ranges), by the `semver` package: precedence per
 * SemVer 2.0 (build metadata ignored). A leading `v` or `=` is accepted, as npm accepts it.
 */
export function parseSemver(text: string): semver.SemVer | undefined {
  if (text.length > 256) return undefined;
  return semver.parse(text.trim(), { loose: true }) ?? undefined;
}

export function compareParsedSemver(a: semver.SemVer, b: semver.SemVer): number {
  return a.compare(b);
}
