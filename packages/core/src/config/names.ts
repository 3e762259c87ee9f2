import { statSync } from "node:fs";
import { join } from "node:path";

/** Where a gate looks for its config when none is named, first match wins. */
export const CONFIG_FILE_NAMES: readonly string[] = Object.freeze([
  "mlgate.yml",
  "mlgate.yaml",
  ".mlgate.yml",
  ".mlgate.yaml",
  "mlgate.json",
  ".github/mlgate.yml",
]);

/** The first config file of {@link CONFIG_FILE_NAMES} that exists in `dir` (directories don't count). */
export function findConfigFile(dir: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(dir, name);
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      // Missing or unreadable: try the next name; loading reports real read errors.
    }
  }
  return undefined;
}

/** JSON files get a JSON parser (precise syntax errors); everything else is YAML. */
export function isJsonFile(file: string): boolean {
  return /\.json$/i.test(file);
}
