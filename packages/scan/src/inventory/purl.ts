/**
 * Package URLs (https://github.com/package-url/purl-spec): `pkg:type/namespace/name@version?qualifiers`.
 * Components are percent-encoded except unreserved characters and `:`, which the specification keeps as is.
 */
export interface PurlParts {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
  qualifiers?: Record<string, string | undefined>;
}

function encode(text: string): string {
  return encodeURIComponent(text)
    .replace(/%3A/gi, ":")
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function formatPurl(parts: PurlParts): string {
  let out = `pkg:${parts.type.toLowerCase()}/`;
  if (parts.namespace) out += `${parts.namespace.split("/").filter(Boolean).map(encode).join("/")}/`;
  out += encode(parts.name);
  if (parts.version) out += `@${encode(parts.version)}`;
  const qualifiers = Object.entries(parts.qualifiers ?? {})
    .filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== "")
    .map(([key, value]) => [key.toLowerCase(), value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (qualifiers.length > 0)
    out += `?${qualifiers.map(([key, value]) => `${key}=${encode(value)}`).join("&")}`;
  return out;
}

/** PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith("@") ? name.indexOf("/") : -1;
  return slash > 0
    ? formatPurl({ type: "npm", namespace: name.slice(0, slash), name: name.slice(slash + 1), version })
    : formatPurl({ type: "npm", name, version });
}

export function pypiPurl(name: string, version: string): string {
  return formatPurl({ type: "pypi", name: normalizePythonName(name), version });
}
