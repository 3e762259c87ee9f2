export { checkOnnxPolicy, countParameters, type OnnxPolicyResult } from "./check.js";
export { checkExternalData, type ExternalDataResult, type ExternalRegion } from "./external-data.js";
export { allGraphs, allNodes } from "./graphs.js";
export { canonicalDomain, DEFAULT_ONNX_POLICY, type OnnxPolicy, resolveOnnxPolicy } from "./policy.js";
