/**
 * Build ONNX files from plain objects: fixtures, tests, the demo and benchmarks make their models
 * by code instead of checking in binaries.
 */
import { dtypeCode, dtypeInfo } from "./dtype.js";
import type { OnnxType, TensorValues } from "./model.js";
import { ATTRIBUTE_TYPE_CODES, modelProto } from "./proto/index.js";
import { arrayTypeFor, typedFieldFor } from "./tensor-values.js";
import type { Dim, DType, TensorSpec } from "./types.js";

/** IR version and default-domain opset that ONNX 1.12 (the oldest checker we test against) accepts. */
export const DEFAULT_IR_VERSION = 8;
export const DEFAULT_OPSET = 17;

export interface OnnxModelSpec {
  /** Default 8. */
  irVersion?: number;
  /** Default `[{ domain: "", version: 17 }]`. */
  opsetImports?: { domain?: string; version: number }[];
  /** Default "mlgate". */
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  metadata?: Record<string, string>;
  graph: OnnxGraphSpec;
  functions?: OnnxFunctionSpec[];
}

export interface OnnxGraphSpec {
  name?: string;
  inputs: OnnxValueInfoSpec[];
  outputs: OnnxValueInfoSpec[];
  nodes: OnnxNodeSpec[];
  initializers?: OnnxInitializerSpec[];
  /** Types of intermediate values (optional in ONNX). */
  valueInfo?: OnnxValueInfoSpec[];
  docString?: string;
}

/** A tensor value by element type and shape (symbolic dims as strings), or any ONNX type. */
export type OnnxValueInfoSpec = TensorSpec | { name: string; type: OnnxType };

export interface OnnxNodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  /** "" (default) for standard ONNX operators. */
  domain?: string;
  attributes?: Record<string, OnnxAttributeSpec>;
  docString?: string;
}

/** One attribute, its ONNX type given by the key used. */
export type OnnxAttributeSpec =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] }
  | { tensor: OnnxInitializerSpec }
  | { graph: OnnxGraphSpec }
  | { graphs: OnnxGraphSpec[] };

export interface OnnxInitializerSpec {
  name: string;
  dtype: DType;
  dims: number[];
  /**
   * Elements in row-major order. float16/bfloat16/float8 take their bit patterns; 4-bit types take
   * packed bytes (two elements per byte). Omit for `external`.
   */
  data?: TensorValues | readonly number[] | readonly bigint[] | readonly string[];
  /** raw_data (default, as exporters write) or the typed *_data fields. */
  storage?: "raw" | "typed";
  /** Point at data in an external file instead of embedding it. */
  external?: { location: string; offset?: number; length?: number; checksum?: string };
  docString?: string;
}

export interface OnnxFunctionSpec {
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes?: string[];
  nodes: OnnxNodeSpec[];
  opsetImports: { domain?: string; version: number }[];
  docString?: string;
}

/** Serialize a model description to .onnx bytes. */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const model = {
    ir_version: spec.irVersion ?? DEFAULT_IR_VERSION,
    opset_import: (spec.opsetImports ?? [{ domain: "", version: DEFAULT_OPSET }]).map(opset),
    producer_name: spec.producerName ?? "mlgate",
    producer_version: spec.producerVersion ?? "",
    domain: spec.domain ?? "",
    model_version: spec.modelVersion ?? 0,
    doc_string: spec.docString ?? "",
    graph: graphMessage(spec.graph),
    metadata_props: Object.entries(spec.metadata ?? {}).map(([key, value]) => ({ key, value })),
    functions: (spec.functions ?? []).map((f) => ({
      name: f.name,
      domain: f.domain,
      input: f.inputs,
      output: f.outputs,
      attribute: f.attributes ?? [],
      node: f.nodes.map(nodeMessage),
      opset_import: f.opsetImports.map(opset),
      doc_string: f.docString ?? "",
    })),
  };
  return modelProto().encode(model).finish();
}

function opset(o: { domain?: string; version: number }) {
  return { domain: o.domain ?? "", version: o.version };
}

function graphMessage(g: OnnxGraphSpec): object {
  return {
    name: g.name ?? "main",
    doc_string: g.docString ?? "",
    input: g.inputs.map(valueInfoMessage),
    output: g.outputs.map(valueInfoMessage),
    value_info: (g.valueInfo ?? []).map(valueInfoMessage),
    initializer: (g.initializers ?? []).map(tensorMessage),
    node: g.nodes.map(nodeMessage),
  };
}

function nodeMessage(n: OnnxNodeSpec, index: number): object {
  return {
    name: n.name ?? `${n.opType.toLowerCase()}_${index}`,
    op_type: n.opType,
    domain: n.domain ?? "",
    input: n.inputs,
    output: n.outputs,
    doc_string: n.docString ?? "",
    attribute: Object.entries(n.attributes ?? {}).map(([name, a]) => attributeMessage(name, a)),
  };
}

const utf8 = new TextEncoder();

function attributeMessage(name: string, a: OnnxAttributeSpec): object {
  const T = ATTRIBUTE_TYPE_CODES;
  if ("int" in a) return { name, type: T.INT, i: a.int };
  if ("float" in a) return { name, type: T.FLOAT, f: a.float };
  if ("string" in a) return { name, type: T.STRING, s: utf8.encode(a.string) };
  if ("ints" in a) return { name, type: T.INTS, ints: a.ints };
  if ("floats" in a) return { name, type: T.FLOATS, floats: a.floats };
  if ("strings" in a) return { name, type: T.STRINGS, strings: a.strings.map((s) => utf8.encode(s)) };
  if ("tensor" in a) return { name, type: T.TENSOR, t: tensorMessage(a.tensor) };
  if ("graph" in a) return { name, type: T.GRAPH, g: graphMessage(a.graph) };
  return { name, type: T.GRAPHS, graphs: a.graphs.map(graphMessage) };
}

function valueInfoMessage(v: OnnxValueInfoSpec): object {
  const type: OnnxType = "type" in v ? v.type : { kind: "tensor", dtype: v.dtype, shape: v.shape };
  return { name: v.name, type: typeMessage(type) };
}

function typeMessage(t: OnnxType): object {
  switch (t.kind) {
    case "tensor":
      return { tensor_type: { elem_type: dtypeCode(t.dtype), ...shapeField(t.shape) } };
    case "sparse_tensor":
      return { sparse_tensor_type: { elem_type: dtypeCode(t.dtype), ...shapeField(t.shape) } };
    case "sequence":
      return { sequence_type: { elem_type: typeMessage(t.elem) } };
    case "map":
      return { map_type: { key_type: dtypeCode(t.key), value_type: typeMessage(t.value) } };
    case "optional":
      return { optional_type: { elem_type: typeMessage(t.elem) } };
    case "unknown":
      return {};
  }
}

function shapeField(shape: Dim[] | null): { shape?: object } {
  if (shape === null) return {};
  return {
    shape: {
      dim: shape.map((d) =>
        typeof d === "number" ? { dim_value: d } : typeof d === "string" ? { dim_param: d } : {},
      ),
    },
  };
}

function tensorMessage(t: OnnxInitializerSpec): object {
  const base = {
    name: t.name,
    data_type: dtypeCode(t.dtype),
    dims: t.dims,
    doc_string: t.docString ?? "",
  };
  if (t.external) {
    const entries: { key: string; value: string }[] = [{ key: "location", value: t.external.location }];
    if (t.external.offset !== undefined) entries.push({ key: "offset", value: String(t.external.offset) });
    if (t.external.length !== undefined) entries.push({ key: "length", value: String(t.external.length) });
    if (t.external.checksum !== undefined) entries.push({ key: "checksum", value: t.external.checksum });
    return { ...base, data_location: 1, external_data: entries };
  }
  const data = t.data ?? [];
  if (dtypeInfo(t.dtype)?.name === "string") {
    return { ...base, string_data: (data as readonly string[]).map((s) => utf8.encode(String(s))) };
  }
  const values = toTypedArray(t.dtype, data);
  if (t.storage !== "typed") {
    return { ...base, raw_data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
  }
  const field = typedFieldFor(t.dtype);
  if (!field) throw new Error(`element type ${t.dtype} has no typed data field`);
  return {
    ...base,
    [field]: Array.from(values as ArrayLike<number | bigint>, (v) => typedScalar(v, t.name)),
  };
}

/** Elements as the typed array raw_data stores for the dtype (a view when already of that type). */
export function toTypedArray(dtype: DType, data: OnnxInitializerSpec["data"] & object): TensorValues {
  const Ctor = arrayTypeFor(dtype);
  if (!Ctor) throw new Error(`element type ${dtype} cannot be stored as numbers`);
  if (data instanceof Ctor) return data;
  const list = Array.from(data as ArrayLike<number | bigint | string>);
  if (Ctor === BigInt64Array || Ctor === BigUint64Array) {
    return (Ctor as BigInt64ArrayConstructor).from(list, (v) => BigInt(v));
  }
  return (Ctor as Float64ArrayConstructor).from(list, (v) => Number(v));
}

function typedScalar(v: number | bigint, tensor: string): number {
  if (typeof v === "number") return v;
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new Error(`tensor ${tensor}: ${v} does not fit typed storage here; use raw storage`);
  }
  return Number(v);
}
