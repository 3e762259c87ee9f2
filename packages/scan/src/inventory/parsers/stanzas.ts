import { GateError } from "@mlgate/core";

/** One paragraph of a deb822-style file: field name (lowercase) → value, continuation lines joined. */
export interface Stanza {
  fields: Map<string, string>;
  /** 1-based line where the paragraph starts. */
  line: number;
}

/**
 * Split dpkg's status format (deb822): paragraphs separated by blank lines, `Field: value` lines, and
 * continuation lines starting with a space or tab. Anything else is an error naming the line, since a
 * package database that does not parse cannot be trusted to list every package.
 */
export function parseStanzas(text: string, file: string, maxStanzas: number): Stanza[] {
  const out: Stanza[] = [];
  let current: Stanza | undefined;
  let lastField: string | undefined;
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    lineNumber++;
    start = end + 1;
    if (line.trim() === "") {
      current = undefined;
      lastField = undefined;
      if (end === text.length) break;
      continue;
    }
    if (line.startsWith("#")) continue;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!current || !lastField) {
        throw new GateError(`${file}:${lineNumber}: a continuation line outside any field`, {
          location: { file, line: lineNumber },
          hint: "continuation lines (starting with a space) follow a `Field: value` line",
        });
      }
      // Only the first line of multi-line fields (Description, Conffiles) matters here; keep it cheap.
      continue;
    }
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!name || /\s/.test(name)) {
      throw new GateError(`${file}:${lineNumber}: expected "Field: value", found "${line.slice(0, 60)}"`, {
        location: { file, line: lineNumber },
      });
    }
    if (!current) {
      if (out.length >= maxStanzas) {
        throw new GateError(`${file} lists more than ${maxStanzas} packages`, {
          location: { file, line: lineNumber },
          hint: "raise limits.maxPackagesPerFile if the image really holds that many",
        });
      }
      current = { fields: new Map(), line: lineNumber };
      out.push(current);
    }
    lastField = name.toLowerCase();
    current.fields.set(lastField, line.slice(colon + 1).trim());
    if (end === text.length) break;
  }
  return out;
}
