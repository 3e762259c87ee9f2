export { type ByteSource, fileSource, memorySource } from "./byte-source.js";
export { byteSize, dtypeOf, SAFETENSORS_DTYPES, type SafetensorsDtype } from "./dtypes.js";
export { inspectSafetensors, inspectSafetensorsSource, type SafetensorsOptions } from "./inspect.js";
export {
  DEFAULT_SAFETENSORS_LIMITS,
  type SafetensorsInspection,
  type SafetensorsLimits,
  type SafetensorsTensor,
} from "./types.js";
