/**
 * A pass over the protobuf wire format before decoding: it checks the framing (every length fits
 * its enclosing message, wire types are valid) and counts what decoding would allocate, so a
 * hostile or truncated file is refused with its byte offset before protobufjs builds anything.
 */
import { GateError } from "@mlgate/core";
import type { OnnxLimits } from "./limits.js";
import { protobuf } from "./proto/index.js";

/** Message nesting the scan allows; below protobufjs's own recursion limit (100). */
export const MAX_MESSAGE_DEPTH = 64;

interface ScanField {
  name: string;
  repeated: boolean;
  message?: ScanType;
  /** A string field (or bytes holding UTF-8 text, like attribute strings): bounded by maxStringLength. */
  text: boolean;
  /** Elements per packed payload byte count, for repeated scalars decoded one JS value each. */
  packed?: "fixed32" | "fixed64" | "varint";
}

interface ScanType {
  name: string;
  fields: Map<number, ScanField>;
}

export interface ScanCounts {
  nodes: number;
  initializers: number;
  fields: number;
  maxGraphDepth: number;
}

const FIXED32 = new Set(["float", "fixed32", "sfixed32"]);
const FIXED64 = new Set(["double", "fixed64", "sfixed64"]);
const VARINT = new Set(["int32", "int64", "uint32", "uint64", "sint32", "sint64", "bool"]);
/** Bytes fields that carry text in ONNX (AttributeProto.s and .strings). */
const TEXT_BYTES = new Set(["onnx.AttributeProto.s", "onnx.AttributeProto.strings"]);

const cache = new WeakMap<protobuf.Type, ScanType>();

function scanTypeOf(type: protobuf.Type): ScanType {
  const known = cache.get(type);
  if (known) return known;
  const scan: ScanType = { name: type.fullName.replace(/^\./, ""), fields: new Map() };
  cache.set(type, scan);
  for (const field of type.fieldsArray) {
    field.resolve();
    const entry: ScanField = {
      name: field.name,
      repeated: field.repeated,
      text: field.type === "string" || TEXT_BYTES.has(`${scan.name}.${field.name}`),
    };
    if (field.resolvedType instanceof protobuf.Type) entry.message = scanTypeOf(field.resolvedType);
    else if (field.repeated && field.resolvedType === null) {
      if (FIXED32.has(field.type)) entry.packed = "fixed32";
      else if (FIXED64.has(field.type)) entry.packed = "fixed64";
      else if (VARINT.has(field.type)) entry.packed = "varint";
    } else if (field.repeated && field.resolvedType instanceof protobuf.Enum) entry.packed = "varint";
    scan.fields.set(field.id, entry);
  }
  return scan;
}

class ScanFailure extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly hint?: string,
  ) {
    super(reason);
  }
}

/**
 * Walk `bytes` as a `rootType` message. Throws a GateError naming `source`, the byte offset and the
 * field path when the framing is broken or a limit is exceeded; returns what it counted otherwise.
 */
export function scanWire(
  bytes: Uint8Array,
  rootType: protobuf.Type,
  limits: OnnxLimits,
  source: string,
): ScanCounts {
  const reader = protobuf.Reader.create(bytes);
  const counts: ScanCounts = { nodes: 0, initializers: 0, fields: 0, maxGraphDepth: 0 };
  // The field path being scanned, for messages: graph.node[3].attribute[0].g
  const path: { name: string; index: number }[] = [];
  let fieldStart = 0;

  const fail = (reason: string, hint?: string): never => {
    throw new ScanFailure(reason, fieldStart, hint);
  };

  const scanMessage = (type: ScanType, end: number, depth: number, graphDepth: number): void => {
    let indices: Map<number, number> | undefined;
    while (reader.pos < end) {
      fieldStart = reader.pos;
      const tag = reader.uint32();
      const id = tag >>> 3;
      const wireType = tag & 7;
      if (id === 0) fail("field number 0 (not a protobuf message)");
      if (++counts.fields > limits.maxFields) {
        fail(
          `more than ${limits.maxFields} protobuf values`,
          "raise limits.maxFields if the model is genuine",
        );
      }
      const field = type.fields.get(id);
      switch (wireType) {
        case 0:
          reader.skip();
          break;
        case 1:
          reader.skip(8);
          break;
        case 5:
          reader.skip(4);
          break;
        case 2: {
          const length = reader.uint32();
          const start = reader.pos;
          if (length > end - start) {
            const name = field ? `${type.name}.${field.name}` : `${type.name} field ${id}`;
            fail(`${name} declares ${length} bytes but only ${end - start} remain (truncated file?)`);
          }
          if (field?.message) {
            if (field.repeated && !indices) indices = new Map();
            const index = indices && field.repeated ? nextIndex(indices, id) : -1;
            path.push({ name: field.name, index });
            enterMessage(type, field, field.message, depth, graphDepth);
            const nextGraphDepth = field.message.name === "onnx.GraphProto" ? graphDepth + 1 : graphDepth;
            scanMessage(field.message, start + length, depth + 1, nextGraphDepth);
            path.pop();
          } else {
            if (field?.text && length > limits.maxStringLength) {
              fail(
                `${type.name}.${field.name} is ${length} bytes, over the limit of ${limits.maxStringLength}`,
                "raise limits.maxStringLength if the model is genuine",
              );
            }
            if (field?.packed) {
              counts.fields += packedCount(bytes, start, length, field.packed);
              if (counts.fields > limits.maxFields) {
                fail(
                  `more than ${limits.maxFields} protobuf values`,
                  "raise limits.maxFields if the model is genuine",
                );
              }
            }
            reader.pos = start + length;
          }
          break;
        }
        case 3:
          // Groups are never used by ONNX; protobufjs skips them as unknown fields, so does the scan.
          reader.skipType(3, depth, id);
          break;
        case 4:
          fail("end-group marker without a group");
          break;
        default:
          fail(`invalid wire type ${wireType} (not a protobuf message)`);
      }
      if (reader.pos > end) fail(`a field of ${type.name} runs past the end of its message`);
    }
  };

  const enterMessage = (
    parent: ScanType,
    field: ScanField,
    child: ScanType,
    depth: number,
    graphDepth: number,
  ): void => {
    if (depth + 1 > MAX_MESSAGE_DEPTH) fail(`messages nested more than ${MAX_MESSAGE_DEPTH} deep`);
    if (child.name === "onnx.NodeProto" && ++counts.nodes > limits.maxNodes) {
      fail(`more than ${limits.maxNodes} nodes`, "raise limits.maxNodes if the model is genuine");
    }
    if (
      parent.name === "onnx.GraphProto" &&
      (field.name === "initializer" || field.name === "sparse_initializer") &&
      ++counts.initializers > limits.maxInitializers
    ) {
      fail(
        `more than ${limits.maxInitializers} initializers`,
        "raise limits.maxInitializers if the model is genuine",
      );
    }
    if (child.name === "onnx.GraphProto") {
      const nested = graphDepth + 1;
      if (nested > limits.maxGraphDepth) {
        fail(
          `graphs nested more than ${limits.maxGraphDepth} deep`,
          "raise limits.maxGraphDepth if the model is genuine",
        );
      }
      counts.maxGraphDepth = Math.max(counts.maxGraphDepth, nested);
    }
  };

  try {
    scanMessage(scanTypeOf(rootType), bytes.length, 0, 0);
  } catch (e) {
    const where = path.map((p) => (p.index >= 0 ? `${p.name}[${p.index}]` : p.name)).join(".");
    const inside = where ? ` (in ${where})` : "";
    if (e instanceof ScanFailure) {
      throw new GateError(
        `${source}: not a valid ONNX file at byte offset ${e.offset}${inside}: ${e.reason}`,
        {
          location: { file: source },
          ...(e.hint ? { hint: e.hint } : { hint: "the file is truncated, corrupted or not an ONNX model" }),
        },
      );
    }
    // protobufjs's own reader errors: a varint or fixed-width value cut off by the end of the data.
    const reason = e instanceof Error ? e.message : String(e);
    throw new GateError(`${source}: not a valid ONNX file at byte offset ${fieldStart}${inside}: ${reason}`, {
      location: { file: source },
      hint: "the file is truncated, corrupted or not an ONNX model",
      cause: e,
    });
  }
  return counts;
}

function nextIndex(indices: Map<number, number>, id: number): number {
  const index = indices.get(id) ?? 0;
  indices.set(id, index + 1);
  return index;
}

/** How many values protobufjs will create from a packed payload. */
function packedCount(
  bytes: Uint8Array,
  start: number,
  length: number,
  kind: "fixed32" | "fixed64" | "varint",
): number {
  if (kind === "fixed32") return Math.ceil(length / 4);
  if (kind === "fixed64") return Math.ceil(length / 8);
  let count = 0;
  const end = start + length;
  for (let i = start; i < end; i++) if ((bytes[i]! & 0x80) === 0) count++;
  return count;
}
