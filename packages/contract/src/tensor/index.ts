export { diffSignatures, type SignaturePlaces } from "./diff.js";
export type { SignatureDocument, SignatureWhere } from "./document.js";
export { normalizeDType } from "./dtypes.js";
export { DEFAULT_SIGNATURE_LIMITS, type SignatureLimits } from "./limits.js";
export { parseSignatureText, type SignatureTextFormat } from "./parse-text.js";
export { type ReadSignatureOptions, readSignature } from "./read.js";
export { SIGNATURE_GROUP, TENSOR_RULES, type TensorRuleId } from "./rules.js";
export { concreteShape, formatShape, shapeAccepts } from "./shapes.js";
