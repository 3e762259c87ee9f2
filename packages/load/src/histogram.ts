import { inflateSync } from "node:zlib";
import { GateError } from "@mlgate/core";
import * as hdr from "hdr-histogram-js";

export type Histogram = hdr.Histogram;

/** Values are recorded in microseconds, from 1 µs to one hour. */
export const HIGHEST_TRACKABLE = 3_600_000_000;
const MAX_ENCODED_CHARS = 16 * 1024 * 1024;
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

/** 3 significant digits (0.1% precision) for the run's histograms; 2 for the many per-interval ones. */
export function newHistogram(digits: 2 | 3 = 3): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE,
    numberOfSignificantValueDigits: digits,
    bitBucketSize: 32,
  });
}

/** Record a value in integer units (µs, or milli-tokens per second), clamped into the trackable range. */
export function recordUnits(h: Histogram, units: number): void {
  const v = Math.round(units);
  h.recordValue(v < 1 ? 1 : v > HIGHEST_TRACKABLE ? HIGHEST_TRACKABLE : v);
}

/** Record a duration given in milliseconds at microsecond resolution. */
export function recordMs(h: Histogram, ms: number): void {
  recordUnits(h, ms * 1000);
}

/** The value at percentile `p` (0–100) in milliseconds, or undefined when nothing was recorded. */
export function percentileMs(h: Histogram, p: number): number | undefined {
  return h.totalCount === 0 ? undefined : h.getValueAtPercentile(p) / 1000;
}

/** Compressed base64 (HdrHistogram's standard encoding), so other HdrHistogram tools can read it too. */
export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/**
 * Decode a histogram from a result file. The header is checked before the decoder allocates, so a
 * crafted value (a huge range, a compression bomb) is refused instead of exhausting memory.
 */
export function decodeHistogram(encoded: string, what: string): Histogram {
  const bad = (why: string) => new GateError(`${what} is not a valid encoded histogram: ${why}`);
  if (typeof encoded !== "string" || encoded.length === 0) throw bad("empty");
  if (encoded.length > MAX_ENCODED_CHARS) throw bad(`over ${MAX_ENCODED_CHARS} characters`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw bad("not base64");
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length < 8) throw bad("too short");
  const length = bytes.readInt32BE(4);
  if (length <= 0 || 8 + length > bytes.length) throw bad("the compressed length does not match");
  let inflated: Buffer;
  try {
    inflated = inflateSync(bytes.subarray(8, 8 + length), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch {
    throw bad("the compressed payload does not inflate within the size limit");
  }
  if (inflated.length < 40) throw bad("the header is truncated");
  const digits = inflated.readInt32BE(12);
  const lowest = Number(inflated.readBigInt64BE(16));
  const highest = Number(inflated.readBigInt64BE(24));
  if (digits < 1 || digits > 3 || lowest !== 1 || highest < 2 || highest > HIGHEST_TRACKABLE) {
    throw bad(`unexpected range (digits ${digits}, lowest ${lowest}, highest ${highest})`);
  }
  try {
    return hdr.decodeFromCompressedBase64(encoded, 32);
  } catch (e) {
    throw bad(e instanceof Error ? e.message : String(e));
  }
}

/** A copy of `h` (merging starts from an empty histogram so inputs stay untouched). */
export function mergeHistograms(parts: readonly Histogram[], digits: 2 | 3 = 3): Histogram {
  const out = newHistogram(digits);
  for (const p of parts) out.add(p);
  return out;
}
