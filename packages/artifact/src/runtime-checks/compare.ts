import type { TensorData } from "@mlgate/onnx";
import type { NestedTensor } from "./nested.js";

export interface Tolerance {
  /** |actual − expected| <= atol + rtol × |expected|, as numpy.allclose. */
  atol: number;
  rtol: number;
  /** Compare the indices of the k largest values along the last axis instead of the values. */
  topK?: number;
}

export const DEFAULT_TOLERANCE: Readonly<Tolerance> = Object.freeze({ atol: 1e-5, rtol: 1e-4 });

/** Why an output differs from its golden value, or undefined when it agrees. */
export function compareOutput(
  actual: TensorData,
  expected: NestedTensor,
  tolerance: Tolerance,
): string | undefined {
  const got = Array.from(actual.data as ArrayLike<number | bigint | string>);
  const sameShape =
    actual.dims.length === expected.dims.length && actual.dims.every((d, i) => d === expected.dims[i]);
  if (!sameShape && !(got.length === expected.values.length && got.length === 1)) {
    return `shape [${actual.dims.join(", ")}], golden [${expected.dims.join(", ")}]`;
  }
  if (tolerance.topK !== undefined) return compareTopK(got.map(Number), expected, tolerance.topK);
  let worst: { index: number; diff: number } | undefined;
  for (let i = 0; i < got.length; i++) {
    const a = got[i]!;
    const e = expected.values[i]!;
    if (typeof a === "string" || typeof e === "string") {
      if (String(a) !== String(e))
        return `element ${i} is ${JSON.stringify(String(a))}, golden ${JSON.stringify(String(e))}`;
      continue;
    }
    const x = Number(a);
    const y = Number(e);
    const diff = Math.abs(x - y);
    const ok = x === y || diff <= tolerance.atol + tolerance.rtol * Math.abs(y);
    if (!ok && (worst === undefined || !(diff <= worst.diff))) worst = { index: i, diff };
  }
  if (!worst) return undefined;
  const a = Number(got[worst.index]);
  const e = Number(expected.values[worst.index]);
  return `element ${worst.index} is ${a}, golden ${e} (difference ${worst.diff.toPrecision(3)}, allowed ${(tolerance.atol + tolerance.rtol * Math.abs(e)).toPrecision(3)})`;
}

function topIndices(row: readonly number[], k: number): Set<number> {
  return new Set(
    row
      .map((v, i) => [v, i] as const)
      .sort((p, q) => q[0] - p[0] || p[1] - q[1])
      .slice(0, k)
      .map(([, i]) => i),
  );
}

/** Per row of the last axis, the k highest-scoring classes must be the same set. */
function compareTopK(got: number[], expected: NestedTensor, k: number): string | undefined {
  const width = expected.dims[expected.dims.length - 1] ?? got.length;
  if (width === 0) return undefined;
  const golden = expected.values.map(Number);
  let disagree = 0;
  let first = -1;
  const rows = Math.floor(got.length / width);
  for (let r = 0; r < rows; r++) {
    const a = topIndices(got.slice(r * width, (r + 1) * width), k);
    const e = topIndices(golden.slice(r * width, (r + 1) * width), k);
    if (a.size !== e.size || [...a].some((i) => !e.has(i))) {
      disagree++;
      if (first < 0) first = r;
    }
  }
  return disagree === 0
    ? undefined
    : `top-${k} classes differ from the golden ones in ${disagree} of ${rows} row(s), first in row ${first}`;
}

/** Exactly equal element for element (NaN equal to NaN): the determinism check. */
export function identical(a: TensorData, b: TensorData): boolean {
  if (a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
  const x = a.data as ArrayLike<unknown>;
  const y = b.data as ArrayLike<unknown>;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** NaN and infinite values in a float output. */
export function nonFiniteIn(t: TensorData): number {
  if (!(t.data instanceof Float32Array || t.data instanceof Float64Array)) return 0;
  let n = 0;
  for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i]!)) n++;
  return n;
}
