/**
 * Bounds that keep a hostile or accidental contract (a billion-laughs YAML, a `$ref` maze, a
 * multi-gigabyte file) from hanging the gate or exhausting memory. Defaults fit real descriptions
 * several times the size of Stripe's or GitHub's.
 */
export interface ContractLimits {
  /** Largest single file, in bytes. */
  maxFileBytes: number;
  /** All files of one side together, in bytes. */
  maxTotalBytes: number;
  /** Files one side may pull in through `$ref`. */
  maxFiles: number;
  /** Deepest nesting of mappings and lists in a file. */
  maxDepth: number;
  /** Values in one file once YAML aliases are expanded. */
  maxNodes: number;
  /** YAML alias nodes (`*name`) in one file. */
  maxAliases: number;
  /** `$ref`s across all files of one side. */
  maxRefs: number;
  /** A `$ref` that points at another `$ref`, and so on: longest chain followed. */
  maxRefChain: number;
  /** Time allowed to fetch one allow-listed URL, in milliseconds. */
  fetchTimeoutMs: number;
}

export const DEFAULT_CONTRACT_LIMITS: Readonly<ContractLimits> = Object.freeze({
  maxFileBytes: 64 * 1024 * 1024,
  maxTotalBytes: 128 * 1024 * 1024,
  maxFiles: 1000,
  maxDepth: 256,
  maxNodes: 5_000_000,
  maxAliases: 10_000,
  maxRefs: 500_000,
  maxRefChain: 64,
  fetchTimeoutMs: 10_000,
});

/** Defaults filled in; `undefined` entries count as not given. */
export function contractLimits(limits: Partial<ContractLimits> = {}): ContractLimits {
  const out = { ...DEFAULT_CONTRACT_LIMITS };
  for (const key of Object.keys(out) as (keyof ContractLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!(value >= 0)) throw new RangeError(`contract limit ${key} must be a number >= 0, got ${value}`);
    out[key] = value;
  }
  return out;
}

export const LIMIT_HINT =
  "these limits stop runaway or malicious contracts; real API descriptions stay far below them";
