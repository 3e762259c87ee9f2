import type { OsvAdvisory, OsvAffected } from "./advisory.js";

/** `Debian:12` → `Debian`; `Ubuntu:22.04:LTS` → `Ubuntu`. */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(":");
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

/** `Debian:12` → `["12"]`; `Ubuntu:Pro:18.04:LTS` → `["Pro", "18.04", "LTS"]`; `npm` → `[]`. */
export function ecosystemRelease(ecosystem: string): string[] {
  const parts = ecosystem.split(":");
  return parts.slice(1).filter((p) => p !== "");
}

/** PEP 503: Python package names compare lower-cased with runs of `-`, `_`, `.` folded to `-`. */
export function normalizePackageName(base: string, name: string): string {
  return base === "PyPI" ? name.toLowerCase().replace(/[-_.]+/g, "-") : name;
}

export interface IndexedAffected {
  advisory: OsvAdvisory;
  affected: OsvAffected;
}

/** OSV advisories indexed by ecosystem (without release) and package name. */
export class OsvDatabase {
  private readonly index = new Map<string, IndexedAffected[]>();
  private readonly ids = new Set<string>();
  /** Advisories kept (withdrawn ones are not). */
  advisories = 0;
  withdrawn = 0;
  duplicates = 0;
  /** Ecosystems seen, with how many advisories name each. */
  readonly ecosystems = new Map<string, number>();

  add(advisory: OsvAdvisory): void {
    if (advisory.withdrawn) {
      this.withdrawn++;
      return;
    }
    // The same advisory can be in two files (a directory next to the zip it came from).
    if (this.ids.has(advisory.id)) {
      this.duplicates++;
      return;
    }
    this.ids.add(advisory.id);
    this.advisories++;
    const seen = new Set<string>();
    for (const affected of advisory.affected) {
      const base = ecosystemBase(affected.ecosystem);
      const key = `${base}\u0000${normalizePackageName(base, affected.name)}`;
      let list = this.index.get(key);
      if (!list) {
        list = [];
        this.index.set(key, list);
      }
      list.push({ advisory, affected });
      if (!seen.has(base)) {
        seen.add(base);
        this.ecosystems.set(base, (this.ecosystems.get(base) ?? 0) + 1);
      }
    }
  }

  /** Every affected entry filed under this ecosystem (any release) and package name. */
  lookup(base: string, name: string): readonly IndexedAffected[] {
    return this.index.get(`${base}\u0000${normalizePackageName(base, name)}`) ?? [];
  }
}
