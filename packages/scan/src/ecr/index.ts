export { ecrPullCredentials } from "./auth.js";
export {
  awsErrorName,
  createEcrClient,
  type EcrClientLike,
  type EcrClientSettings,
  ecrError,
} from "./client.js";
export { ecosystemOfPlatform, mapBasicFinding, mapEnhancedFinding } from "./map.js";
export {
  type EcrReference,
  ecrRegistryOfHost,
  formatEcrReference,
  isEcrReference,
  parseEcrReference,
} from "./reference.js";
export { type EcrScanOptions, type EcrScanResult, scanEcrImage } from "./scan.js";
export { meaningOf, SCAN_STATUSES, type StatusAction, type StatusMeaning, statusError } from "./statuses.js";
