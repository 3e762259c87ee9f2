export { type BuildInventoryOptions, buildInventory } from "./build-inventory.js";
export { classifyPath, type FileKind } from "./classify.js";
export { DEFAULT_INVENTORY_LIMITS, type InventoryLimits } from "./limits.js";
export { type DetectedModel, detectModel } from "./model-magic.js";
export { type ApkPackage, alpineReleaseBranch, parseApkInstalled } from "./parsers/apk.js";
export { type DpkgPackage, parseDpkgStatus } from "./parsers/dpkg.js";
export { type NpmPackage, parseInstalledPackageJson, parseNpmLockfile } from "./parsers/npm.js";
export { parseOsRelease } from "./parsers/os-release.js";
export { parsePythonMetadata } from "./parsers/python-metadata.js";
export { parseRequirements, type Requirement } from "./parsers/requirements.js";
export { formatPurl, normalizePythonName, npmPurl, type PurlParts, pypiPurl } from "./purl.js";
export type {
  Ecosystem,
  Evidence,
  Inventory,
  InventoryLayer,
  InventoryNote,
  ModelFile,
  ModelFormat,
  OsRelease,
  Package,
  UnpinnedRequirement,
} from "./types.js";
