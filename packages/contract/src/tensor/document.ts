import type { ModelSignature } from "@mlgate/onnx";
import type { SourceLocation } from "../change.js";

/** Where a signature and each of its tensors are declared, for annotations. */
export interface SignatureWhere {
  /** The file (and, for manifests, the line of the `signature` key). */
  source: SourceLocation;
  /** Declaration of each input by name, when the format has lines. */
  inputs?: Map<string, SourceLocation>;
  outputs?: Map<string, SourceLocation>;
}

/** A model signature read from a file: an ONNX graph, a manifest or model card, or validate-artifact JSON. */
export interface SignatureDocument extends SignatureWhere {
  signature: ModelSignature;
  kind: "onnx" | "manifest" | "signature-json";
}
