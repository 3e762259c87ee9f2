/** The parts of a package URL (`pkg:type/namespace/name@version?qualifiers#subpath`) that identify a package. */
export interface PurlIdentity {
  type: string;
  namespace?: string;
  name: string;
  version?: string;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Parse a purl, or undefined when the text is not one. Qualifiers and subpath are dropped. */
export function parsePurl(text: string): PurlIdentity | undefined {
  const m = /^pkg:([A-Za-z.+-][A-Za-z0-9.+-]*)\/([^?#]+?)(?:@([^?#]+))?(?:\?[^#]*)?(?:#.*)?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const segments = (m[2] as string).split("/").filter(Boolean).map(decode);
  const name = segments.pop();
  if (!name) return undefined;
  const type = (m[1] as string).toLowerCase();
  // Types whose names are case-insensitive per the purl spec.
  const fold = ["npm", "pypi", "deb", "apk", "github", "golang"].includes(type);
  const norm = (s: string) => (fold ? s.toLowerCase() : s);
  return {
    type,
    ...(segments.length > 0 ? { namespace: norm(segments.join("/")) } : {}),
    name: type === "pypi" ? name.toLowerCase().replace(/[-_.]+/g, "-") : norm(name),
    ...(m[3] ? { version: decode(m[3]) } : {}),
  };
}

/**
 * Does `pattern` name the package `candidate`? Type, namespace and name must agree; the version
 * only when the pattern has one (so `pkg:deb/debian/openssl` covers every version).
 */
export function purlMatches(pattern: string, candidate: string | undefined): boolean {
  if (!candidate) return false;
  const p = parsePurl(pattern);
  const c = parsePurl(candidate);
  if (!p || !c) return false;
  return (
    p.type === c.type &&
    p.namespace === c.namespace &&
    p.name === c.name &&
    (p.version === undefined || p.version === c.version)
  );
}
