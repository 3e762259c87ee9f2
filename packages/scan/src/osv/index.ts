export {
  type OsvAdvisory,
  type OsvAffected,
  type OsvEvent,
  type OsvRange,
  type OsvSeverity,
  readAdvisory,
} from "./advisory.js";
export {
  ecosystemBase,
  ecosystemRelease,
  type IndexedAffected,
  normalizePackageName,
  OsvDatabase,
} from "./database.js";
export {
  DEFAULT_OSV_CACHE_MAX_AGE_MS,
  type FetchedOsvDatabase,
  type FetchOsvOptions,
  fetchOsvDatabase,
  osvEcosystemUrl,
} from "./fetch-db.js";
export {
  DEFAULT_OSV_LOAD_LIMITS,
  loadOsvDatabase,
  type OsvLoadLimits,
  type OsvLoadOptions,
  type OsvLoadStats,
} from "./load.js";
export { type MatchablePackage, type MatchResult, matchPackages } from "./match.js";
export { type AffectedVerdict, isAffected, rangeIncludes } from "./ranges.js";
export { type RatedSeverity, rateAdvisory } from "./severity.js";
export { DEFAULT_ZIP_LIMITS, looksLikeZip, readZip, type ZipEntry, type ZipLimits } from "./zip.js";
