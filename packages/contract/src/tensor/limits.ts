/** Bounds for signature files: manifests and signature JSON are small; these stop runaway or malicious input. */
export interface SignatureLimits {
  /** Largest manifest, model card or signature JSON, in bytes (ONNX files use @mlgate/onnx's limits). */
  maxBytes: number;
  /** Most inputs, and most outputs, of one signature. */
  maxTensors: number;
  /** Highest rank of one tensor. */
  maxRank: number;
  /** Longest tensor name or dtype, in characters. */
  maxNameLength: number;
  /** Deepest nesting of YAML/JSON collections. */
  maxDepth: number;
  /** Most YAML aliases expanded (stops billion-laughs documents). */
  maxAliases: number;
}

export const DEFAULT_SIGNATURE_LIMITS: Readonly<SignatureLimits> = Object.freeze({
  maxBytes: 4 * 1024 * 1024,
  maxTensors: 10_000,
  maxRank: 64,
  maxNameLength: 4096,
  maxDepth: 64,
  maxAliases: 100,
});

export function resolveSignatureLimits(limits: Partial<SignatureLimits> = {}): SignatureLimits {
  const out = { ...DEFAULT_SIGNATURE_LIMITS };
  for (const key of Object.keys(out) as (keyof SignatureLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!(value >= 0)) throw new RangeError(`signature limit ${key} must be a number >= 0, got ${value}`);
    out[key] = value;
  }
  return out;
}
