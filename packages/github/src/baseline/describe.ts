import type { Link } from "@mlgate/core";
import type { ResolvedBaseline } from "./types.js";

/** What a report says about the baseline it compared against. */
export interface BaselineDescription {
  /** One sentence: which artifact or asset, from which run or release, which commit, how old. */
  summary: string;
  links: Link[];
  /** When the baseline was made (the artifact's or the asset's creation time). */
  createdAt: string;
  /** The commit it was measured on, when known. */
  commit?: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** `3 days`, `5 hours`, `under an hour`: how old, roughly, the way people say it. */
export function roughAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < HOUR) return "under an hour";
  if (ms < 2 * DAY) {
    const h = Math.floor(ms / HOUR);
    return `${h} hour${h === 1 ? "" : "s"}`;
  }
  const d = Math.floor(ms / DAY);
  return `${d} days`;
}

const short = (sha: string) => sha.slice(0, 7);

export function describeBaseline(baseline: ResolvedBaseline, now: number = Date.now()): BaselineDescription {
  if (baseline.source === "branch") {
    const { run, artifact } = baseline;
    const age = roughAge(now - Date.parse(artifact.createdAt));
    const number = run.runNumber === undefined ? `run ${run.id}` : `run #${run.runNumber}`;
    const skipped =
      baseline.skippedRuns > 0
        ? `; ${baseline.skippedRuns} newer successful run(s) had no live artifact of that name`
        : "";
    return {
      summary: `Baseline: artifact "${artifact.name}" of ${number} on ${run.branch}, commit ${short(run.sha)}, made ${artifact.createdAt} (${age} ago)${skipped}.`,
      links: [{ title: `baseline: ${number} on ${run.branch} (${short(run.sha)})`, url: run.htmlUrl }],
      createdAt: artifact.createdAt,
      commit: run.sha,
    };
  }
  const { release, asset } = baseline;
  const age = roughAge(now - Date.parse(asset.createdAt));
  const commit =
    release.targetCommitish && /^[0-9a-f]{40}$/i.test(release.targetCommitish)
      ? release.targetCommitish
      : undefined;
  const from = release.targetCommitish
    ? `, made from ${commit ? short(commit) : release.targetCommitish}`
    : "";
  return {
    summary: `Baseline: asset "${asset.name}" of release ${release.tag}${from}, uploaded ${asset.createdAt} (${age} ago).`,
    links: [{ title: `baseline: release ${release.tag}`, url: release.htmlUrl }],
    createdAt: asset.createdAt,
    ...(commit ? { commit } : {}),
  };
}
