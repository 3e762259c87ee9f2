/** Ready-made model descriptions for fixtures, the demo and benchmarks. */
import { DEFAULT_OPSET, type OnnxInitializerSpec, type OnnxModelSpec, type OnnxNodeSpec } from "./encode.js";

export interface LogisticRegressionOptions {
  /** Weights as [features][classes]. */
  weights: number[][];
  /** One bias per class. */
  bias: number[];
  /** Default "input". */
  inputName?: string;
  /** Symbolic batch dimension, default "N". */
  batch?: string;
  /** Default-domain opset, default 17. */
  opset?: number;
  metadata?: Record<string, string>;
}

/**
 * Multinomial logistic regression: `probabilities = softmax(input · W + b)` (float32 [N, classes])
 * and `label = argmax` (int64 [N]).
 */
export function logisticRegressionSpec(options: LogisticRegressionOptions): OnnxModelSpec {
  return classifierSpec(options, [{ weights: options.weights, bias: options.bias }], undefined);
}

export interface MlpOptions extends Omit<LogisticRegressionOptions, "weights" | "bias"> {
  /** Dense layers in order, each with weights [inputs][outputs]; the last one yields class logits. */
  layers: { weights: number[][]; bias: number[] }[];
  /** Between hidden layers; default "relu". */
  activation?: "relu" | "tanh" | "sigmoid";
}

/** A multilayer perceptron classifier with the same outputs as logisticRegressionSpec. */
export function mlpSpec(options: MlpOptions): OnnxModelSpec {
  const activation = { relu: "Relu", tanh: "Tanh", sigmoid: "Sigmoid" }[options.activation ?? "relu"];
  return classifierSpec(options, options.layers, activation);
}

function classifierSpec(
  options: Omit<LogisticRegressionOptions, "weights" | "bias">,
  layers: { weights: number[][]; bias: number[] }[],
  activation: string | undefined,
): OnnxModelSpec {
  if (layers.length === 0) throw new Error("a classifier needs at least one layer");
  const inputName = options.inputName ?? "input";
  const batch = options.batch ?? "N";
  const initializers: OnnxInitializerSpec[] = [];
  const nodes: OnnxNodeSpec[] = [];
  let current = inputName;
  let width = layers[0]!.weights.length;
  const features = width;
  layers.forEach((layer, i) => {
    const { rows, cols, flat } = matrix(layer.weights, `layer ${i} weights`);
    if (rows !== width) throw new Error(`layer ${i} expects ${rows} inputs but receives ${width}`);
    if (layer.bias.length !== cols)
      throw new Error(`layer ${i} has ${cols} outputs but ${layer.bias.length} biases`);
    const w = i === 0 && layers.length === 1 ? "W" : `W${i}`;
    const b = i === 0 && layers.length === 1 ? "B" : `B${i}`;
    initializers.push({ name: w, dtype: "float32", dims: [rows, cols], data: flat });
    initializers.push({ name: b, dtype: "float32", dims: [cols], data: Float32Array.from(layer.bias) });
    const last = i === layers.length - 1;
    const product = `matmul_${i}`;
    const sum = last ? "logits" : `dense_${i}`;
    nodes.push({ opType: "MatMul", inputs: [current, w], outputs: [product] });
    nodes.push({ opType: "Add", inputs: [product, b], outputs: [sum] });
    current = sum;
    if (!last && activation) {
      nodes.push({ opType: activation, inputs: [sum], outputs: [`hidden_${i}`] });
      current = `hidden_${i}`;
    }
    width = cols;
  });
  nodes.push({
    opType: "Softmax",
    inputs: ["logits"],
    outputs: ["probabilities"],
    attributes: { axis: { int: 1 } },
  });
  nodes.push({
    opType: "ArgMax",
    inputs: ["logits"],
    outputs: ["label"],
    attributes: { axis: { int: 1 }, keepdims: { int: 0 } },
  });
  return {
    opsetImports: [{ domain: "", version: options.opset ?? DEFAULT_OPSET }],
    ...(options.metadata ? { metadata: options.metadata } : {}),
    graph: {
      name: activation ? "mlp" : "logistic_regression",
      inputs: [{ name: inputName, dtype: "float32", shape: [batch, features] }],
      outputs: [
        { name: "probabilities", dtype: "float32", shape: [batch, width] },
        { name: "label", dtype: "int64", shape: [batch] },
      ],
      initializers,
      nodes,
    },
  };
}

function matrix(rows: number[][], what: string): { rows: number; cols: number; flat: Float32Array } {
  const cols = rows[0]?.length ?? 0;
  if (rows.length === 0 || cols === 0)
    throw new Error(`${what} must be a non-empty [inputs][outputs] matrix`);
  const flat = new Float32Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) throw new Error(`${what}: row ${r} has ${row.length} values, expected ${cols}`);
    flat.set(row, r * cols);
  });
  return { rows: rows.length, cols, flat };
}

export interface LargeModelOptions {
  /** Total bytes of weights wanted (rounded up to whole tensors). */
  targetBytes: number;
  /** Bytes per initializer, default 16 MiB. */
  tensorBytes?: number;
  opset?: number;
}

/**
 * A model made mostly of weights, for memory and speed benchmarks: `y = x + W0 + W1 + ...` over
 * float32 vectors. The initializers share one buffer, so building the description costs one
 * tensor's memory; the encoded file holds every copy.
 */
export function largeModelSpec(options: LargeModelOptions): OnnxModelSpec {
  const tensorBytes = Math.max(4, Math.floor((options.tensorBytes ?? 16 * 1024 ** 2) / 4) * 4);
  const length = tensorBytes / 4;
  const count = Math.max(1, Math.ceil(options.targetBytes / tensorBytes));
  const data = new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = ((i % 997) - 498) / 4096;
  const initializers: OnnxInitializerSpec[] = [];
  const nodes: OnnxNodeSpec[] = [];
  let current = "x";
  for (let i = 0; i < count; i++) {
    initializers.push({ name: `weight_${i}`, dtype: "float32", dims: [length], data });
    const out = i === count - 1 ? "y" : `sum_${i}`;
    nodes.push({ opType: "Add", inputs: [current, `weight_${i}`], outputs: [out] });
    current = out;
  }
  return {
    opsetImports: [{ domain: "", version: options.opset ?? DEFAULT_OPSET }],
    graph: {
      name: "large",
      inputs: [{ name: "x", dtype: "float32", shape: [length] }],
      outputs: [{ name: "y", dtype: "float32", shape: [length] }],
      initializers,
      nodes,
    },
  };
}
