import { countNonFinite } from "../non-finite.js";
import type { ByteSource } from "./byte-source.js";
import { dtypeOf } from "./dtypes.js";
import type { SafetensorsTensor } from "./types.js";

/** A multiple of every element width, so a chunk never splits a value. */
const CHUNK = 4 * 1024 * 1024;

/** Stream every float tensor's bytes once, in file order, through one reused buffer. */
export async function scanNonFinite(
  source: ByteSource,
  dataStart: number,
  tensors: readonly SafetensorsTensor[],
): Promise<{ tensor: string; nan: number; inf: number }[]> {
  const buffer = new Uint8Array(new ArrayBuffer(CHUNK));
  const found: { tensor: string; nan: number; inf: number }[] = [];
  for (const t of [...tensors].sort((a, b) => a.begin - b.begin)) {
    const kind = dtypeOf(t.dtype)?.float;
    if (!kind) continue;
    const total = { nan: 0, inf: 0 };
    for (let at = t.begin; at < t.end; at += CHUNK) {
      const want = Math.min(CHUNK, t.end - at);
      const got = await source.readInto(buffer.subarray(0, want), dataStart + at);
      const counts = countNonFinite(kind, buffer.subarray(0, got));
      total.nan += counts.nan;
      total.inf += counts.inf;
      if (got < want) break;
    }
    if (total.nan + total.inf > 0) found.push({ tensor: t.name, ...total });
  }
  return found;
}
