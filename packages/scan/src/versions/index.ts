import { GateError } from "@mlgate/core";
import { compareAlpineTokens, parseAlpineVersion } from "./alpine.js";
import { compareParsedDebian, parseDebianVersion } from "./debian.js";
import { compareParsedPep440, parsePep440 } from "./pep440.js";
import { compareParsedSemver, parseSemver } from "./semver.js";

export { AlpineToken, type AlpineTokenValue, compareAlpineTokens, parseAlpineVersion } from "./alpine.js";
export { compareDebianPart, compareParsedDebian, type DebianVersion, parseDebianVersion } from "./debian.js";
export {
  compareParsedPep440,
  formatPep440,
  normalizePep440,
  type Pep440Version,
  parsePep440,
} from "./pep440.js";
export { compareParsedSemver, parseSemver } from "./semver.js";

export type VersionSchemeName = "debian" | "alpine" | "pep440" | "semver";

/** One ecosystem's version ordering. */
export interface VersionScheme {
  name: VersionSchemeName;
  /** Whether the string is a version of this scheme. */
  isValid(version: string): boolean;
  /** Negative, zero or positive; throws a GateError when either side is not a version of this scheme. */
  compare(a: string, b: string): number;
}

/** Parsed versions are remembered: matching compares the same few strings many times. */
const CACHE_LIMIT = 200_000;

function scheme<T>(
  name: VersionSchemeName,
  parse: (text: string) => T | undefined,
  compareParsed: (a: T, b: T) => number,
): VersionScheme {
  const cache = new Map<string, T | null>();
  const get = (text: string): T | undefined => {
    let parsed = cache.get(text);
    if (parsed === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      parsed = parse(text) ?? null;
      cache.set(text, parsed);
    }
    return parsed ?? undefined;
  };
  const need = (text: string): T => {
    const parsed = get(text);
    if (parsed === undefined) {
      throw new GateError(`"${text.slice(0, 80)}" is not a valid ${DESCRIPTION[name]} version`);
    }
    return parsed;
  };
  return {
    name,
    isValid: (text) => get(text) !== undefined,
    compare: (a, b) => {
      const d = compareParsed(need(a), need(b));
      return d === 0 ? 0 : d < 0 ? -1 : 1;
    },
  };
}

const DESCRIPTION: Record<VersionSchemeName, string> = {
  debian: "Debian (dpkg)",
  alpine: "Alpine (apk)",
  pep440: "PEP 440",
  semver: "semantic",
};

export const debianVersions: VersionScheme = scheme("debian", parseDebianVersion, compareParsedDebian);
export const alpineVersions: VersionScheme = scheme("alpine", parseAlpineVersion, compareAlpineTokens);
export const pep440Versions: VersionScheme = scheme("pep440", parsePep440, compareParsedPep440);
export const semverVersions: VersionScheme = scheme("semver", parseSemver, compareParsedSemver);

/**
 * The ordering of an OSV ecosystem (`Debian:12` and `Ubuntu:22.04:LTS` order as Debian does), or
 * undefined for ecosystems this scanner does not order.
 */
export function versionSchemeFor(ecosystem: string): VersionScheme | undefined {
  const base = ecosystem.split(":", 1)[0];
  switch (base) {
    case "Debian":
    case "Ubuntu":
      return debianVersions;
    case "Alpine":
      return alpineVersions;
    case "PyPI":
      return pep440Versions;
    case "npm":
      return semverVersions;
    default:
      return undefined;
  }
}
