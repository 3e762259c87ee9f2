import { GateError } from "@mlgate/core";

export interface ApkPackage {
  name: string;
  version: string;
  arch?: string;
  /** The source package (`o:`), which Alpine's security database is keyed by. */
  origin?: string;
}

/**
 * Parse `lib/apk/db/installed`: one `X:value` line per field, packages separated by blank lines. File
 * lists (`F:`, `R:`, `Z:` …) make up most of it and are skipped.
 */
export function parseApkInstalled(
  text: string,
  file: string,
  options: { maxPackages: number },
): ApkPackage[] {
  const out: ApkPackage[] = [];
  let current: Partial<ApkPackage> & { line?: number } = {};
  const finish = () => {
    if (current.line === undefined) return;
    if (!current.name || !current.version) {
      throw new GateError(
        `${file}:${current.line}: a package entry without ${current.name ? "a version (V:)" : "a name (P:)"}`,
        { location: { file, line: current.line } },
      );
    }
    if (out.length >= options.maxPackages) {
      throw new GateError(`${file} lists more than ${options.maxPackages} packages`, {
        location: { file },
        hint: "raise limits.maxPackagesPerFile if the image really holds that many",
      });
    }
    const pkg: ApkPackage = { name: current.name, version: current.version };
    if (current.arch) pkg.arch = current.arch;
    if (current.origin) pkg.origin = current.origin;
    out.push(pkg);
    current = {};
  };
  let lineNumber = 0;
  for (const raw of text.split("\n")) {
    lineNumber++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") {
      finish();
      continue;
    }
    if (line.length < 2 || line[1] !== ":" || !/[A-Za-z]/.test(line[0]!)) {
      throw new GateError(`${file}:${lineNumber}: expected "X:value", found "${line.slice(0, 60)}"`, {
        location: { file, line: lineNumber },
        hint: "apk's installed database has one-letter field names",
      });
    }
    current.line ??= lineNumber;
    const value = line.slice(2);
    switch (line[0]) {
      case "P":
        current.name = value;
        break;
      case "V":
        current.version = value;
        break;
      case "A":
        current.arch = value;
        break;
      case "o":
        current.origin = value;
        break;
    }
  }
  finish();
  return out;
}

/** `3.19.1` → `v3.19`, the release name OSV's Alpine ecosystem uses. */
export function alpineReleaseBranch(version: string): string | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  return match ? `v${match[1]}.${match[2]}` : undefined;
}
