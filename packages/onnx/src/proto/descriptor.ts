/**
 * The ONNX protobuf schema (onnx.proto / onnx-ml.proto, IR version 11) as a protobufjs JSON
 * descriptor. Field names and numbers follow the official schema, so files written by any ONNX
 * tool decode here and files encoded here load everywhere. Fields added after IR 8 are included:
 * older readers skip them as unknown fields, as protobuf intends.
 */

/** protobufjs JSON descriptor shapes (the subset this schema uses). */
export interface FieldDescriptor {
  type: string;
  id: number;
  rule?: "repeated";
  options?: { packed?: boolean };
}
export interface MessageDescriptor {
  fields: Record<string, FieldDescriptor>;
  oneofs?: Record<string, { oneof: string[] }>;
  nested?: Record<string, MessageDescriptor | EnumDescriptor>;
}
export interface EnumDescriptor {
  values: Record<string, number>;
}

const optional = (type: string, id: number): FieldDescriptor => ({ type, id });
// onnx.proto is proto2: repeated scalars are unpacked unless marked `[packed = true]`.
const repeated = (type: string, id: number, packed = false): FieldDescriptor =>
  isScalar(type) ? { type, id, rule: "repeated", options: { packed } } : { type, id, rule: "repeated" };

const SCALARS = new Set(["float", "double", "int32", "int64", "uint32", "uint64", "bool"]);
function isScalar(type: string): boolean {
  return SCALARS.has(type);
}

/** TensorProto.DataType: the element type codes shared by tensors, value types and attributes. */
export const DATA_TYPE_CODES = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
} as const;

export const ATTRIBUTE_TYPE_CODES = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** TensorProto fields that hold element values, by field number. */
export const TENSOR_DATA_FIELDS = {
  float_data: 4,
  int32_data: 5,
  int64_data: 7,
  double_data: 10,
  uint64_data: 11,
} as const;

const messages: Record<string, MessageDescriptor | EnumDescriptor> = {
  Version: {
    values: {
      _START_VERSION: 0,
      IR_VERSION_2017_10_10: 1,
      IR_VERSION_2017_10_30: 2,
      IR_VERSION_2017_11_3: 3,
      IR_VERSION_2019_1_22: 4,
      IR_VERSION_2019_3_18: 5,
      IR_VERSION_2019_9_19: 6,
      IR_VERSION_2020_5_8: 7,
      IR_VERSION_2021_7_30: 8,
      IR_VERSION_2023_5_5: 9,
      IR_VERSION_2024_3_25: 10,
      IR_VERSION: 11,
    },
  },
  OperatorStatus: { values: { EXPERIMENTAL: 0, STABLE: 1 } },
  AttributeProto: {
    fields: {
      name: optional("string", 1),
      ref_attr_name: optional("string", 21),
      doc_string: optional("string", 13),
      type: optional("AttributeType", 20),
      f: optional("float", 2),
      i: optional("int64", 3),
      s: optional("bytes", 4),
      t: optional("TensorProto", 5),
      g: optional("GraphProto", 6),
      sparse_tensor: optional("SparseTensorProto", 22),
      tp: optional("TypeProto", 14),
      floats: repeated("float", 7),
      ints: repeated("int64", 8),
      strings: repeated("bytes", 9),
      tensors: repeated("TensorProto", 10),
      graphs: repeated("GraphProto", 11),
      sparse_tensors: repeated("SparseTensorProto", 23),
      type_protos: repeated("TypeProto", 15),
    },
    nested: { AttributeType: { values: ATTRIBUTE_TYPE_CODES } },
  },
  ValueInfoProto: {
    fields: {
      name: optional("string", 1),
      type: optional("TypeProto", 2),
      doc_string: optional("string", 3),
      metadata_props: repeated("StringStringEntryProto", 4),
    },
  },
  NodeProto: {
    fields: {
      input: repeated("string", 1),
      output: repeated("string", 2),
      name: optional("string", 3),
      op_type: optional("string", 4),
      domain: optional("string", 7),
      overload: optional("string", 8),
      attribute: repeated("AttributeProto", 5),
      doc_string: optional("string", 6),
      metadata_props: repeated("StringStringEntryProto", 9),
      device_configurations: repeated("NodeDeviceConfigurationProto", 10),
    },
  },
  IntIntListEntryProto: {
    fields: { key: optional("int64", 1), value: repeated("int64", 2) },
  },
  NodeDeviceConfigurationProto: {
    fields: {
      configuration_id: optional("string", 1),
      sharding_spec: repeated("ShardingSpecProto", 2),
      pipeline_stage: optional("int32", 3),
    },
  },
  ShardingSpecProto: {
    fields: {
      tensor_name: optional("string", 1),
      device: repeated("int64", 2),
      index_to_device_group_map: repeated("IntIntListEntryProto", 3),
      sharded_dim: repeated("ShardedDimProto", 4),
    },
  },
  ShardedDimProto: {
    fields: { axis: optional("int64", 1), simple_sharding: repeated("SimpleShardedDimProto", 2) },
  },
  SimpleShardedDimProto: {
    fields: {
      dim_value: optional("int64", 1),
      dim_param: optional("string", 2),
      num_shards: optional("int64", 3),
    },
    oneofs: { dim: { oneof: ["dim_value", "dim_param"] } },
  },
  TrainingInfoProto: {
    fields: {
      initialization: optional("GraphProto", 1),
      algorithm: optional("GraphProto", 2),
      initialization_binding: repeated("StringStringEntryProto", 3),
      update_binding: repeated("StringStringEntryProto", 4),
    },
  },
  ModelProto: {
    fields: {
      ir_version: optional("int64", 1),
      opset_import: repeated("OperatorSetIdProto", 8),
      producer_name: optional("string", 2),
      producer_version: optional("string", 3),
      domain: optional("string", 4),
      model_version: optional("int64", 5),
      doc_string: optional("string", 6),
      graph: optional("GraphProto", 7),
      metadata_props: repeated("StringStringEntryProto", 14),
      training_info: repeated("TrainingInfoProto", 20),
      functions: repeated("FunctionProto", 25),
      configuration: repeated("DeviceConfigurationProto", 26),
    },
  },
  DeviceConfigurationProto: {
    fields: {
      name: optional("string", 1),
      num_devices: optional("int32", 2),
      device: repeated("string", 3),
    },
  },
  StringStringEntryProto: {
    fields: { key: optional("string", 1), value: optional("string", 2) },
  },
  TensorAnnotation: {
    fields: {
      tensor_name: optional("string", 1),
      quant_parameter_tensor_names: repeated("StringStringEntryProto", 2),
    },
  },
  GraphProto: {
    fields: {
      node: repeated("NodeProto", 1),
      name: optional("string", 2),
      initializer: repeated("TensorProto", 5),
      sparse_initializer: repeated("SparseTensorProto", 15),
      doc_string: optional("string", 10),
      input: repeated("ValueInfoProto", 11),
      output: repeated("ValueInfoProto", 12),
      value_info: repeated("ValueInfoProto", 13),
      quantization_annotation: repeated("TensorAnnotation", 14),
      metadata_props: repeated("StringStringEntryProto", 16),
    },
  },
  TensorProto: {
    fields: {
      dims: repeated("int64", 1),
      data_type: optional("int32", 2),
      segment: optional("Segment", 3),
      float_data: repeated("float", 4, true),
      int32_data: repeated("int32", 5, true),
      string_data: repeated("bytes", 6),
      int64_data: repeated("int64", 7, true),
      name: optional("string", 8),
      doc_string: optional("string", 12),
      raw_data: optional("bytes", 9),
      external_data: repeated("StringStringEntryProto", 13),
      data_location: optional("DataLocation", 14),
      double_data: repeated("double", 10, true),
      uint64_data: repeated("uint64", 11, true),
      metadata_props: repeated("StringStringEntryProto", 16),
    },
    nested: {
      DataType: { values: DATA_TYPE_CODES },
      Segment: { fields: { begin: optional("int64", 1), end: optional("int64", 2) } },
      DataLocation: { values: { DEFAULT: 0, EXTERNAL: 1 } },
    },
  },
  SparseTensorProto: {
    fields: {
      values: optional("TensorProto", 1),
      indices: optional("TensorProto", 2),
      dims: repeated("int64", 3),
    },
  },
  TensorShapeProto: {
    fields: { dim: repeated("Dimension", 1) },
    nested: {
      Dimension: {
        fields: {
          dim_value: optional("int64", 1),
          dim_param: optional("string", 2),
          denotation: optional("string", 3),
        },
        oneofs: { value: { oneof: ["dim_value", "dim_param"] } },
      },
    },
  },
  TypeProto: {
    fields: {
      tensor_type: optional("Tensor", 1),
      sequence_type: optional("Sequence", 4),
      map_type: optional("Map", 5),
      optional_type: optional("Optional", 9),
      sparse_tensor_type: optional("SparseTensor", 8),
      opaque_type: optional("Opaque", 7),
      denotation: optional("string", 6),
    },
    oneofs: {
      value: {
        oneof: [
          "tensor_type",
          "sequence_type",
          "map_type",
          "optional_type",
          "sparse_tensor_type",
          "opaque_type",
        ],
      },
    },
    nested: {
      Tensor: { fields: { elem_type: optional("int32", 1), shape: optional("TensorShapeProto", 2) } },
      Sequence: { fields: { elem_type: optional("TypeProto", 1) } },
      Map: { fields: { key_type: optional("int32", 1), value_type: optional("TypeProto", 2) } },
      Optional: { fields: { elem_type: optional("TypeProto", 1) } },
      SparseTensor: { fields: { elem_type: optional("int32", 1), shape: optional("TensorShapeProto", 2) } },
      Opaque: { fields: { domain: optional("string", 1), name: optional("string", 2) } },
    },
  },
  OperatorSetIdProto: {
    fields: { domain: optional("string", 1), version: optional("int64", 2) },
  },
  FunctionProto: {
    fields: {
      name: optional("string", 1),
      input: repeated("string", 4),
      output: repeated("string", 5),
      attribute: repeated("string", 6),
      attribute_proto: repeated("AttributeProto", 11),
      node: repeated("NodeProto", 7),
      doc_string: optional("string", 8),
      opset_import: repeated("OperatorSetIdProto", 9),
      domain: optional("string", 10),
      overload: optional("string", 13),
      value_info: repeated("ValueInfoProto", 12),
      metadata_props: repeated("StringStringEntryProto", 14),
    },
  },
};

/** The `onnx` package as a protobufjs JSON namespace. */
export function onnxDescriptor(): { nested: { onnx: { nested: typeof messages } } } {
  return { nested: { onnx: { nested: structuredClone(messages) } } };
}

/**
 * The same schema with TensorProto's numeric data fields read as raw packed payloads: decoding
 * then keeps views into the file instead of building a JS number (or Long) per element.
 */
export function lazyTensorDataDescriptor(): { nested: { onnx: { nested: typeof messages } } } {
  const root = onnxDescriptor();
  const tensor = root.nested.onnx.nested.TensorProto as MessageDescriptor;
  for (const [name, id] of Object.entries(TENSOR_DATA_FIELDS)) {
    tensor.fields[name] = { type: "bytes", id, rule: "repeated" };
  }
  return root;
}
