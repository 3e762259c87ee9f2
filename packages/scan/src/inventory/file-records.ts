import { type GateError, isGateError } from "@mlgate/core";
import type { FileKind } from "./classify.js";
import type { DetectedModel } from "./model-magic.js";
import { parseApkInstalled } from "./parsers/apk.js";
import { parseDpkgStatus } from "./parsers/dpkg.js";
import { parseInstalledPackageJson, parseNpmLockfile } from "./parsers/npm.js";
import { parseOsRelease } from "./parsers/os-release.js";
import { parsePythonMetadata } from "./parsers/python-metadata.js";
import { parseRequirements } from "./parsers/requirements.js";
import type { Evidence, InventoryNote, OsRelease } from "./types.js";

/** A package as a file lists it, before the distribution and layer digests are known. */
export interface RawPackage {
  name: string;
  version: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
  optional?: boolean;
  /** Index of the layer where this exact package first appeared in this file. */
  introducedAt: number;
}

/** What the inventory keeps of a file it read. */
export type FileRecord =
  | { kind: "packages"; fileKind: FileKind; evidence: Evidence; packages: RawPackage[] }
  | { kind: "os-release"; fileKind: FileKind; release: OsRelease | undefined }
  | { kind: "alpine-release"; fileKind: FileKind; version: string }
  | {
      kind: "requirements";
      fileKind: FileKind;
      pinned: RawPackage[];
      unpinned: { name: string; specifier: string; line: number }[];
    }
  | { kind: "note"; fileKind: FileKind | "model"; note: Pick<InventoryNote, "kind" | "message"> }
  | ({ kind: "model"; fileKind: "model"; size: number; sha256: string } & DetectedModel);

export function packageKey(p: { name: string; version: string; arch?: string }): string {
  return `${p.name}\u0000${p.version}\u0000${p.arch ?? ""}`;
}

/** Operating-system databases: an unreadable one means the OS inventory is incomplete, so it is an error. */
const STRICT: ReadonlySet<FileKind> = new Set(["dpkg-status", "dpkg-status.d", "apk-installed"]);

/**
 * Parse a recognized file. Package databases of the OS fail loudly; a broken lockfile or metadata file
 * of one application package becomes a note instead of stopping the whole scan.
 */
export function recordFor(
  kind: FileKind,
  text: string,
  path: string,
  layer: number,
  maxPackages: number,
): FileRecord {
  const stamp = <T extends object>(items: T[]): (T & { introducedAt: number })[] =>
    items.map((item) => ({ ...item, introducedAt: layer }));
  try {
    switch (kind) {
      case "os-release":
        return { kind: "os-release", fileKind: kind, release: parseOsRelease(text) };
      case "alpine-release":
        return { kind: "alpine-release", fileKind: kind, version: text.trim().split("\n")[0]!.trim() };
      case "dpkg-status":
      case "dpkg-status.d": {
        const packages = parseDpkgStatus(text, path, { statusRequired: kind === "dpkg-status", maxPackages });
        return { kind: "packages", fileKind: kind, evidence: kind, packages: stamp(packages) };
      }
      case "apk-installed": {
        const packages = parseApkInstalled(text, path, { maxPackages }).map(({ origin, ...rest }) => ({
          ...rest,
          ...(origin ? { sourceName: origin } : {}),
        }));
        return { kind: "packages", fileKind: kind, evidence: "apk-installed", packages: stamp(packages) };
      }
      case "npm-lockfile":
        return {
          kind: "packages",
          fileKind: kind,
          evidence: "npm-lockfile",
          packages: stamp(parseNpmLockfile(text, path, { maxPackages })),
        };
      case "npm-package-json": {
        const pkg = parseInstalledPackageJson(text, path);
        return {
          kind: "packages",
          fileKind: kind,
          evidence: "npm-package-json",
          packages: stamp(pkg ? [pkg] : []),
        };
      }
      case "python-dist-info":
      case "python-egg-info": {
        const { name, version } = parsePythonMetadata(text);
        if (!name || !version) {
          return note(
            kind,
            "unreadable-file",
            `${path} names no ${name ? "Version" : "Name"}; the package is not inventoried`,
          );
        }
        return {
          kind: "packages",
          fileKind: kind,
          evidence: kind,
          packages: [{ name, version, introducedAt: layer }],
        };
      }
      case "requirements-txt": {
        const requirements = parseRequirements(text);
        if (requirements.length > maxPackages) {
          return note(
            kind,
            "unreadable-file",
            `${path} lists more than ${maxPackages} requirements; it was not read`,
          );
        }
        return {
          kind: "requirements",
          fileKind: kind,
          pinned: requirements
            .filter((r) => r.pinned !== undefined)
            .map((r) => ({ name: r.name, version: r.pinned!, introducedAt: layer })),
          unpinned: requirements
            .filter((r) => r.pinned === undefined)
            .map((r) => ({ name: r.name, specifier: r.specifier, line: r.line })),
        };
      }
      case "rpm-database":
        return note(
          kind,
          "unsupported-database",
          `${path} is an RPM database; reading it needs SQLite or Berkeley DB, which this scanner does not bundle, so RPM packages are not inventoried`,
        );
    }
  } catch (e) {
    if (STRICT.has(kind) || !isGateError(e)) throw e;
    return note(kind, "unreadable-file", (e as GateError).message);
  }
}

function note(fileKind: FileKind, kind: InventoryNote["kind"], message: string): FileRecord {
  return { kind: "note", fileKind, note: { kind, message } };
}

/**
 * A package database rewritten by a later layer keeps, for each package it still lists unchanged, the
 * layer that first brought that package in: `apt-get install curl` in the team's layer rewrites
 * `var/lib/dpkg/status`, but openssl still came with the base image.
 */
export function carryForward(previous: FileRecord | undefined, next: FileRecord): FileRecord {
  if (previous?.kind !== "packages" || next.kind !== "packages") return next;
  const earliest = new Map<string, number>();
  for (const p of previous.packages) earliest.set(packageKey(p), p.introducedAt);
  return {
    ...next,
    packages: next.packages.map((p) => {
      const before = earliest.get(packageKey(p));
      return before === undefined ? p : { ...p, introducedAt: before };
    }),
  };
}
