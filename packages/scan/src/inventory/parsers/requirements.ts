export interface Requirement {
  name: string;
  /** Exactly one version when the line pins it with `==`. */
  pinned?: string;
  specifier: string;
  line: number;
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;

/**
 * Read a pip requirements file: comments, `\` continuations, option lines (`-r`, `-e`, `--index-url`)
 * and per-line options (`--hash`) are handled as pip does; environment markers are dropped. Lines that
 * name no package (paths, URLs) are skipped.
 */
export function parseRequirements(text: string): Requirement[] {
  const out: Requirement[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let logical = stripComment(lines[i]!.replace(/\r$/, ""));
    while (logical.endsWith("\\") && i + 1 < lines.length) {
      i++;
      logical = `${logical.slice(0, -1)} ${stripComment(lines[i]!.replace(/\r$/, ""))}`;
    }
    let requirement = logical.trim();
    if (!requirement || requirement.startsWith("-")) continue;
    const option = requirement.search(/\s--?[a-z]/);
    if (option >= 0) requirement = requirement.slice(0, option).trim();
    const marker = requirement.indexOf(";");
    if (marker >= 0) requirement = requirement.slice(0, marker).trim();
    // A bare path or URL names no package.
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(requirement)) continue;
    const match = NAME.exec(requirement);
    if (!match) continue;
    const name = match[1]!;
    const rest = match[3]!.trim();
    if (rest.startsWith("@")) {
      out.push({ name, specifier: requirement, line: first });
      continue;
    }
    const pin = /^==\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$/.exec(rest);
    out.push(
      pin
        ? { name, pinned: pin[1]!, specifier: requirement, line: first }
        : { name, specifier: requirement, line: first },
    );
  }
  return out;
}

function stripComment(line: string): string {
  if (line.startsWith("#")) return "";
  const hash = line.search(/\s#/);
  return hash >= 0 ? line.slice(0, hash) : line;
}
