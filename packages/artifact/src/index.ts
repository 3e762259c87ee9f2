export { type ArtifactFile, walkArtifact } from "./artifact-files.js";
export * from "./gate/index.js";
export { sha256File, sha256OfListing } from "./hash.js";
export * from "./keras/index.js";
export * from "./manifest/index.js";
export * from "./onnx-policy/index.js";
export * from "./pickle/index.js";
export * from "./runtime-checks/index.js";
export {
  DEFAULT_SAFETENSORS_LIMITS,
  inspectSafetensors,
  inspectSafetensorsSource,
  memorySource as safetensorsMemorySource,
  SAFETENSORS_DTYPES,
  type SafetensorsInspection,
  type SafetensorsLimits,
  type SafetensorsOptions,
  type SafetensorsTensor,
} from "./safetensors/index.js";
export * from "./zip/index.js";
