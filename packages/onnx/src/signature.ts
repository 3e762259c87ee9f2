import type { OnnxModel, OnnxType } from "./model.js";
import type { Dim, DType, ModelSignature, TensorSpec } from "./types.js";

/**
 * The tensors a caller feeds and receives. Graph inputs backed by an initializer are constants
 * with a default (IR < 4 lists every weight as an input), so they are not part of the signature.
 */
export function signatureOf(model: OnnxModel): ModelSignature {
  const constants = new Set([
    ...model.graph.initializers.map((t) => t.name),
    ...model.graph.sparseInitializers.map((t) => t.name),
  ]);
  return {
    inputs: model.graph.inputs.filter((v) => !constants.has(v.name)).map((v) => specOf(v.name, v.type)),
    outputs: model.graph.outputs.map((v) => specOf(v.name, v.type)),
  };
}

function specOf(name: string, type: OnnxType): TensorSpec {
  const shape: Dim[] | null = type.kind === "tensor" || type.kind === "sparse_tensor" ? type.shape : null;
  return { name, dtype: describeType(type), shape: shape ? [...shape] : null };
}

/**
 * A value type as one dtype string: the element type for tensors, otherwise a readable nesting
 * such as `sequence<float32>`, `map<int64,float32>` or `sequence<map<string,float32>>`.
 */
export function describeType(type: OnnxType): DType {
  switch (type.kind) {
    case "tensor":
      return type.dtype;
    case "sparse_tensor":
      return `sparse_tensor<${type.dtype}>`;
    case "sequence":
      return `sequence<${describeType(type.elem)}>`;
    case "map":
      return `map<${type.key},${describeType(type.value)}>`;
    case "optional":
      return `optional<${describeType(type.elem)}>`;
    case "unknown":
      return "unknown";
  }
}
