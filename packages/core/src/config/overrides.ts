function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Layer action inputs / command-line flags over config-file values: a defined override wins,
 * `undefined` means "not given" and keeps the config's value, nested objects merge key by key,
 * and arrays (gates, outputs) replace rather than append so a flag says exactly what runs.
 * Neither argument is modified.
 */
export function applyOverrides<T extends object>(config: T, overrides: Partial<T>): T {
  return merge(config, overrides) as T;
}

function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const merged = isPlainObject(value) && isPlainObject(out[key]) ? merge(out[key], value) : value;
    // defineProperty: a `__proto__` key stays data and never swaps the prototype.
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
