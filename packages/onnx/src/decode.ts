import { GateError } from "@mlgate/core";
import { dtypeName, rawByteLength } from "./dtype.js";
import { type OnnxLimits, resolveLimits } from "./limits.js";
import type {
  OnnxAttribute,
  OnnxExternalData,
  OnnxGraph,
  OnnxModel,
  OnnxNode,
  OnnxSparseTensorInfo,
  OnnxTensorInfo,
  OnnxType,
  OnnxValueInfo,
  TensorValues,
} from "./model.js";
import {
  ATTRIBUTE_TYPE_CODES,
  type AttributeMessage,
  decodeModelProto,
  type GraphMessage,
  type Int64,
  type ModelMessage,
  type NodeMessage,
  protobuf,
  type SparseTensorMessage,
  type StringStringEntryMessage,
  TENSOR_DATA_FIELDS,
  type TensorMessage,
  type TensorShapeMessage,
  type TypeMessage,
} from "./proto/index.js";
import {
  arrayTypeFor,
  rawSizeProblem,
  rawValues,
  storedScalarCount,
  typedCount,
  typedFieldFor,
  typedValues,
} from "./tensor-values.js";
import type { Dim } from "./types.js";
import { scanWire } from "./wire-scan.js";

export interface DecodeOptions {
  limits?: Partial<OnnxLimits>;
}

/**
 * Decode an ONNX model held in memory. Element data is not copied: tensors keep views into `bytes`,
 * so the caller keeps `bytes` alive as long as it reads tensor values. `source` names the file in
 * errors. Every failure is a GateError naming `source` and, for broken framing, the byte offset.
 */
export function decodeOnnxModel(bytes: Uint8Array, source: string, options: DecodeOptions = {}): OnnxModel {
  const limits = resolveLimits(options.limits);
  if (bytes.byteLength > limits.maxBytes) {
    throw new GateError(
      `${source} is ${bytes.byteLength} bytes, over the limit of ${limits.maxBytes} bytes`,
      {
        location: { file: source },
        hint: "raise limits.maxBytes, or store large weights as external data",
      },
    );
  }
  if (bytes.byteLength === 0) {
    throw new GateError(`${source} is empty, not an ONNX model`, { location: { file: source } });
  }
  // A Buffer view (no copy) gets protobufjs's Buffer reader: native UTF-8 and Buffer slices.
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  scanWire(buffer, decodeModelProto(), limits, source);

  let message: ModelMessage;
  try {
    const reader = protobuf.Reader.create(buffer);
    // Unpacked element data is legal protobuf: keep it (as views) instead of dropping values.
    reader.discardUnknown = false;
    message = decodeModelProto().decode(reader) as unknown as ModelMessage;
  } catch (e) {
    throw new GateError(`${source}: not a valid ONNX file: ${e instanceof Error ? e.message : String(e)}`, {
      location: { file: source },
      hint: "the file is truncated, corrupted or not an ONNX model",
      cause: e,
    });
  }
  return toModel(message, source, buffer.byteLength);
}

function toModel(m: ModelMessage, source: string, byteLength: number): OnnxModel {
  if (!m.graph) {
    throw new GateError(`${source}: not an ONNX model: it has no graph (ModelProto field 7)`, {
      location: { file: source },
      hint: "give the .onnx file itself, not another protobuf file",
    });
  }
  const irVersion = toNumber(m.ir_version);
  if (irVersion <= 0) {
    throw new GateError(`${source}: not an ONNX model: ir_version (ModelProto field 1) is missing`, {
      location: { file: source },
      hint: "give the .onnx file itself, not another protobuf file",
    });
  }
  return {
    irVersion,
    opsetImports: m.opset_import.map((o) => ({ domain: o.domain, version: toNumber(o.version) })),
    producerName: m.producer_name,
    producerVersion: m.producer_version,
    domain: m.domain,
    modelVersion: toNumber(m.model_version),
    docString: m.doc_string,
    metadata: entriesToRecord(m.metadata_props),
    graph: toGraph(m.graph, source),
    functions: m.functions.map((f) => ({ domain: f.domain, name: f.name })),
    byteLength,
  };
}

function toGraph(g: GraphMessage, source: string): OnnxGraph {
  return {
    name: g.name,
    inputs: g.input.map((v) => ({ name: v.name, type: toType(v.type) }) satisfies OnnxValueInfo),
    outputs: g.output.map((v) => ({ name: v.name, type: toType(v.type) }) satisfies OnnxValueInfo),
    initializers: g.initializer.map((t) => toTensorInfo(t, source)),
    sparseInitializers: g.sparse_initializer.map(toSparseInfo),
    nodes: g.node.map((n) => toNode(n, source)),
  };
}

function toNode(n: NodeMessage, source: string): OnnxNode {
  const subgraphs: OnnxGraph[] = [];
  for (const a of n.attribute) {
    if (a.g) subgraphs.push(toGraph(a.g, source));
    for (const g of a.graphs) subgraphs.push(toGraph(g, source));
  }
  return {
    name: n.name,
    opType: n.op_type,
    domain: n.domain,
    inputs: [...n.input],
    outputs: [...n.output],
    attributes: n.attribute.map(toAttribute),
    subgraphs,
  };
}

const ATTRIBUTE_TYPE_NAMES = new Map<number, string>(
  Object.entries(ATTRIBUTE_TYPE_CODES).map(([name, code]) => [code, name.toLowerCase()]),
);
const utf8 = new TextDecoder("utf-8");

function toAttribute(a: AttributeMessage): OnnxAttribute {
  const type = ATTRIBUTE_TYPE_NAMES.get(a.type) ?? `attribute(${a.type})`;
  const out: OnnxAttribute = { name: a.name, type };
  switch (type) {
    case "float":
      out.value = a.f;
      break;
    case "int":
      out.value = toNumber(a.i);
      break;
    case "string":
      out.value = utf8.decode(a.s);
      break;
    case "floats":
      out.value = [...a.floats];
      break;
    case "ints":
      out.value = a.ints.map(toNumber);
      break;
    case "strings":
      out.value = a.strings.map((s) => utf8.decode(s));
      break;
  }
  return out;
}

function toType(t: TypeMessage | null | undefined): OnnxType {
  if (!t) return { kind: "unknown" };
  if (t.tensor_type) {
    return { kind: "tensor", dtype: dtypeName(t.tensor_type.elem_type), shape: toShape(t.tensor_type.shape) };
  }
  if (t.sparse_tensor_type) {
    const s = t.sparse_tensor_type;
    return { kind: "sparse_tensor", dtype: dtypeName(s.elem_type), shape: toShape(s.shape) };
  }
  if (t.sequence_type) return { kind: "sequence", elem: toType(t.sequence_type.elem_type) };
  if (t.map_type)
    return { kind: "map", key: dtypeName(t.map_type.key_type), value: toType(t.map_type.value_type) };
  if (t.optional_type) return { kind: "optional", elem: toType(t.optional_type.elem_type) };
  return { kind: "unknown" };
}

function toShape(shape: TensorShapeMessage | null | undefined): Dim[] | null {
  if (!shape) return null;
  return shape.dim.map((d): Dim => {
    if (d.value === "dim_value" && d.dim_value !== undefined) return toNumber(d.dim_value);
    if (d.value === "dim_param" && d.dim_param) return d.dim_param;
    return null;
  });
}

function toSparseInfo(s: SparseTensorMessage): OnnxSparseTensorInfo {
  const values = s.values;
  return {
    name: values?.name ?? "",
    dtype: dtypeName(values?.data_type ?? 0),
    dims: s.dims.map(toNumber),
    nnz: values ? elementCountOf(values.dims.map(toNumber)) : 0,
  };
}

function elementCountOf(dims: readonly number[]): number {
  let count = 1;
  for (const d of dims) {
    if (!(d >= 0)) return 0;
    count *= d;
  }
  return count;
}

type DataField = keyof typeof TENSOR_DATA_FIELDS;
const DATA_FIELD_BY_ID = new Map<number, DataField>(
  Object.entries(TENSOR_DATA_FIELDS).map(([name, id]) => [id, name as DataField]),
);

/** Typed data chunks by field: packed payloads plus unpacked scalars recovered from unknown fields. */
function dataChunks(t: TensorMessage): Map<DataField, Uint8Array[]> {
  const chunks = new Map<DataField, Uint8Array[]>();
  for (const name of DATA_FIELD_BY_ID.values()) if (t[name].length > 0) chunks.set(name, [...t[name]]);
  for (const raw of t.$unknowns ?? []) {
    const reader = protobuf.Reader.create(raw);
    const tag = reader.uint32();
    const field = DATA_FIELD_BY_ID.get(tag >>> 3);
    if (!field || (tag & 7) === 2) continue;
    // One unpacked scalar has the same bytes as a one-element packed payload.
    const list = chunks.get(field) ?? [];
    list.push(raw.subarray(reader.pos));
    chunks.set(field, list);
  }
  return chunks;
}

function toTensorInfo(t: TensorMessage, source: string): OnnxTensorInfo {
  const name = t.name;
  const dtype = dtypeName(t.data_type);
  const dims = t.dims.map(toNumber);
  const elementCount = elementCountOf(dims);
  const chunks = dataChunks(t);
  const raw = t.raw_data && t.raw_data.byteLength > 0 ? t.raw_data : undefined;

  let dataLocation: OnnxTensorInfo["dataLocation"];
  let external: OnnxExternalData | undefined;
  let byteLength: number;
  if (t.data_location === 1) {
    dataLocation = "external";
    external = toExternal(t.external_data);
    byteLength = external.length ?? rawByteLength(dtype, elementCount) ?? 0;
  } else if (raw) {
    dataLocation = "raw";
    byteLength = raw.byteLength;
  } else if (chunks.size > 0 || t.string_data.length > 0) {
    dataLocation = "typed";
    byteLength =
      dtype === "string"
        ? t.string_data.reduce((sum, s) => sum + s.byteLength, 0)
        : (rawByteLength(dtype, elementCount) ?? 0);
  } else {
    dataLocation = "empty";
    byteLength = 0;
  }

  const problem = (): string | null => {
    if (dims.some((d) => !(d >= 0))) return `has a negative dimension in [${dims.join(", ")}]`;
    if (dtype === "undefined" || dtype.startsWith("dtype(")) return `has no valid element type (${dtype})`;
    switch (dataLocation) {
      case "external":
        return external?.location ? null : "is marked external but names no location";
      case "raw": {
        const reason = rawSizeProblem(dtype, elementCount, raw!.byteLength);
        return reason ? `raw_data ${reason}` : null;
      }
      case "typed": {
        if (dtype === "string") {
          return t.string_data.length === elementCount
            ? null
            : `string_data holds ${t.string_data.length} strings, expected ${elementCount}`;
        }
        const field = typedFieldFor(dtype);
        if (!field || !chunks.has(field)) {
          return `stores its elements in ${[...chunks.keys()].join(", ") || "string_data"}, expected ${field ?? "raw_data"}`;
        }
        const expected = storedScalarCount(dtype, elementCount);
        const got = typedCount(field, chunks.get(field)!);
        return got === expected
          ? null
          : `${field} holds ${got} values, expected ${expected} for dims [${dims.join(", ")}]`;
      }
      case "empty":
        return elementCount === 0 ? null : `has no data for its ${elementCount} elements`;
    }
  };

  const tensorError = (reason: string) =>
    new GateError(`${source}: tensor "${name}" ${reason}`, {
      location: { file: source },
      hint: "re-export the model; the file is corrupted or was written by a faulty tool",
    });

  const values = (): TensorValues | null => {
    const reason = problem();
    if (reason) throw tensorError(reason);
    switch (dataLocation) {
      case "raw":
        return rawValues(dtype, raw!);
      case "typed": {
        const field = typedFieldFor(dtype);
        return field ? typedValues(dtype, field, chunks.get(field) ?? []) : null;
      }
      case "empty": {
        const Ctor = arrayTypeFor(dtype);
        return Ctor ? new Ctor(0) : null;
      }
      default:
        return null;
    }
  };

  return {
    name,
    dtype,
    dims,
    elementCount,
    dataLocation,
    ...(external ? { external } : {}),
    byteLength,
    values,
    rawBytes: () => {
      if (dataLocation !== "raw") return null;
      const reason = problem();
      if (reason) throw tensorError(reason);
      return raw!;
    },
    dataProblem: problem,
  };
}

function toExternal(entries: StringStringEntryMessage[]): OnnxExternalData {
  const record = entriesToRecord(entries);
  const out: OnnxExternalData = { location: record["location"] ?? "", entries: record };
  const offset = parseCount(record["offset"]);
  const length = parseCount(record["length"]);
  if (offset !== undefined) out.offset = offset;
  if (length !== undefined) out.length = length;
  if (record["checksum"] !== undefined) out.checksum = record["checksum"];
  return out;
}

/** A non-negative decimal integer as ONNX writes offsets and lengths; undefined otherwise. */
function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,16}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** metadata_props and external_data as a record; null prototype so `__proto__` is just a key. */
function entriesToRecord(entries: StringStringEntryMessage[]): Record<string, string> {
  const record = Object.create(null) as Record<string, string>;
  for (const e of entries) record[e.key] = e.value;
  return record;
}

export function toNumber(value: Int64 | undefined | null): number {
  if (value === undefined || value === null) return 0;
  return typeof value === "number" ? value : value.toNumber();
}
