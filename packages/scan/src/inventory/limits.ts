import { GateError } from "@mlgate/core";

export interface InventoryLimits {
  /** Bytes of one package database, lockfile or metadata file that is read and parsed. */
  maxParsedFileBytes: number;
  /** Packages listed by one file. */
  maxPackagesPerFile: number;
  /** Directories, symlinks and recorded files kept for the merged filesystem. */
  maxTreeNodes: number;
  /** Symlinks followed while resolving one path (Linux stops at 40 too). */
  maxSymlinkHops: number;
  /** Wall-clock time for the whole walk. */
  maxDurationMs: number;
}

export const DEFAULT_INVENTORY_LIMITS: InventoryLimits = {
  maxParsedFileBytes: 64 * 1024 * 1024,
  maxPackagesPerFile: 200_000,
  maxTreeNodes: 2_000_000,
  maxSymlinkHops: 40,
  maxDurationMs: 30 * 60 * 1000,
};

export function resolveInventoryLimits(partial: Partial<InventoryLimits> | undefined): InventoryLimits {
  const limits = { ...DEFAULT_INVENTORY_LIMITS };
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_INVENTORY_LIMITS)) {
      throw new GateError(`unknown inventory limit "${key}"`, {
        hint: `known limits: ${Object.keys(DEFAULT_INVENTORY_LIMITS).join(", ")}`,
      });
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new GateError(`inventory limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key as keyof InventoryLimits] = value;
  }
  return limits;
}
