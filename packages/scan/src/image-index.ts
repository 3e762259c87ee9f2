/** Reading images without a daemon, the inventory of what they hold, and its CycloneDX SBOM. */
export * from "./image/index.js";
export * from "./inventory/index.js";
export * from "./sbom/index.js";
