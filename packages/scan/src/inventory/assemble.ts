import type { ImageSource } from "../image/types.js";
import type { FileRecord, RawPackage } from "./file-records.js";
import type { MergedTree } from "./merged-tree.js";
import { alpineReleaseBranch } from "./parsers/apk.js";
import { formatPurl, normalizePythonName, npmPurl, pypiPurl } from "./purl.js";
import type {
  Ecosystem,
  Evidence,
  Inventory,
  InventoryLayer,
  InventoryNote,
  ModelFile,
  OsRelease,
  Package,
  UnpinnedRequirement,
} from "./types.js";

/** Evidence that only declares what should be installed; dropped where installed evidence says the same. */
const DECLARED: ReadonlySet<Evidence> = new Set(["npm-lockfile", "requirements-txt"]);

interface Distro {
  os?: OsRelease;
  alpineVersion?: string;
}

function findRecord(tree: MergedTree<FileRecord>, path: string): FileRecord | undefined {
  return tree.resolve(path, true).node?.record;
}

function osOf(tree: MergedTree<FileRecord>): OsRelease | undefined {
  for (const path of ["etc/os-release", "usr/lib/os-release"]) {
    const record = findRecord(tree, path);
    if (record?.kind === "os-release" && record.release) return record.release;
  }
  return undefined;
}

function toPackage(
  raw: RawPackage,
  evidence: Evidence,
  path: string,
  layer: string,
  distro: Distro,
): Package {
  const base = { layer, path, evidence, ...(raw.optional ? { optional: true } : {}) };
  const source = {
    ...(raw.sourceName ? { sourceName: raw.sourceName } : {}),
    ...(raw.sourceVersion ? { sourceVersion: raw.sourceVersion } : {}),
    ...(raw.arch ? { arch: raw.arch } : {}),
  };
  switch (evidence) {
    case "dpkg-status":
    case "dpkg-status.d": {
      const os = distro.os;
      const distroId = os?.id === "ubuntu" ? "ubuntu" : "debian";
      const ecosystem: Ecosystem = distroId === "ubuntu" ? "Ubuntu" : "Debian";
      const release = os && (os.id === "debian" || os.id === "ubuntu") ? os.versionId : undefined;
      const purl = formatPurl({
        type: "deb",
        namespace: distroId,
        name: raw.name,
        version: raw.version,
        qualifiers: { arch: raw.arch, distro: release ? `${distroId}-${release}` : undefined },
      });
      return {
        name: raw.name,
        version: raw.version,
        ecosystem,
        purl,
        ...source,
        ...base,
        ...(release ? { distroRelease: release } : {}),
      };
    }
    case "apk-installed": {
      const version = distro.alpineVersion ?? (distro.os?.id === "alpine" ? distro.os.versionId : undefined);
      const branch = version ? alpineReleaseBranch(version) : undefined;
      const purl = formatPurl({
        type: "apk",
        namespace: "alpine",
        name: raw.name,
        version: raw.version,
        qualifiers: { arch: raw.arch, distro: version },
      });
      return {
        name: raw.name,
        version: raw.version,
        ecosystem: "Alpine",
        purl,
        ...source,
        ...base,
        ...(branch ? { distroRelease: branch } : {}),
      };
    }
    case "npm-lockfile":
    case "npm-package-json":
      return {
        name: raw.name,
        version: raw.version,
        ecosystem: "npm",
        purl: npmPurl(raw.name, raw.version),
        ...base,
      };
    case "python-dist-info":
    case "python-egg-info":
    case "requirements-txt":
      return {
        name: raw.name,
        version: raw.version,
        ecosystem: "PyPI",
        purl: pypiPurl(raw.name, raw.version),
        ...base,
      };
  }
}

function identity(p: Package): string {
  const name = p.ecosystem === "PyPI" ? normalizePythonName(p.name) : p.name;
  return `${p.ecosystem}\u0000${name}\u0000${p.version}`;
}

function baseLayerTest(image: ImageSource, base: number | readonly string[] | undefined) {
  if (base === undefined) return () => undefined;
  if (typeof base === "number") return (index: number) => index < base;
  const known = new Set(base);
  return (index: number) => {
    const layer = image.layers[index];
    return !!layer && (known.has(layer.digest) || (layer.diffId !== undefined && known.has(layer.diffId)));
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Turn the merged filesystem's records into the inventory: packages with purls and layers, models, notes. */
export function assembleInventory(
  tree: MergedTree<FileRecord>,
  image: ImageSource,
  baseLayers: number | readonly string[] | undefined,
  stats: Inventory["stats"],
): Inventory {
  const os = osOf(tree);
  const alpine = findRecord(tree, "etc/alpine-release");
  const distro: Distro = {
    ...(os ? { os } : {}),
    ...(alpine?.kind === "alpine-release" ? { alpineVersion: alpine.version } : {}),
  };
  const digestOf = (index: number) => image.layers[index]?.digest ?? "";
  const found: Package[] = [];
  const modelFiles: ModelFile[] = [];
  const unpinned: UnpinnedRequirement[] = [];
  const notes: InventoryNote[] = [];
  for (const { path, node } of tree.records()) {
    const record = node.record;
    const layer = digestOf(node.layer);
    switch (record.kind) {
      case "packages":
        for (const raw of record.packages)
          found.push(toPackage(raw, record.evidence, path, digestOf(raw.introducedAt), distro));
        break;
      case "requirements":
        for (const raw of record.pinned) found.push(toPackage(raw, "requirements-txt", path, layer, distro));
        for (const u of record.unpinned) unpinned.push({ ...u, path, layer });
        break;
      case "model":
        modelFiles.push({
          path,
          layer,
          format: record.format,
          size: record.size,
          sha256: record.sha256,
          containsPickle: record.containsPickle,
        });
        break;
      case "note":
        notes.push({ ...record.note, path, layer });
        break;
      default:
        break;
    }
  }
  const installed = new Set(found.filter((p) => !DECLARED.has(p.evidence)).map(identity));
  const seen = new Set<string>();
  const packages = found.filter((p) => {
    if (DECLARED.has(p.evidence) && installed.has(identity(p))) return false;
    // A version-1 lockfile can list the same package at several nesting levels: once per file is enough.
    const key = `${identity(p)}\u0000${p.arch ?? ""}\u0000${p.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  packages.sort(
    (a, b) =>
      compare(a.ecosystem, b.ecosystem) ||
      compare(a.name, b.name) ||
      compare(a.version, b.version) ||
      compare(a.path, b.path),
  );
  modelFiles.sort((a, b) => compare(a.path, b.path));
  unpinned.sort((a, b) => compare(a.path, b.path) || a.line - b.line);
  notes.sort((a, b) => compare(a.path, b.path));
  const isBase = baseLayerTest(image, baseLayers);
  const layers: InventoryLayer[] = image.layers.map((l) => {
    const flag = isBase(l.index);
    return {
      index: l.index,
      digest: l.digest,
      size: l.size,
      ...(l.diffId ? { diffId: l.diffId } : {}),
      ...(l.createdBy ? { createdBy: l.createdBy } : {}),
      ...(flag !== undefined ? { isBase: flag } : {}),
    };
  });
  return { ...(os ? { os } : {}), packages, modelFiles, layers, unpinned, notes, stats };
}
