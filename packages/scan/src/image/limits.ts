import { formatValue, GateError } from "@mlgate/core";
import type { ImageLimits } from "./types.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Generous enough for CUDA serving images with weights baked in; small enough to stop a bomb. */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxManifestBytes: 4 * MiB,
  maxConfigBytes: 8 * MiB,
  maxLayers: 512,
  maxLayerBytes: 32 * GiB,
  maxLayerUncompressedBytes: 64 * GiB,
  maxImageUncompressedBytes: 128 * GiB,
  maxEntriesPerLayer: 1_000_000,
  maxEntryBytes: 64 * GiB,
  maxPathLength: 4096,
  maxArchiveEntries: 100_000,
  maxArchiveBytes: 128 * GiB,
  maxRedirects: 5,
  requestTimeoutMs: 60_000,
};

export function resolveImageLimits(partial: Partial<ImageLimits> | undefined): ImageLimits {
  const limits = { ...DEFAULT_IMAGE_LIMITS };
  for (const [key, value] of Object.entries(partial ?? {})) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_IMAGE_LIMITS)) {
      throw new GateError(`unknown image limit "${key}"`, {
        hint: `known limits: ${Object.keys(DEFAULT_IMAGE_LIMITS).join(", ")}`,
      });
    }
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw new GateError(`image limit ${key} must be a positive number, got ${String(value)}`);
    }
    limits[key as keyof ImageLimits] = value;
  }
  return limits;
}

/** `1.5 MiB`, `64 GiB`: sizes in messages. */
export function formatBytes(bytes: number): string {
  return formatValue(bytes, "bytes");
}
