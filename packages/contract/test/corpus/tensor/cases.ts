import type { ModelSignature, TensorSpec } from "@mlgate/onnx";

/**
 * Labelled tensor-signature change pairs in a compact notation: `name:dtype[dims]`, dims separated
 * by commas, `?` an unknown dim, a name a symbolic dim, `name:dtype*` an unknown rank; inputs and
 * outputs separated by `->`. Each case lists every change the engine must report.
 */
export type Level = "breaking" | "dangerous" | "safe";
export type Expected = [rule: string, level: Level, path?: string];

export interface TensorCase {
  name: string;
  base: string;
  head: string;
  expect: Expected[];
}

function tensor(text: string): TensorSpec {
  const m = /^([^:]+):([^[*]+)(?:\[([^\]]*)\]|(\*))$/.exec(text.trim());
  if (!m) throw new Error(`bad tensor notation: ${text}`);
  const [, name, dtype, dims, unknown] = m;
  if (unknown) return { name: name!, dtype: dtype!, shape: null };
  const shape = dims!.trim() === "" ? [] : dims!.split(",").map((d) => d.trim());
  return {
    name: name!,
    dtype: dtype!,
    shape: shape.map((d) => (d === "?" ? null : /^\d+$/.test(d) ? Number(d) : d)),
  };
}

/** `x:float32[N,4] mask:bool[N] -> y:float32[N,3]` */
export function signature(text: string): ModelSignature {
  const [inputs = "", outputs = ""] = text.split("->");
  const list = (s: string) => s.trim().split(/\s+/).filter(Boolean).map(tensor);
  return { inputs: list(inputs), outputs: list(outputs) };
}

export const TENSOR_CASES: TensorCase[] = [
  {
    name: "identical signatures",
    base: "input:float32[N,4] -> probabilities:float32[N,3] label:int64[N]",
    head: "input:float32[N,4] -> probabilities:float32[N,3] label:int64[N]",
    expect: [],
  },
  {
    name: "dtype spellings that mean the same type",
    base: "x:float[N,4] -> y:double[N]",
    head: "x:FLOAT32[N,4] -> y:float64[N]",
    expect: [],
  },
  {
    name: "ONNX Runtime and KServe v2 dtype spellings",
    base: "x:tensor(float)[N,4] ids:tensor(int64)[N] -> y:FP32[N] name:BYTES[N]",
    head: "x:FP32[N,4] ids:INT64[N] -> y:float32[N] name:string[N]",
    expect: [],
  },
  {
    name: "input removed",
    base: "x:float32[N,4] mask:bool[N] -> y:float32[N]",
    head: "x:float32[N,4] -> y:float32[N]",
    expect: [["tensor.input-removed", "breaking", "inputs/mask"]],
  },
  {
    name: "new required input",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float32[N,4] temperature:float32[1] -> y:float32[N]",
    expect: [["tensor.input-added", "breaking", "inputs/temperature"]],
  },
  {
    name: "input renamed (same dtype and shape)",
    base: "input:float32[N,4] -> y:float32[N]",
    head: "features:float32[batch,4] -> y:float32[N]",
    expect: [["tensor.input-renamed", "breaking", "inputs/features"]],
  },
  {
    name: "two look-alike inputs swapped for two others: no guess at a rename",
    base: "a:float32[N] b:float32[N] -> y:float32[N]",
    head: "c:float32[N] d:float32[N] -> y:float32[N]",
    expect: [
      ["tensor.input-removed", "breaking", "inputs/a"],
      ["tensor.input-removed", "breaking", "inputs/b"],
      ["tensor.input-added", "breaking", "inputs/c"],
      ["tensor.input-added", "breaking", "inputs/d"],
    ],
  },
  {
    name: "output removed",
    base: "x:float32[N,4] -> probabilities:float32[N,3] label:int64[N]",
    head: "x:float32[N,4] -> probabilities:float32[N,3]",
    expect: [["tensor.output-removed", "breaking", "outputs/label"]],
  },
  {
    name: "output added at the end",
    base: "x:float32[N,4] -> probabilities:float32[N,3]",
    head: "x:float32[N,4] -> probabilities:float32[N,3] label:int64[N]",
    expect: [["tensor.output-added", "safe", "outputs/label"]],
  },
  {
    name: "output added in front of an existing one",
    base: "x:float32[N,4] -> probabilities:float32[N,3]",
    head: "x:float32[N,4] -> label:int64[N] probabilities:float32[N,3]",
    expect: [["tensor.output-order-changed", "dangerous", "outputs/label"]],
  },
  {
    name: "output renamed",
    base: "x:float32[N,4] -> probs:float32[N,3]",
    head: "x:float32[N,4] -> probabilities:float32[N,3]",
    expect: [["tensor.output-renamed", "breaking", "outputs/probabilities"]],
  },
  {
    name: "input dtype narrowed to float16",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float16[N,4] -> y:float32[N]",
    expect: [["tensor.input-dtype-changed", "breaking", "inputs/x"]],
  },
  {
    name: "input dtype widened: runtimes do not cast feeds",
    base: "x:float16[N,4] -> y:float32[N]",
    head: "x:float32[N,4] -> y:float32[N]",
    expect: [["tensor.input-dtype-changed", "breaking", "inputs/x"]],
  },
  {
    name: "output dtype changed",
    base: "x:float32[N,4] -> label:int64[N]",
    head: "x:float32[N,4] -> label:int32[N]",
    expect: [["tensor.output-dtype-changed", "breaking", "outputs/label"]],
  },
  {
    name: "input rank changed",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float32[N,1,4] -> y:float32[N]",
    expect: [["tensor.input-rank-changed", "breaking", "inputs/x"]],
  },
  {
    name: "output rank changed",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float32[N,4] -> y:float32[N,1]",
    expect: [["tensor.output-rank-changed", "breaking", "outputs/y"]],
  },
  {
    name: "fixed input size changed",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float32[N,8] -> y:float32[N]",
    expect: [["tensor.input-dim-size-changed", "breaking", "inputs/x"]],
  },
  {
    name: "fixed output size changed (one more class)",
    base: "x:float32[N,4] -> probabilities:float32[N,3]",
    head: "x:float32[N,4] -> probabilities:float32[N,4]",
    expect: [["tensor.output-dim-size-changed", "breaking", "outputs/probabilities"]],
  },
  {
    name: "fixed batch of an input made symbolic: accepts more",
    base: "x:float32[1,4] -> y:float32[1]",
    head: "x:float32[N,4] -> y:float32[1]",
    expect: [["tensor.input-dim-relaxed", "safe", "inputs/x"]],
  },
  {
    name: "fixed input dim made unknown",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float32[N,?] -> y:float32[N]",
    expect: [["tensor.input-dim-relaxed", "safe", "inputs/x"]],
  },
  {
    name: "fixed output dim made symbolic: clients relying on the size break",
    base: "x:float32[N,4] -> embedding:float32[N,128]",
    head: "x:float32[N,4] -> embedding:float32[N,D]",
    expect: [["tensor.output-dim-relaxed", "breaking", "outputs/embedding"]],
  },
  {
    name: "symbolic input batch fixed",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float32[1,4] -> y:float32[N]",
    expect: [["tensor.input-dim-fixed", "breaking", "inputs/x"]],
  },
  {
    name: "symbolic output dim fixed: every size was possible before",
    base: "x:float32[N,4] -> y:float32[N,K]",
    head: "x:float32[N,4] -> y:float32[N,10]",
    expect: [["tensor.output-dim-fixed", "safe", "outputs/y"]],
  },
  {
    name: "symbolic dim renamed on both sides",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float32[batch,4] -> y:float32[batch]",
    expect: [
      ["tensor.dim-symbol-renamed", "safe", "inputs/x"],
      ["tensor.dim-symbol-renamed", "safe", "outputs/y"],
    ],
  },
  {
    name: "several dims of one tensor: one change per rule",
    base: "image:uint8[N,224,224,3] -> y:float32[N]",
    head: "image:uint8[1,256,256,3] -> y:float32[N]",
    expect: [
      ["tensor.input-dim-fixed", "breaking", "inputs/image"],
      ["tensor.input-dim-size-changed", "breaking", "inputs/image"],
    ],
  },
  {
    name: "inputs reordered",
    base: "a:float32[N] b:int64[N] -> y:float32[N]",
    head: "b:int64[N] a:float32[N] -> y:float32[N]",
    expect: [["tensor.input-order-changed", "dangerous", "inputs"]],
  },
  {
    name: "outputs reordered",
    base: "x:float32[N,4] -> label:int64[N] probabilities:float32[N,3]",
    head: "x:float32[N,4] -> probabilities:float32[N,3] label:int64[N]",
    expect: [["tensor.output-order-changed", "dangerous", "outputs"]],
  },
  {
    name: "shape no longer declared",
    base: "x:float32[N,4] -> y:float32[N]",
    head: "x:float32* -> y:float32*",
    expect: [
      ["tensor.shape-became-unknown", "dangerous", "inputs/x"],
      ["tensor.shape-became-unknown", "dangerous", "outputs/y"],
    ],
  },
  {
    name: "input shape declared where it was unknown",
    base: "x:float32* -> y:float32[N]",
    head: "x:float32[N,4] -> y:float32[N]",
    expect: [["tensor.input-shape-declared", "dangerous", "inputs/x"]],
  },
  {
    name: "output shape declared where it was unknown",
    base: "x:float32[N,4] -> y:float32*",
    head: "x:float32[N,4] -> y:float32[N]",
    expect: [["tensor.output-shape-declared", "safe", "outputs/y"]],
  },
  {
    name: "a new model version: one more class, float16 input, an extra output",
    base: "input:float32[N,4] -> probabilities:float32[N,3] label:int64[N]",
    head: "input:float16[N,4] -> probabilities:float32[N,4] label:int64[N] logits:float32[N,4]",
    expect: [
      ["tensor.input-dtype-changed", "breaking", "inputs/input"],
      ["tensor.output-dim-size-changed", "breaking", "outputs/probabilities"],
      ["tensor.output-added", "safe", "outputs/logits"],
    ],
  },
];
