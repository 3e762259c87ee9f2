import type { FloatEncoding } from "../non-finite.js";

/**
 * Element types of the safetensors format and their width in bits (sub-byte float types included),
 * with whether (and how) a value of the type can be NaN or infinite.
 */
export interface SafetensorsDtype {
  bits: number;
  /** How to spot NaN and infinity in the raw bits; undefined for types that have neither. */
  float?: FloatEncoding;
}

export const SAFETENSORS_DTYPES: Readonly<Record<string, SafetensorsDtype>> = Object.freeze({
  BOOL: { bits: 8 },
  U8: { bits: 8 },
  I8: { bits: 8 },
  U16: { bits: 16 },
  I16: { bits: 16 },
  U32: { bits: 32 },
  I32: { bits: 32 },
  U64: { bits: 64 },
  I64: { bits: 64 },
  F4: { bits: 4 },
  F6_E2M3: { bits: 6 },
  F6_E3M2: { bits: 6 },
  F8_E8M0: { bits: 8 },
  F8_E4M3: { bits: 8, float: "f8e4m3fn" },
  F8_E5M2: { bits: 8, float: "f8e5m2" },
  F16: { bits: 16, float: "f16" },
  BF16: { bits: 16, float: "bf16" },
  F32: { bits: 32, float: "f32" },
  F64: { bits: 64, float: "f64" },
  C64: { bits: 64, float: "f32" },
});

export function dtypeOf(name: string): SafetensorsDtype | undefined {
  return Object.hasOwn(SAFETENSORS_DTYPES, name) ? SAFETENSORS_DTYPES[name] : undefined;
}

/** Bytes a tensor of this type and element count occupies, or undefined when it is not a whole number. */
export function byteSize(dtype: SafetensorsDtype, elements: bigint): bigint | undefined {
  const bits = elements * BigInt(dtype.bits);
  return bits % 8n === 0n ? bits / 8n : undefined;
}
