/** Bounds that keep a hostile or accidental set of .proto files from hanging the gate or exhausting memory. */
export interface ProtoLimits {
  /** Largest accepted .proto file, in bytes. */
  maxFileBytes: number;
  /** Largest accepted total of all files of one side, in bytes. */
  maxTotalBytes: number;
  /** Most files on one side (the given ones plus everything they import). */
  maxFiles: number;
  /** Deepest nesting of braces (messages in messages, aggregate option values). */
  maxDepth: number;
  /** Most declarations (messages, enums, services, fields, enum values, RPCs) on one side. */
  maxDeclarations: number;
}

export const DEFAULT_PROTO_LIMITS: Readonly<ProtoLimits> = Object.freeze({
  // descriptor.proto, one of the largest real files, is about 50 KB.
  maxFileBytes: 2 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024,
  maxFiles: 2000,
  // protoc refuses message nesting beyond 32; braces of aggregate options add a little.
  maxDepth: 32,
  maxDeclarations: 200_000,
});

/** Defaults filled in; `undefined` entries count as not given. */
export function resolveProtoLimits(limits: Partial<ProtoLimits> = {}): ProtoLimits {
  const out = { ...DEFAULT_PROTO_LIMITS };
  for (const key of Object.keys(out) as (keyof ProtoLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!(value >= 0)) throw new RangeError(`proto limit ${key} must be a number >= 0, got ${value}`);
    out[key] = value;
  }
  return out;
}
