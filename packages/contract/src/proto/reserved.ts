import type { ReservedSet } from "./model.js";

/** Whether a field or enum number lies in one of the reserved ranges. */
export function isReservedNumber(reserved: ReservedSet, number: number): boolean {
  return reserved.numbers.some(([from, to]) => number >= from && number <= to);
}

/** The parts of `ranges` that `cover` does not contain (inclusive ranges, any order). */
export function uncoveredRanges(ranges: [number, number][], cover: [number, number][]): [number, number][] {
  const sorted = [...cover].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of ranges) {
    let start = from;
    for (const [cFrom, cTo] of sorted) {
      if (start > to) break;
      if (cTo < start) continue;
      if (cFrom > to) break;
      if (cFrom > start) out.push([start, cFrom - 1]);
      start = Math.max(start, cTo + 1);
    }
    if (start <= to) out.push([start, to]);
  }
  return out;
}

export function formatRanges(ranges: [number, number][]): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a} to ${b}`)).join(", ");
}
