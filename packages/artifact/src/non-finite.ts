/**
 * Counting NaN and infinite values in raw little-endian float data by their bit patterns (an
 * all-ones exponent), which is as fast for half and 8-bit floats as for float32. Shared by the
 * safetensors and ONNX checks.
 */

/** Float encodings by how NaN and infinity look in them. */
export type FloatEncoding =
  | "f16"
  | "bf16"
  | "f32"
  | "f64"
  /** float8 E4M3 "fn": no infinity; S.1111.111 is NaN. */
  | "f8e4m3fn"
  | "f8e5m2"
  /** The "fnuz" float8 variants: no infinity, no negative zero; 0x80 is NaN. */
  | "f8fnuz";

export interface NonFiniteCount {
  nan: number;
  inf: number;
}

function tally(count: NonFiniteCount, nan: boolean): void {
  if (nan) count.nan++;
  else count.inf++;
}

/** Elements checked together before looking at any one of them. */
const BLOCK = 4096;

/**
 * x × 0 is ±0 for every finite x and NaN for NaN and ±∞, so a block's sum of them is 0 exactly when
 * the whole block is finite: four independent sums with no branch per element, which runs about
 * twice as fast as testing each element's exponent bits. Blocks that fail are then counted exactly.
 */
function blockIsFinite(v: Float32Array | Float64Array, start: number, end: number): boolean {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    s0 += v[i]! * 0;
    s1 += v[i + 1]! * 0;
    s2 += v[i + 2]! * 0;
    s3 += v[i + 3]! * 0;
  }
  for (; i < end; i++) s0 += v[i]! * 0;
  return s0 + s1 + s2 + s3 === 0;
}

/** Aligned little-endian data read through typed views: several times faster than a DataView. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function countAligned(kind: FloatEncoding, bytes: Uint8Array, out: NonFiniteCount): boolean {
  if (!LITTLE_ENDIAN) return false;
  const width = encodingWidth(kind);
  if (bytes.byteOffset % width !== 0 || bytes.byteLength % width !== 0) return false;
  const n = bytes.byteLength / width;
  if (kind === "f32" || kind === "f64") {
    const floats =
      kind === "f32"
        ? new Float32Array(bytes.buffer, bytes.byteOffset, n)
        : new Float64Array(bytes.buffer, bytes.byteOffset, n);
    for (let start = 0; start < n; start += BLOCK) {
      const end = Math.min(n, start + BLOCK);
      if (blockIsFinite(floats, start, end)) continue;
      for (let i = start; i < end; i++) {
        const x = floats[i]!;
        if (Number.isNaN(x)) out.nan++;
        else if (x === Infinity || x === -Infinity) out.inf++;
      }
    }
    return true;
  }
  if (kind === "f16" || kind === "bf16") {
    const v = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
    const [exp, man] = kind === "f16" ? [0x7c00, 0x03ff] : [0x7f80, 0x007f];
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if ((x & exp) === exp) tally(out, (x & man) !== 0);
    }
    return true;
  }
  return false;
}

export function countNonFinite(kind: FloatEncoding, bytes: Uint8Array): NonFiniteCount {
  const out = { nan: 0, inf: 0 };
  if (countAligned(kind, bytes, out)) return out;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (kind) {
    case "f32":
      for (let i = 0; i + 4 <= bytes.byteLength; i += 4) {
        const v = view.getUint32(i, true);
        if ((v & 0x7f800000) === 0x7f800000) tally(out, (v & 0x007fffff) !== 0);
      }
      break;
    case "f64":
      for (let i = 0; i + 8 <= bytes.byteLength; i += 8) {
        const hi = view.getUint32(i + 4, true);
        if ((hi & 0x7ff00000) === 0x7ff00000) {
          tally(out, ((hi & 0x000fffff) | view.getUint32(i, true)) !== 0);
        }
      }
      break;
    case "f16":
      for (let i = 0; i + 2 <= bytes.byteLength; i += 2) {
        const v = view.getUint16(i, true);
        if ((v & 0x7c00) === 0x7c00) tally(out, (v & 0x03ff) !== 0);
      }
      break;
    case "bf16":
      for (let i = 0; i + 2 <= bytes.byteLength; i += 2) {
        const v = view.getUint16(i, true);
        if ((v & 0x7f80) === 0x7f80) tally(out, (v & 0x007f) !== 0);
      }
      break;
    case "f8e5m2":
      for (let i = 0; i < bytes.byteLength; i++) {
        const v = bytes[i]!;
        if ((v & 0x7c) === 0x7c) tally(out, (v & 0x03) !== 0);
      }
      break;
    case "f8e4m3fn":
      for (let i = 0; i < bytes.byteLength; i++) if ((bytes[i]! & 0x7f) === 0x7f) out.nan++;
      break;
    case "f8fnuz":
      for (let i = 0; i < bytes.byteLength; i++) if (bytes[i] === 0x80) out.nan++;
      break;
  }
  return out;
}

/** Bytes per element of an encoding, so streamed chunks never split a value. */
export function encodingWidth(kind: FloatEncoding): number {
  return kind === "f64" ? 8 : kind === "f32" ? 4 : kind === "f16" || kind === "bf16" ? 2 : 1;
}

export function describeNonFinite(count: NonFiniteCount): string {
  const parts = [];
  if (count.nan > 0) parts.push(`${count.nan} NaN value(s)`);
  if (count.inf > 0) parts.push(`${count.inf} infinite value(s)`);
  return parts.join(" and ");
}
