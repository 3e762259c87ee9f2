export { shortDigest } from "./digest.js";
export { DEFAULT_IMAGE_LIMITS, formatBytes, resolveImageLimits } from "./limits.js";
export { openImage } from "./open-image.js";
export { DEFAULT_PLATFORM, formatPlatform, parsePlatform } from "./platform.js";
export {
  formatRegistryReference,
  type ImageLocator,
  locateImage,
  parseRegistryReference,
  type RegistryReference,
} from "./reference.js";
export { parseChallenges } from "./registry/challenge.js";
export type {
  HistoryEntry,
  ImageConfig,
  ImageLimits,
  ImageSource,
  ImageSourceKind,
  LayerInfo,
  OpenImageOptions,
  RegistryAuth,
  TarEntry,
  TarEntryType,
} from "./types.js";
