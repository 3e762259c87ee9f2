/**
 * The shortest decimal that reads back as the same float32: what the model computed, without the
 * float64 noise digits (0.1f is written 0.1, not 0.10000000149011612).
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x === 0 ? 0 : x;
  const fits = (p: number) => {
    const y = Number(x.toPrecision(p));
    return Math.fround(y) === x ? y : undefined;
  };
  // Computed values mostly need 7 to 9 digits: try 6 first, and only go shorter when 6 already fits.
  const six = fits(6);
  if (six === undefined) {
    for (let p = 7; p <= 9; p++) {
      const y = fits(p);
      if (y !== undefined) return y;
    }
    return x;
  }
  for (let p = 1; p < 6; p++) {
    const y = fits(p);
    if (y !== undefined) return y;
  }
  return six;
}

/** An output value as written: float32 values at their shortest, float64 as is, -0 as 0. */
export function outputNumber(x: number, dtype: string): number {
  if (x === 0) return 0;
  return dtype === "float32" ? shortestFloat32(x) : x;
}
