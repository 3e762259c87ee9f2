export { type LabelApplication, labelApplication } from "./accept-label.js";
export { type BranchBaselineOptions, fetchBranchBaseline } from "./branch.js";
export { type BaselineDescription, describeBaseline, roughAge } from "./describe.js";
export { DEFAULT_MAX_DOWNLOAD_BYTES, downloadRedirected } from "./download.js";
export { fetchReleaseBaseline, type ReleaseBaselineOptions } from "./release.js";
export type {
  BaselineArtifact,
  BaselineAsset,
  BaselineLimits,
  BaselineRelease,
  BaselineRun,
  BranchBaseline,
  FetchedBaseline,
  ReleaseBaseline,
  RepoRef,
  ResolvedBaseline,
} from "./types.js";
export { DEFAULT_BASELINE_LIMITS } from "./unpack.js";
export { DEFAULT_ZIP_LIMITS, type ExtractedFile, extractZip, safeParts, type ZipLimits } from "./zip.js";
