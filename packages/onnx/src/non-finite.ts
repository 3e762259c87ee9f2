import { dtypeInfo } from "./dtype.js";
import type { OnnxTensorInfo, TensorValues } from "./model.js";
import type { DType } from "./types.js";

export interface NonFiniteCount {
  nan: number;
  infinity: number;
}

/**
 * Count NaN and infinite elements of a floating-point tensor, reading the values in place (small
 * float formats by their bit patterns). Integer, bool and string tensors count zero.
 */
export function countNonFinite(dtype: DType, values: TensorValues): NonFiniteCount {
  const out = { nan: 0, infinity: 0 };
  const name = dtypeInfo(dtype)?.name;
  if (values instanceof Float32Array || values instanceof Float64Array) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) out.nan++;
      else if (v === Infinity || v === -Infinity) out.infinity++;
    }
    return out;
  }
  const classify = BIT_CLASSIFIERS[name ?? ""];
  if (!classify || values instanceof BigInt64Array || values instanceof BigUint64Array) return out;
  for (let i = 0; i < values.length; i++) {
    const kind = classify(values[i]!);
    if (kind === 1) out.nan++;
    else if (kind === 2) out.infinity++;
  }
  return out;
}

/** 0 finite, 1 NaN, 2 infinite, from an element's bit pattern. */
const BIT_CLASSIFIERS: Record<string, (bits: number) => 0 | 1 | 2> = {
  float16: (b) => (((b >> 10) & 0x1f) !== 0x1f ? 0 : (b & 0x3ff) !== 0 ? 1 : 2),
  bfloat16: (b) => (((b >> 7) & 0xff) !== 0xff ? 0 : (b & 0x7f) !== 0 ? 1 : 2),
  // E4M3FN has no infinities; its NaN is S.1111.111.
  float8e4m3fn: (b) => ((b & 0x7f) === 0x7f ? 1 : 0),
  // The FNUZ formats use the negative-zero pattern as their only NaN.
  float8e4m3fnuz: (b) => ((b & 0xff) === 0x80 ? 1 : 0),
  float8e5m2fnuz: (b) => ((b & 0xff) === 0x80 ? 1 : 0),
  float8e5m2: (b) => (((b >> 2) & 0x1f) !== 0x1f ? 0 : (b & 0x3) !== 0 ? 1 : 2),
  float8e8m0: (b) => ((b & 0xff) === 0xff ? 1 : 0),
};

/** Where the NaN/infinity bits sit in one little-endian element: its byte width and top byte's masks. */
interface FloatLayout {
  width: number;
  /** Tests the element at byte `at`: 0 finite, 1 NaN, 2 infinite. */
  classify(bytes: Uint8Array, at: number): 0 | 1 | 2;
}

const LAYOUTS: Record<string, FloatLayout> = {
  float32: {
    width: 4,
    classify: (b, at) => {
      if ((b[at + 3]! & 0x7f) !== 0x7f || (b[at + 2]! & 0x80) === 0) return 0;
      return (b[at + 2]! & 0x7f) | b[at + 1]! | b[at]! ? 1 : 2;
    },
  },
  float64: {
    width: 8,
    classify: (b, at) => {
      if ((b[at + 7]! & 0x7f) !== 0x7f || (b[at + 6]! & 0xf0) !== 0xf0) return 0;
      const mantissa =
        (b[at + 6]! & 0x0f) | b[at + 5]! | b[at + 4]! | b[at + 3]! | b[at + 2]! | b[at + 1]! | b[at]!;
      return mantissa ? 1 : 2;
    },
  },
  float16: { width: 2, classify: (b, at) => BIT_CLASSIFIERS["float16"]!(b[at]! | (b[at + 1]! << 8)) },
  bfloat16: { width: 2, classify: (b, at) => BIT_CLASSIFIERS["bfloat16"]!(b[at]! | (b[at + 1]! << 8)) },
};
LAYOUTS["complex64"] = LAYOUTS["float32"]!;
LAYOUTS["complex128"] = LAYOUTS["float64"]!;
for (const name of ["float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz", "float8e8m0"]) {
  LAYOUTS[name] = { width: 1, classify: (b, at) => BIT_CLASSIFIERS[name]!(b[at]!) };
}

/**
 * Count NaN and infinite elements straight from little-endian bytes (raw_data or external data),
 * at any alignment and without copying. Non-float types count zero.
 */
export function countNonFiniteBytes(dtype: DType, bytes: Uint8Array): NonFiniteCount {
  const out = { nan: 0, infinity: 0 };
  const layout = LAYOUTS[dtypeInfo(dtype)?.name ?? ""];
  if (!layout) return out;
  const end = bytes.length - (bytes.length % layout.width);
  for (let at = 0; at < end; at += layout.width) {
    const kind = layout.classify(bytes, at);
    if (kind === 1) out.nan++;
    else if (kind === 2) out.infinity++;
  }
  return out;
}

/**
 * NaN and infinity counts of an initializer held in the model file (raw or typed data), without
 * copying raw data; null for external or missing data. Throws a GateError for corrupt data.
 */
export function scanTensorNonFinite(tensor: OnnxTensorInfo): NonFiniteCount | null {
  const bytes = tensor.rawBytes();
  if (bytes) return countNonFiniteBytes(tensor.dtype, bytes);
  const values = tensor.values();
  return values ? countNonFinite(tensor.dtype, values) : null;
}
