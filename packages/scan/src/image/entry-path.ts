import { GateError } from "@mlgate/core";

/**
 * Check a tar entry name and return it relative to the image root (`usr/lib/os-release`), or null for the
 * root itself. Absolute names and `..` components are refused: a layer that writes outside the directory
 * it is unpacked into is broken or hostile, and a runtime would refuse it too.
 */
export function normalizeEntryPath(name: string, what: string, maxLength: number): string | null {
  if (name.length > maxLength) {
    throw new GateError(
      `${what}: an entry name is ${name.length} characters long, over the limit of ${maxLength}`,
      {
        hint: "the layer is malformed or hostile",
      },
    );
  }
  // Some writers (umoci) name the root directory itself "/"; that is the root, not an absolute path.
  if (/^[/.]+$/.test(name) && !name.includes("..")) return null;
  if (name.startsWith("/")) {
    throw new GateError(`${what}: entry "${printable(name)}" is an absolute path`, {
      hint: "layer entries are relative to the image root; the layer is malformed or hostile",
    });
  }
  if (name.includes("\0")) {
    throw new GateError(`${what}: entry "${printable(name)}" contains a NUL character`);
  }
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      throw new GateError(`${what}: entry "${printable(name)}" climbs out of the image root with ".."`, {
        hint: "a path-traversal entry: the layer is malformed or hostile",
      });
    }
    parts.push(part);
  }
  return parts.length === 0 ? null : parts.join("/");
}

/** Entry names in messages: control characters shown escaped, long names shortened. */
export function printable(name: string): string {
  const escaped = name.replace(
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return escaped.length > 200 ? `${escaped.slice(0, 197)}...` : escaped;
}
