/** JSON with sorted keys, so equal values compare equal as text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    const text = JSON.stringify(value);
    return text === undefined ? "null" : text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(",")}}`;
}

/** Short display of a value in a message: `"eu"`, `3`, `null`, `{…}`. */
export function showValue(value: unknown, max = 40): string {
  const text = canonicalJson(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
