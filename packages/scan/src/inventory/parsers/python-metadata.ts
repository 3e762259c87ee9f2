/** Name and version from core metadata (`METADATA`, `PKG-INFO`): RFC 822 headers up to the first blank line. */
export function parsePythonMetadata(text: string): { name?: string; version?: string } {
  const out: { name?: string; version?: string } = {};
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") break;
    if (line.startsWith(" ") || line.startsWith("\t")) continue;
    const colon = line.indexOf(":");
    // A line that is not a header starts the body, as the email parser would treat it.
    if (colon <= 0 || /\s/.test(line.slice(0, colon))) break;
    const key = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "name" && out.name === undefined && value) out.name = value;
    if (key === "version" && out.version === undefined && value) out.version = value;
    if (out.name !== undefined && out.version !== undefined) break;
  }
  return out;
}
