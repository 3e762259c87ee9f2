/**
 * The shapes protobufjs decodes ONNX messages into (with the lazy tensor-data schema). Optional
 * scalars read their defaults from the prototype; int64 fields are numbers or `Long` objects
 * depending on whether protobufjs found the `long` package at load time.
 */

export interface LongLike {
  low: number;
  high: number;
  unsigned: boolean;
  toNumber(): number;
}
export type Int64 = number | LongLike;

export interface StringStringEntryMessage {
  key: string;
  value: string;
}

export interface OperatorSetIdMessage {
  domain: string;
  version: Int64;
}

export interface DimensionMessage {
  dim_value?: Int64;
  dim_param?: string;
  /** Which member of the `value` oneof is set. */
  value?: "dim_value" | "dim_param";
  denotation: string;
}

export interface TensorShapeMessage {
  dim: DimensionMessage[];
}

export interface TypeMessage {
  tensor_type?: { elem_type: number; shape?: TensorShapeMessage | null } | null;
  sparse_tensor_type?: { elem_type: number; shape?: TensorShapeMessage | null } | null;
  sequence_type?: { elem_type?: TypeMessage | null } | null;
  map_type?: { key_type: number; value_type?: TypeMessage | null } | null;
  optional_type?: { elem_type?: TypeMessage | null } | null;
  opaque_type?: { domain: string; name: string } | null;
  value?: string;
  denotation: string;
}

export interface ValueInfoMessage {
  name: string;
  type?: TypeMessage | null;
  doc_string: string;
}

export interface TensorMessage {
  dims: Int64[];
  data_type: number;
  name: string;
  doc_string: string;
  /** Packed payloads (one per occurrence of the field) of the numeric data fields. */
  float_data: Uint8Array[];
  int32_data: Uint8Array[];
  int64_data: Uint8Array[];
  double_data: Uint8Array[];
  uint64_data: Uint8Array[];
  string_data: Uint8Array[];
  raw_data?: Uint8Array;
  external_data: StringStringEntryMessage[];
  data_location: number;
  segment?: { begin: Int64; end: Int64 } | null;
  /** Raw fields protobufjs did not recognise (unpacked element data lands here). */
  $unknowns?: Uint8Array[];
}

export interface SparseTensorMessage {
  values?: TensorMessage | null;
  indices?: TensorMessage | null;
  dims: Int64[];
}

export interface AttributeMessage {
  name: string;
  ref_attr_name: string;
  type: number;
  f: number;
  i: Int64;
  s: Uint8Array;
  t?: TensorMessage | null;
  g?: GraphMessage | null;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
  tensors: TensorMessage[];
  graphs: GraphMessage[];
}

export interface NodeMessage {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  domain: string;
  attribute: AttributeMessage[];
}

export interface GraphMessage {
  node: NodeMessage[];
  name: string;
  initializer: TensorMessage[];
  sparse_initializer: SparseTensorMessage[];
  input: ValueInfoMessage[];
  output: ValueInfoMessage[];
  value_info: ValueInfoMessage[];
}

export interface FunctionMessage {
  name: string;
  domain: string;
  node: NodeMessage[];
}

export interface ModelMessage {
  ir_version: Int64;
  opset_import: OperatorSetIdMessage[];
  producer_name: string;
  producer_version: string;
  domain: string;
  model_version: Int64;
  doc_string: string;
  graph?: GraphMessage | null;
  metadata_props: StringStringEntryMessage[];
  functions: FunctionMessage[];
}
