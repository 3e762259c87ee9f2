import type { OsRelease } from "../types.js";

/**
 * Parse os-release(5): `KEY=value` lines, values optionally in single or double quotes with backslash
 * escapes. Lines that do not fit are ignored, as the specification says readers should.
 */
export function parseOsRelease(text: string): OsRelease | undefined {
  const fields = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    fields.set(match[1]!, unquote(match[2]!));
  }
  const id = fields.get("ID");
  if (!id) return undefined;
  const out: OsRelease = { id: id.toLowerCase() };
  const versionId = fields.get("VERSION_ID");
  if (versionId) out.versionId = versionId;
  const prettyName = fields.get("PRETTY_NAME");
  if (prettyName) out.prettyName = prettyName;
  const codename = fields.get("VERSION_CODENAME");
  if (codename) out.versionCodename = codename;
  const idLike = fields.get("ID_LIKE");
  if (idLike) out.idLike = idLike.split(/\s+/).filter(Boolean);
  return out;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\(["\\$`])/g, "$1") : inner;
  }
  return value;
}
