import { semverVersions, type VersionScheme } from "../versions/index.js";
import type { OsvAffected, OsvEvent, OsvRange } from "./advisory.js";

/** Why a range could not be evaluated (counted and reported, never silently treated as "not affected"). */
export type RangeProblem = "unsupported-type" | "bad-version";

export interface AffectedVerdict {
  affected: boolean;
  /** Fix versions of the ranges the version falls in, above the version, lowest first. */
  fixedVersions: string[];
  problems: RangeProblem[];
}

function eventVersion(e: OsvEvent): string {
  if ("introduced" in e) return e.introduced;
  if ("fixed" in e) return e.fixed;
  if ("last_affected" in e) return e.last_affected;
  return e.limit;
}

/** `introduced: "0"` means "from the first version", whatever the ecosystem. */
const isOrigin = (e: OsvEvent) => "introduced" in e && e.introduced === "0";

/**
 * OSV's range evaluation: walk the events in version order; an `introduced` at or below the version
 * makes it affected, a `fixed` at or below or a `last_affected` below makes it unaffected again, the
 * last applicable event wins; a `limit` at or below the version puts it outside the range.
 */
export function rangeIncludes(
  range: OsvRange,
  version: string,
  scheme: VersionScheme,
): { included: boolean; fixed: string[] } | RangeProblem {
  const order = range.type === "SEMVER" ? semverVersions : range.type === "ECOSYSTEM" ? scheme : undefined;
  if (!order) return "unsupported-type";
  for (const e of range.events) if (!isOrigin(e) && !order.isValid(eventVersion(e))) return "bad-version";
  if (!order.isValid(version)) return "bad-version";
  const events = [...range.events].sort((a, b) => {
    if (isOrigin(a) || isOrigin(b)) return Number(isOrigin(b)) - Number(isOrigin(a));
    return order.compare(eventVersion(a), eventVersion(b));
  });
  let included = false;
  for (const e of events) {
    if ("introduced" in e) {
      if (isOrigin(e) || order.compare(e.introduced, version) <= 0) included = true;
    } else if ("fixed" in e) {
      if (order.compare(e.fixed, version) <= 0) included = false;
    } else if ("last_affected" in e) {
      if (order.compare(e.last_affected, version) < 0) included = false;
    }
  }
  for (const e of events) if ("limit" in e && order.compare(e.limit, version) <= 0) included = false;
  const fixed = included
    ? events
        .filter((e): e is { fixed: string } => "fixed" in e && order.compare(e.fixed, version) > 0)
        .map((e) => e.fixed)
        .slice(0, 1)
    : [];
  return { included, fixed };
}

/** Is `version` affected by this entry, by its ranges or its explicit list of versions? */
export function isAffected(affected: OsvAffected, version: string, scheme: VersionScheme): AffectedVerdict {
  const verdict: AffectedVerdict = { affected: false, fixedVersions: [], problems: [] };
  for (const range of affected.ranges) {
    const result = rangeIncludes(range, version, scheme);
    if (typeof result === "string") {
      // GIT ranges describe commits; the entry's versions list covers them.
      if (!(result === "unsupported-type" && range.type === "GIT")) verdict.problems.push(result);
      continue;
    }
    if (result.included) {
      verdict.affected = true;
      for (const f of result.fixed) if (!verdict.fixedVersions.includes(f)) verdict.fixedVersions.push(f);
    }
  }
  if (!verdict.affected && affected.versions.length > 0) {
    const valid = scheme.isValid(version);
    verdict.affected = affected.versions.some((v) =>
      v === version ? true : valid && scheme.isValid(v) ? scheme.compare(v, version) === 0 : false,
    );
  }
  if (verdict.fixedVersions.length > 1 && scheme.isValid(version)) {
    verdict.fixedVersions.sort((a, b) => (scheme.isValid(a) && scheme.isValid(b) ? scheme.compare(a, b) : 0));
  }
  return verdict;
}
