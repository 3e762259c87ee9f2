/** Bounds that keep a hostile or accidental config from hanging a gate or exhausting memory. */
export interface ConfigLimits {
  /** Largest accepted file, in bytes. */
  maxBytes: number;
  /** Deepest nesting of mappings and lists (the top-level mapping is depth 1). */
  maxDepth: number;
  /** Most alias nodes (`*name`) in the document. */
  maxAliases: number;
  /** Most nodes in the document once aliases are expanded (stops billion-laughs expansion). */
  maxNodes: number;
}

export const DEFAULT_CONFIG_LIMITS: Readonly<ConfigLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxAliases: 100,
  maxNodes: 100_000,
});

/** Defaults filled in; `undefined` entries count as not given. */
export function resolveLimits(limits: Partial<ConfigLimits> = {}): ConfigLimits {
  const out = { ...DEFAULT_CONFIG_LIMITS };
  for (const key of Object.keys(out) as (keyof ConfigLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!(value >= 0)) throw new RangeError(`config limit ${key} must be a number >= 0, got ${value}`);
    out[key] = value;
  }
  return out;
}
