import { readdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GateError, resolveFrom } from "@mlgate/core";
import { LIMITS } from "./limits.js";

/** `shard-*.json` → a matcher; only `*` and `?` in the file name, so no pattern walks directories. */
function matcher(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/**
 * Files named on the command line or in an action input; entries with `*` or `?` in their file name
 * are expanded (for the action, where no shell does it), sorted, and must match something.
 */
export async function expandFileList(entries: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of entries) {
    const path = resolveFrom(cwd, entry.trim());
    const name = basename(path);
    if (/[*?]/.test(dirname(path))) {
      throw new GateError(`"${entry}": wildcards are allowed only in the file name`, {
        hint: "e.g. results/shard-*.json",
      });
    }
    if (!/[*?]/.test(name)) {
      out.push(path);
      continue;
    }
    let names: string[];
    try {
      names = await readdir(dirname(path));
    } catch {
      throw new GateError(`"${entry}": the directory ${dirname(path)} cannot be read`);
    }
    const re = matcher(name);
    const found = names.filter((n) => re.test(n)).sort();
    if (found.length === 0)
      throw new GateError(`"${entry}" matches no file`, {
        hint: "download the shards' result artifacts first",
      });
    out.push(...found.map((n) => join(dirname(path), n)));
    if (out.length > LIMITS.maxMergeFiles) break;
  }
  const unique = [...new Set(out)];
  if (unique.length > LIMITS.maxMergeFiles) {
    throw new GateError(`more than ${LIMITS.maxMergeFiles} result files to merge`);
  }
  return unique;
}
