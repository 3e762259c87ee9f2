/** Structural equality of two JSON values, exiting at the first difference. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (
      !Object.hasOwn(b, k) ||
      !deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    ) {
      return false;
    }
  }
  return true;
}

const REF_CACHE = new WeakMap<object, boolean>();

/** Whether a `$ref` appears anywhere inside (then equal text may still mean different schemas). */
export function hasRef(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const known = REF_CACHE.get(value);
  if (known !== undefined) return known;
  let found = false;
  if (Array.isArray(value)) found = value.some(hasRef);
  else {
    const obj = value as Record<string, unknown>;
    found = typeof obj.$ref === "string" || Object.values(obj).some(hasRef);
  }
  REF_CACHE.set(value, found);
  return found;
}
