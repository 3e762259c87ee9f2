/**
 * The shortest decimal that reads back as the same float32: what the model computed, without the
 * float64 noise digits (0.1f is written 0.1, not 0.10000000149011612).
 */
export function shortestFloat32(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x === 0 ? 0 : x;
  // Nine significant digits always read back; if p digits do, so do p + 1, so search down from
  // eight (most computed values need eight or nine) and stop at the first that does not.
  let y = Number(x.toPrecision(8));
  if (Math.fround(y) !== x) return Number(x.toPrecision(9));
  for (let p = 7; p >= 1; p--) {
    const shorter = Number(x.toPrecision(p));
    if (Math.fround(shorter) !== x) break;
    y = shorter;
  }
  return y;
}

/** An output value as written: float32 values at their shortest, float64 as is, -0 as 0. */
export function outputNumber(x: number, dtype: string): number {
  if (x === 0) return 0;
  return dtype === "float32" ? shortestFloat32(x) : x;
}
