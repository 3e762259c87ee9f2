import type { Dim } from "@mlgate/onnx";

export function formatShape(shape: readonly Dim[] | null): string {
  if (shape === null) return "unknown";
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}

export function formatDim(dim: Dim): string {
  return dim === null ? "unknown" : typeof dim === "number" ? String(dim) : `symbolic ${dim}`;
}

/**
 * Whether a tensor of this concrete shape fits a declared shape: same rank, fixed sizes equal,
 * every occurrence of one symbol the same size, unknown dimensions anything. An unknown rank
 * (null) fits every shape.
 */
export function shapeAccepts(declared: readonly Dim[] | null, concrete: readonly number[]): boolean {
  if (declared === null) return true;
  if (declared.length !== concrete.length) return false;
  const symbols = new Map<string, number>();
  return declared.every((dim, i) => {
    const size = concrete[i]!;
    if (typeof dim === "number") return dim === size;
    if (typeof dim === "string") {
      const seen = symbols.get(dim);
      if (seen !== undefined) return seen === size;
      symbols.set(dim, size);
    }
    return true;
  });
}

/**
 * A concrete shape that fits `declared`, choosing for each symbol (and each unknown dimension)
 * the smallest size that avoids the sizes `avoid` names at its positions, so the result fits
 * `declared` but differs from another side's fixed sizes wherever it can.
 */
export function concreteShape(
  declared: readonly Dim[],
  avoid: (index: number) => number | undefined,
): number[] {
  const avoidBySymbol = new Map<string, Set<number>>();
  declared.forEach((dim, i) => {
    const size = avoid(i);
    if (typeof dim !== "string" || size === undefined) return;
    let set = avoidBySymbol.get(dim);
    if (!set) {
      set = new Set();
      avoidBySymbol.set(dim, set);
    }
    set.add(size);
  });
  const smallestNotIn = (set: ReadonlySet<number>): number => {
    let n = 1;
    while (set.has(n)) n++;
    return n;
  };
  return declared.map((dim, i) => {
    if (typeof dim === "number") return dim;
    if (typeof dim === "string") return smallestNotIn(avoidBySymbol.get(dim) ?? new Set());
    const size = avoid(i);
    return smallestNotIn(new Set(size === undefined ? [] : [size]));
  });
}
