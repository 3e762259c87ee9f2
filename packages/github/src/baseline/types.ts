import type { ZipLimits } from "./zip.js";

/** Where a baseline is read from and how much of it is allowed. */
export interface BaselineLimits extends ZipLimits {
  /** Bytes of the downloaded archive or asset. */
  maxDownloadBytes: number;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/** A baseline unpacked into a local directory, and where it came from. */
export interface FetchedBaseline {
  /** Directory holding the unpacked files (a fresh temporary directory unless one was given). */
  dir: string;
  /** Relative paths of the files, `/`-separated. */
  files: string[];
}

export interface BaselineRun {
  id: number;
  /** Commit the run evaluated. */
  sha: string;
  createdAt: string;
  htmlUrl: string;
  branch: string;
  /** Number of the run within its workflow, as the Actions page shows it. */
  runNumber?: number;
}

export interface BaselineArtifact {
  id: number;
  name: string;
  createdAt: string;
  sizeInBytes: number;
  expiresAt?: string;
}

/** The artifact of the newest successful run on a branch. */
export interface BranchBaseline extends FetchedBaseline {
  source: "branch";
  run: BaselineRun;
  artifact: BaselineArtifact;
  /** Newer successful runs passed over because they had no live artifact of that name. */
  skippedRuns: number;
}

export interface BaselineRelease {
  id: number;
  tag: string;
  name?: string;
  htmlUrl: string;
  createdAt: string;
  publishedAt?: string;
  /** What the tag was made from: a commit or a branch name. */
  targetCommitish?: string;
}

export interface BaselineAsset {
  id: number;
  name: string;
  createdAt: string;
  sizeInBytes: number;
}

/** A baseline pinned to a release: one of its assets (a ZIP is unpacked, any other file kept as is). */
export interface ReleaseBaseline extends FetchedBaseline {
  source: "release";
  release: BaselineRelease;
  asset: BaselineAsset;
}

export type ResolvedBaseline = BranchBaseline | ReleaseBaseline;
