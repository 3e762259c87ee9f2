/**
 * Semantic versioning of the contract: the version the head declares must be at least the bump
 * its changes need (breaking → major, any other change → minor; below 1.0.0 each steps down one).
 */
import semver from "semver";
import type { ChangeLevel } from "./change.js";

export type Bump = "major" | "minor" | "patch" | "none";

const RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export function requiredBump(levels: readonly ChangeLevel[], baseVersion: string): Bump {
  const initial = semver.valid(baseVersion) !== null && semver.major(baseVersion) === 0;
  if (levels.includes("breaking")) return initial ? "minor" : "major";
  if (levels.length > 0) return initial ? "patch" : "minor";
  return "none";
}

/** The bump from base to head, or undefined when head is not above base. */
export function actualBump(baseVersion: string, headVersion: string): Bump | undefined {
  if (!semver.gt(headVersion, baseVersion)) return semver.eq(headVersion, baseVersion) ? "none" : undefined;
  const base = semver.parse(baseVersion)!;
  const head = semver.parse(headVersion)!;
  if (head.major !== base.major) return "major";
  if (head.minor !== base.minor) return "minor";
  return "patch";
}

export type VersionVerdict =
  | { ok: true; required: Bump; actual: Bump }
  | { ok: false; reason: string; required: Bump };

export function checkVersion(
  baseVersion: string,
  headVersion: string,
  levels: readonly ChangeLevel[],
): VersionVerdict {
  const required = requiredBump(levels, baseVersion);
  for (const [side, v] of [
    ["base", baseVersion],
    ["head", headVersion],
  ] as const) {
    if (semver.valid(v) === null) {
      return {
        ok: false,
        required,
        reason: `the ${side} version "${v}" is not a semantic version (MAJOR.MINOR.PATCH)`,
      };
    }
  }
  const actual = actualBump(baseVersion, headVersion);
  if (actual === undefined) {
    return { ok: false, required, reason: `the version went down from ${baseVersion} to ${headVersion}` };
  }
  if (RANK[actual] < RANK[required]) {
    const what = required === "major" ? "breaking changes" : "changes";
    const next = semver.inc(baseVersion, required === "none" ? "patch" : required);
    return {
      ok: false,
      required,
      reason: `version ${baseVersion} → ${headVersion} is a ${actual === "none" ? "no-op" : actual} bump, but the ${what} need a ${required} bump (at least ${next})`,
    };
  }
  return { ok: true, required, actual };
}
