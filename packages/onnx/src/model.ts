import type { Dim, DType } from "./types.js";

/** A decoded ONNX model: what gates inspect, without the weights copied out of the file. */
export interface OnnxModel {
  irVersion: number;
  opsetImports: OnnxOpsetImport[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  /** metadata_props; a later duplicate key wins. */
  metadata: Record<string, string>;
  graph: OnnxGraph;
  /** Model-local functions (custom operators defined in the file). */
  functions: { domain: string; name: string }[];
  /** Size of the .onnx file (external data not included). */
  byteLength: number;
}

export interface OnnxOpsetImport {
  /** "" (or "ai.onnx") is the default ONNX domain. */
  domain: string;
  version: number;
}

export interface OnnxGraph {
  name: string;
  /** Graph inputs as declared; initializers may appear here too (see signatureOf). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  initializers: OnnxTensorInfo[];
  sparseInitializers: OnnxSparseTensorInfo[];
  nodes: OnnxNode[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  /** "" for the default ONNX domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
  /** Graphs held by attributes (If branches, Loop and Scan bodies), in attribute order. */
  subgraphs: OnnxGraph[];
}

export interface OnnxAttribute {
  name: string;
  /** AttributeProto.AttributeType in lower case: float, int, string, tensor, graph, floats, ints, ... */
  type: string;
  /** Scalar and list values (float, int, string and their lists); absent for tensors and graphs. */
  value?: number | string | number[] | string[];
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxType;
}

export type OnnxType =
  | { kind: "tensor"; dtype: DType; shape: Dim[] | null }
  | { kind: "sparse_tensor"; dtype: DType; shape: Dim[] | null }
  | { kind: "sequence"; elem: OnnxType }
  | { kind: "map"; key: DType; value: OnnxType }
  | { kind: "optional"; elem: OnnxType }
  | { kind: "unknown" };

/** Typed views over a tensor's elements (float16/bfloat16/float8 as their bit patterns). */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface OnnxExternalData {
  /** Path relative to the model's directory, as written in the file (not yet checked). */
  location: string;
  offset?: number;
  length?: number;
  checksum?: string;
  /** Every external_data entry as written, for policy checks on keys this reader ignores. */
  entries: Record<string, string>;
}

export interface OnnxTensorInfo {
  name: string;
  dtype: DType;
  dims: number[];
  /** Product of dims (1 for a scalar). */
  elementCount: number;
  /** raw_data, typed *_data fields, an external file, or no data at all. */
  dataLocation: "raw" | "typed" | "external" | "empty";
  external?: OnnxExternalData;
  /** Bytes of element data: raw_data's length, the external length, or elements × width. */
  byteLength: number;
  /**
   * The elements, for raw and typed data: a view into the file when raw_data is aligned, otherwise
   * a copy of this one tensor. Null for strings, 4-bit typed data, and external or missing data.
   * Throws a GateError when the stored data does not match dims and dtype.
   */
  values(): TensorValues | null;
  /** raw_data as stored (little-endian), a view into the file at any alignment; null otherwise. */
  rawBytes(): Uint8Array | null;
  /** Why the stored data does not fit dims and dtype (what values() would throw), or null. */
  dataProblem(): string | null;
}

export interface OnnxSparseTensorInfo {
  name: string;
  dtype: DType;
  dims: number[];
  /** Number of stored (non-default) values. */
  nnz: number;
}
