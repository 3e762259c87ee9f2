import { GateError } from "@mlgate/core";
import semver from "semver";

export interface NpmPackage {
  name: string;
  version: string;
  optional?: boolean;
}

const MAX_V1_DEPTH = 128;

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GateError(`${file} is not valid JSON: ${(e as Error).message}`, {
      location: { file },
      cause: e,
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `npm:real-name@1.2.3` (an alias) → the real package; anything but a registry version → undefined. */
function resolveVersion(name: string, version: unknown): { name: string; version: string } | undefined {
  if (typeof version !== "string") return undefined;
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(version);
  if (alias) return semver.valid(alias[2]!) ? { name: alias[1]!, version: alias[2]! } : undefined;
  return semver.valid(version) ? { name, version } : undefined;
}

/**
 * Packages of a `package-lock.json`. Versions 2 and 3 list every installed path under `packages`
 * (`node_modules/a/node_modules/b`); version 1 nests `dependencies`. Development-only entries are left
 * out (they are not installed in a production image); links, workspaces and git or file dependencies are
 * not registry packages and are skipped.
 */
export function parseNpmLockfile(text: string, file: string, options: { maxPackages: number }): NpmPackage[] {
  const doc = parseJson(text, file);
  if (!isRecord(doc))
    throw new GateError(`${file} is not a package-lock.json object`, { location: { file } });
  const out: NpmPackage[] = [];
  const add = (pkg: NpmPackage) => {
    if (out.length >= options.maxPackages) {
      throw new GateError(`${file} lists more than ${options.maxPackages} packages`, {
        location: { file },
        hint: "raise limits.maxPackagesPerFile if the lockfile really is that large",
      });
    }
    out.push(pkg);
  };
  if (isRecord(doc.packages)) {
    for (const [key, raw] of Object.entries(doc.packages)) {
      if (!isRecord(raw)) continue;
      const at = key.lastIndexOf("node_modules/");
      if (at < 0 || raw.link === true || raw.dev === true) continue;
      const installedAs = key.slice(at + "node_modules/".length);
      const resolved = resolveVersion(typeof raw.name === "string" ? raw.name : installedAs, raw.version);
      if (!resolved) continue;
      add(raw.optional === true || raw.devOptional === true ? { ...resolved, optional: true } : resolved);
    }
    return out;
  }
  if (isRecord(doc.dependencies)) {
    const walk = (deps: Record<string, unknown>, depth: number) => {
      if (depth > MAX_V1_DEPTH) {
        throw new GateError(`${file} nests dependencies more than ${MAX_V1_DEPTH} deep`, {
          location: { file },
        });
      }
      for (const [name, raw] of Object.entries(deps)) {
        if (!isRecord(raw)) continue;
        if (raw.dev !== true) {
          const resolved = resolveVersion(name, raw.version);
          if (resolved) add(raw.optional === true ? { ...resolved, optional: true } : resolved);
        }
        if (isRecord(raw.dependencies)) walk(raw.dependencies, depth + 1);
      }
    };
    walk(doc.dependencies, 0);
    return out;
  }
  if (typeof doc.lockfileVersion !== "number") {
    throw new GateError(`${file} has neither "packages" nor "dependencies"`, {
      location: { file },
      hint: "expected an npm package-lock.json (lockfileVersion 1, 2 or 3)",
    });
  }
  return out;
}

/** Name and version of an installed package's `package.json`; undefined when it names no registry version. */
export function parseInstalledPackageJson(text: string, file: string): NpmPackage | undefined {
  const doc = parseJson(text, file);
  if (!isRecord(doc) || typeof doc.name !== "string" || !doc.name) return undefined;
  return resolveVersion(doc.name, doc.version);
}
