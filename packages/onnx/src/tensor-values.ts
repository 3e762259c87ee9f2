/**
 * Element values of a tensor, read from where the file keeps them: raw_data (little-endian, fixed
 * width) or the typed *_data fields (packed payloads, decoded on demand).
 */
import { dtypeInfo, rawByteLength } from "./dtype.js";
import type { TensorValues } from "./model.js";
import type { DType } from "./types.js";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type TypedArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** The typed array that holds raw elements of a dtype (bit patterns for the small float formats). */
export function arrayTypeFor(dtype: DType): TypedArrayConstructor | null {
  switch (dtypeInfo(dtype)?.name) {
    case "float32":
    case "complex64":
      return Float32Array;
    case "float64":
    case "complex128":
      return Float64Array;
    case "int8":
      return Int8Array;
    case "uint8":
    case "bool":
    case "float8e4m3fn":
    case "float8e4m3fnuz":
    case "float8e5m2":
    case "float8e5m2fnuz":
    case "float8e8m0":
    case "int4":
    case "uint4":
    case "float4e2m1":
      return Uint8Array;
    case "int16":
      return Int16Array;
    case "uint16":
    case "float16":
    case "bfloat16":
      return Uint16Array;
    case "int32":
      return Int32Array;
    case "uint32":
      return Uint32Array;
    case "int64":
      return BigInt64Array;
    case "uint64":
      return BigUint64Array;
    default:
      return null;
  }
}

/**
 * Raw little-endian bytes as typed elements: a view when the bytes are aligned for the element
 * width, otherwise a copy. Null for dtypes without a fixed width (strings).
 */
export function rawValues(dtype: DType, bytes: Uint8Array): TensorValues | null {
  const Ctor = arrayTypeFor(dtype);
  if (!Ctor) return null;
  const width = Ctor.BYTES_PER_ELEMENT;
  if (bytes.byteLength % width !== 0) return null;
  const count = bytes.byteLength / width;
  if (LITTLE_ENDIAN && bytes.byteOffset % width === 0)
    return new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  if (!LITTLE_ENDIAN) swapBytes(copy, width);
  return new Ctor(copy.buffer, 0, count);
}

function swapBytes(bytes: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** Which typed field carries a dtype's elements, per onnx.proto. */
export function typedFieldFor(
  dtype: DType,
): "float_data" | "double_data" | "int32_data" | "int64_data" | "uint64_data" | null {
  const name = dtypeInfo(dtype)?.name;
  switch (name) {
    case "float32":
    case "complex64":
      return "float_data";
    case "float64":
    case "complex128":
      return "double_data";
    case "int64":
      return "int64_data";
    case "uint32":
    case "uint64":
      return "uint64_data";
    case undefined:
    case "string":
      return null;
    default:
      return "int32_data";
  }
}

/** Number of stored scalars for `count` elements (complex numbers store two, 4-bit types half). */
export function storedScalarCount(dtype: DType, count: number): number {
  const info = dtypeInfo(dtype);
  if (info?.kind === "complex") return count * 2;
  if (info?.bits === 4) return Math.ceil(count / 2);
  return count;
}

/** Packed payloads (and unpacked scalars, as one-element payloads) of a typed data field, decoded. */
export function typedValues(
  dtype: DType,
  field: "float_data" | "double_data" | "int32_data" | "int64_data" | "uint64_data",
  chunks: readonly Uint8Array[],
): TensorValues | null {
  const Ctor = arrayTypeFor(dtype);
  if (!Ctor) return null;
  if (field === "float_data" || field === "double_data") {
    const bytes = chunks.length === 1 ? chunks[0]! : concat(chunks);
    return rawValues(dtype, bytes);
  }
  const count = chunks.reduce((sum, chunk) => sum + varintCount(chunk), 0);
  const out = new Ctor(count);
  let i = 0;
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
    for (const chunk of chunks) {
      readVarints(chunk, (lo, hi) => {
        const value = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
        out[i++] = out instanceof BigInt64Array ? BigInt.asIntN(64, value) : value;
      });
    }
  } else {
    const target = out as Exclude<TensorValues, BigInt64Array | BigUint64Array>;
    // int32_data holds int32 values (sign-extended varints); uint64_data holds uint32 for dtype uint32.
    for (const chunk of chunks) {
      readVarints(chunk, (lo) => {
        target[i++] = lo;
      });
    }
  }
  return out;
}

/** Number of stored scalars in a typed field's chunks, without decoding them. */
export function typedCount(
  field: "float_data" | "double_data" | "int32_data" | "int64_data" | "uint64_data",
  chunks: readonly Uint8Array[],
): number {
  if (field === "float_data") return chunks.reduce((sum, c) => sum + c.byteLength / 4, 0);
  if (field === "double_data") return chunks.reduce((sum, c) => sum + c.byteLength / 8, 0);
  return chunks.reduce((sum, c) => sum + varintCount(c), 0);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function varintCount(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) if ((bytes[i]! & 0x80) === 0) count++;
  return count;
}

/**
 * Calls `emit(low32, high32)` for each varint. A varint cut off at the end of its payload is
 * dropped (varintCount does not count it either).
 */
function readVarints(bytes: Uint8Array, emit: (lo: number, hi: number) => void): void {
  let lo = 0;
  let hi = 0;
  let shift = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (shift < 28) lo |= (b & 0x7f) << shift;
    else if (shift === 28) {
      lo |= (b & 0x0f) << 28;
      hi |= (b & 0x7f) >> 4;
    } else if (shift < 64) hi |= (b & 0x7f) << (shift - 32);
    shift += 7;
    if ((b & 0x80) === 0) {
      emit(lo, hi);
      lo = 0;
      hi = 0;
      shift = 0;
    }
  }
}

/** Expected stored size check: the reason raw bytes do not fit dims × dtype, or null. */
export function rawSizeProblem(dtype: DType, elementCount: number, byteLength: number): string | null {
  const expected = rawByteLength(dtype, elementCount);
  if (expected === null) return `element type ${dtype} cannot be stored as raw bytes`;
  if (expected !== byteLength)
    return `holds ${byteLength} bytes, expected ${expected} for ${elementCount} ${dtype}`;
  return null;
}
