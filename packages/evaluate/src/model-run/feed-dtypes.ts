import type { TensorValues } from "@mlgate/onnx";

/** Element types a dataset can feed; each has a buffer and a check that a value fits it. */
export type FeedDType =
  | "float32"
  | "float64"
  | "int64"
  | "int32"
  | "int16"
  | "int8"
  | "uint32"
  | "uint16"
  | "uint8"
  | "bool"
  | "string";

export type FeedBuffer = TensorValues | string[];

const INTEGER_RANGES: Partial<Record<FeedDType, [number, number]>> = {
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  int8: [-128, 127],
  uint32: [0, 2 ** 32 - 1],
  uint16: [0, 2 ** 16 - 1],
  uint8: [0, 255],
  bool: [0, 1],
};

export function isFeedDType(dtype: string | undefined): dtype is FeedDType {
  return (
    dtype !== undefined &&
    (dtype === "float32" || dtype === "float64" || dtype === "string" || dtype in INTEGER_RANGES)
  );
}

export function allocate(dtype: FeedDType, length: number): FeedBuffer {
  switch (dtype) {
    case "float32":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
    case "int64":
      return new BigInt64Array(length);
    case "int32":
      return new Int32Array(length);
    case "int16":
      return new Int16Array(length);
    case "int8":
      return new Int8Array(length);
    case "uint32":
      return new Uint32Array(length);
    case "uint16":
      return new Uint16Array(length);
    case "uint8":
    case "bool":
      return new Uint8Array(length);
    case "string":
      return new Array<string>(length).fill("");
  }
}

/**
 * Why `value` cannot be stored as `dtype`, or null when it can: a float32 that would overflow to
 * infinity, a fraction or an out-of-range number for an integer type.
 */
export function castProblem(dtype: FeedDType, value: number): string | null {
  if (dtype === "float64") return null;
  if (dtype === "float32") {
    return Number.isFinite(Math.fround(value)) ? null : `${value} overflows float32`;
  }
  const range = INTEGER_RANGES[dtype];
  if (!range) return null;
  if (!Number.isInteger(value)) return `${value} is not a whole number`;
  if (value < range[0] || value > range[1])
    return `${value} is outside the range of ${dtype} (${range[0]} to ${range[1]})`;
  return null;
}

/** Store a value already checked by castProblem (or a string, for string buffers). */
export function store(buffer: FeedBuffer, at: number, value: number | string): void {
  if (buffer instanceof BigInt64Array) buffer[at] = BigInt(value as number);
  else (buffer as { [i: number]: number | string })[at] = value;
}

/** Copy `count` elements from `from` to `to` within a buffer (to pad a fixed-size batch). */
export function copyWithin(buffer: FeedBuffer, target: number, start: number, count: number): void {
  if (Array.isArray(buffer)) {
    for (let i = 0; i < count; i++) buffer[target + i] = buffer[start + i]!;
  } else {
    buffer.copyWithin(target, start, start + count);
  }
}
