import type { DType } from "./types.js";

/** One ONNX element type: its TensorProto.DataType code, numpy-style name and storage width. */
export interface DTypeInfo {
  code: number;
  name: DType;
  /** Bits per element in raw_data (4 for int4/uint4/float4e2m1, which pack two per byte). */
  bits: number;
  kind: "float" | "int" | "uint" | "bool" | "string" | "complex";
}

const TABLE: readonly DTypeInfo[] = [
  { code: 1, name: "float32", bits: 32, kind: "float" },
  { code: 2, name: "uint8", bits: 8, kind: "uint" },
  { code: 3, name: "int8", bits: 8, kind: "int" },
  { code: 4, name: "uint16", bits: 16, kind: "uint" },
  { code: 5, name: "int16", bits: 16, kind: "int" },
  { code: 6, name: "int32", bits: 32, kind: "int" },
  { code: 7, name: "int64", bits: 64, kind: "int" },
  // Strings have no fixed width; they live in string_data, never raw_data.
  { code: 8, name: "string", bits: 0, kind: "string" },
  { code: 9, name: "bool", bits: 8, kind: "bool" },
  { code: 10, name: "float16", bits: 16, kind: "float" },
  { code: 11, name: "float64", bits: 64, kind: "float" },
  { code: 12, name: "uint32", bits: 32, kind: "uint" },
  { code: 13, name: "uint64", bits: 64, kind: "uint" },
  { code: 14, name: "complex64", bits: 64, kind: "complex" },
  { code: 15, name: "complex128", bits: 128, kind: "complex" },
  { code: 16, name: "bfloat16", bits: 16, kind: "float" },
  { code: 17, name: "float8e4m3fn", bits: 8, kind: "float" },
  { code: 18, name: "float8e4m3fnuz", bits: 8, kind: "float" },
  { code: 19, name: "float8e5m2", bits: 8, kind: "float" },
  { code: 20, name: "float8e5m2fnuz", bits: 8, kind: "float" },
  { code: 21, name: "uint4", bits: 4, kind: "uint" },
  { code: 22, name: "int4", bits: 4, kind: "int" },
  { code: 23, name: "float4e2m1", bits: 4, kind: "float" },
  { code: 24, name: "float8e8m0", bits: 8, kind: "float" },
];

const BY_CODE = new Map(TABLE.map((info) => [info.code, info]));
const BY_NAME = new Map(TABLE.map((info) => [info.name, info]));
/** Other spellings users and tools write (numpy's `float`, ONNX's `FLOAT`, `double`, `half`). */
const ALIASES: Record<string, DType> = {
  float: "float32",
  double: "float64",
  half: "float16",
  boolean: "bool",
  str: "string",
};

/** Name for a code; codes outside the table read `undefined` (0) or `dtype(N)`. */
export function dtypeName(code: number): DType {
  if (code === 0) return "undefined";
  return BY_CODE.get(code)?.name ?? `dtype(${code})`;
}

/** Table entry for a code, or undefined. */
export function dtypeInfoOfCode(code: number): DTypeInfo | undefined {
  return BY_CODE.get(code);
}

/** Table entry for a name (numpy-style, ONNX enum spelling, or a common alias), or undefined. */
export function dtypeInfo(name: DType): DTypeInfo | undefined {
  const lower = name.toLowerCase();
  return BY_NAME.get(ALIASES[lower] ?? lower);
}

/** Code for a name; throws for names ONNX has no element type for. */
export function dtypeCode(name: DType): number {
  const info = dtypeInfo(name);
  if (!info) throw new Error(`unknown ONNX element type "${name}"`);
  return info.code;
}

/** Bytes per element, or null for types that are not a whole number of bytes (strings, 4-bit). */
export function bytesPerElement(name: DType): number | null {
  const info = dtypeInfo(name);
  if (!info || info.bits === 0 || info.bits % 8 !== 0) return null;
  return info.bits / 8;
}

/** Bytes `count` elements take in raw_data (4-bit types pack two per byte), or null for strings. */
export function rawByteLength(name: DType, count: number): number | null {
  const info = dtypeInfo(name);
  if (!info || info.bits === 0) return null;
  return Math.ceil((count * info.bits) / 8);
}

/** Every element type by name, in code order. */
export function allDTypes(): readonly DTypeInfo[] {
  return TABLE;
}
