import { GateError } from "@mlgate/core";

/**
 * Every bound the static scanner works within. A stream that would exceed one is not
 * judged further: it fails as `pickle.limit` (or `zip.limit`, `keras.limit`), never hangs.
 */
export interface ScanLimits {
  /** Opcodes interpreted in one pickle stream. */
  maxOpcodes: number;
  /** Distinct memo entries in one pickle stream. */
  maxMemo: number;
  /** Values on the stack plus open MARKs. */
  maxStackDepth: number;
  /** Length of one string, bytes or integer argument, in bytes. */
  maxStringBytes: number;
  /** Length of one protocol-0 text line (GLOBAL, INT, STRING, ...). */
  maxLineBytes: number;
  /** Items retained per container for analysis (beyond that only counted). */
  maxRetainedItems: number;
  /** Distinct globals one pickle may import. */
  maxGlobals: number;
  /** Pickle streams in one file (legacy torch has five, joblib nests one per object array). */
  maxPickles: number;
  /** Bytes of a compressed archive member inflated into memory for scanning. */
  maxInflatedBytes: number;
  /** Entries in a zip archive. */
  maxZipEntries: number;
  /** Size of a zip central directory. */
  maxCentralDirectoryBytes: number;
  /** Size of a Keras config.json / metadata.json. */
  maxJsonBytes: number;
  /** Nesting depth of a Keras config. */
  maxJsonDepth: number;
  /** Wall-clock time for one file, in milliseconds. */
  timeMs: number;
}

export const DEFAULT_LIMITS: Readonly<ScanLimits> = Object.freeze({
  maxOpcodes: 200_000_000,
  maxMemo: 4_000_000,
  maxStackDepth: 1_000_000,
  maxStringBytes: 4 * 1024 ** 3,
  maxLineBytes: 64 * 1024,
  maxRetainedItems: 65_536,
  maxGlobals: 100_000,
  maxPickles: 64,
  maxInflatedBytes: 512 * 1024 ** 2,
  maxZipEntries: 100_000,
  maxCentralDirectoryBytes: 64 * 1024 ** 2,
  maxJsonBytes: 64 * 1024 ** 2,
  maxJsonDepth: 256,
  timeMs: 300_000,
});

export function resolveLimits(partial: Partial<ScanLimits> | undefined): ScanLimits {
  const limits = { ...DEFAULT_LIMITS, ...(partial ?? {}) };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new GateError(`scan limit ${key} must be a positive number, got ${String(value)}`, {
        hint: "set every limit to a positive number, or leave it out to keep the default",
      });
    }
  }
  return limits;
}

/** A wall-clock budget shared by everything that scans one file. */
export class Deadline {
  private readonly end: number;
  constructor(readonly ms: number) {
    this.end = performance.now() + ms;
  }
  expired(): boolean {
    return performance.now() > this.end;
  }
}
