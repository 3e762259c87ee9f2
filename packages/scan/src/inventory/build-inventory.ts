import { createHash } from "node:crypto";
import { GateError, isGateError } from "@mlgate/core";
import { shortDigest } from "../image/digest.js";
import { formatBytes } from "../image/limits.js";
import type { ImageSource, TarEntry } from "../image/types.js";
import { assembleInventory } from "./assemble.js";
import { classifyPath, type FileKind, WELL_KNOWN } from "./classify.js";
import { carryForward, type FileRecord, recordFor } from "./file-records.js";
import { type InventoryLimits, resolveInventoryLimits } from "./limits.js";
import { MergedTree } from "./merged-tree.js";
import { detectModel, MODEL_HEAD_BYTES, MODEL_MIN_BYTES } from "./model-magic.js";
import type { Inventory } from "./types.js";

export interface BuildInventoryOptions {
  limits?: Partial<InventoryLimits>;
  /**
   * Bottom layers that belong to the base image: how many, or the base image's layer digests or diff ids
   * (from `openImage(base).layers`). Without it, `isBase` is left undefined.
   */
  baseLayers?: number | readonly string[];
  log?: (line: string) => void;
}

const OPAQUE = ".wh..wh..opq";

/** Every directory on the way to a well-known file: a symlink written at one of them can move the file. */
const WELL_KNOWN_PREFIXES = new Set(
  Object.keys(WELL_KNOWN).flatMap((path) =>
    path.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/")),
  ),
);

/**
 * Where the well-known OS files really are, given the symlinks seen so far (`var/lib/dpkg` may link to
 * a directory elsewhere). Recomputed only after a symlink lands on one of their paths.
 */
class WellKnownAliases {
  private aliases = new Map<string, FileKind>();
  private dirty = false;

  constructor(private readonly tree: MergedTree<FileRecord>) {}

  noteSymlink(path: string): void {
    if (WELL_KNOWN_PREFIXES.has(path)) this.dirty = true;
  }

  kindAt(canonical: string): FileKind | undefined {
    if (this.dirty) {
      this.dirty = false;
      this.aliases = new Map();
      for (const [path, kind] of Object.entries(WELL_KNOWN)) {
        const resolved = this.tree.resolve(path, true).path;
        if (resolved !== path) this.aliases.set(resolved, kind);
      }
    }
    return this.aliases.get(canonical);
  }
}
const WHITEOUT = ".wh.";

/**
 * Walk the image's layers bottom to top, applying whiteouts, and list what the final filesystem holds:
 * OS and language packages (with the layer that introduced each), model files, the OS release. Layers
 * are streamed; only package files (bounded) and the first bytes of other files are read into memory.
 */
export async function buildInventory(
  image: ImageSource,
  options: BuildInventoryOptions = {},
): Promise<Inventory> {
  const limits = resolveInventoryLimits(options.limits);
  const started = Date.now();
  const tree = new MergedTree<FileRecord>({
    maxNodes: limits.maxTreeNodes,
    maxSymlinkHops: limits.maxSymlinkHops,
  });
  const aliases = new WellKnownAliases(tree);
  const stats = { entries: 0, bytes: 0, durationMs: 0 };
  for (const layer of image.layers) {
    const where = `layer ${layer.index + 1}/${image.layers.length} (${shortDigest(layer.digest)}) of ${image.reference}`;
    for await (const entry of image.readLayer(layer.index)) {
      stats.entries++;
      stats.bytes += entry.size;
      if (Date.now() - started > limits.maxDurationMs) {
        throw new GateError(
          `reading ${image.reference} took longer than ${Math.round(limits.maxDurationMs / 1000)} s`,
          {
            hint: "raise limits.maxDurationMs for very large images",
          },
        );
      }
      try {
        await applyEntry(tree, aliases, entry, layer.index, limits);
      } catch (e) {
        if (!isGateError(e)) throw e;
        const error = e as GateError;
        throw new GateError(`${where}: ${error.message}`, {
          ...(error.hint ? { hint: error.hint } : {}),
          ...(error.location ? { location: error.location } : {}),
          cause: e,
        });
      }
    }
  }
  stats.durationMs = Date.now() - started;
  const inventory = assembleInventory(tree, image, options.baseLayers, stats);
  options.log?.(
    `inventory of ${image.reference}: ${inventory.packages.length} packages, ${inventory.modelFiles.length} model files, ${stats.entries} entries in ${stats.durationMs} ms`,
  );
  return inventory;
}

async function applyEntry(
  tree: MergedTree<FileRecord>,
  aliases: WellKnownAliases,
  entry: TarEntry,
  layer: number,
  limits: InventoryLimits,
): Promise<void> {
  const slash = entry.path.lastIndexOf("/");
  const base = entry.path.slice(slash + 1);
  const dir = slash < 0 ? "" : entry.path.slice(0, slash);
  if (base.startsWith(WHITEOUT)) {
    const placedDir = dir ? tree.resolve(dir, true).path : "";
    if (base === OPAQUE) {
      tree.opaque(placedDir, layer);
      return;
    }
    // Other `.wh..wh.` names are aufs bookkeeping, not deletions.
    if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) return;
    const name = base.slice(WHITEOUT.length);
    if (name === "." || name === "..") {
      throw new GateError(`whiteout "${entry.path}" names "${name}"`, {
        hint: "the layer is malformed or hostile",
      });
    }
    tree.whiteout(placedDir ? `${placedDir}/${name}` : name, layer);
    return;
  }
  const path = tree.placeEntry(entry.path);
  switch (entry.type) {
    case "directory":
      tree.write(path, layer, { kind: "dir" });
      return;
    case "symlink":
      checkSymlinkStaysInside(path, entry.linkTarget ?? "");
      tree.write(path, layer, { kind: "symlink", target: entry.linkTarget ?? "" });
      aliases.noteSymlink(path);
      return;
    case "hardlink": {
      const target = tree.get(tree.placeEntry(entry.linkTarget ?? ""));
      const record = target?.kind === "file" ? target.record : undefined;
      // The same bytes mean the same thing only where the name is read the same way.
      const sameKind =
        record &&
        (record.fileKind === "model" ? !classifyPath(path) : record.fileKind === classifyPath(path));
      if (record && sameKind) tree.write(path, layer, { kind: "file", record });
      else tree.remove(path);
      return;
    }
    case "file": {
      // Recognized by where it lands, by the name it was written under, or as a well-known file moved by a symlink.
      const kind = classifyPath(path) ?? classifyPath(entry.path) ?? aliases.kindAt(path);
      await applyFile(tree, entry, path, kind, layer, limits);
      return;
    }
    default:
      tree.remove(path);
  }
}

/**
 * A symlink whose target, joined to its directory, climbs above the root is refused, as Docker refuses to
 * unpack it ("breakout"). Targets are still resolved inside the image when followed.
 */
function checkSymlinkStaysInside(path: string, target: string): void {
  const parts = path.split("/").slice(0, -1);
  let depth = parts.length;
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      depth--;
      if (depth < 0) {
        throw new GateError(`symlink "${path}" -> "${target}" points outside the image root`, {
          hint: "a path-traversal link: the layer is malformed or hostile (Docker refuses to unpack it too)",
        });
      }
    } else {
      depth++;
    }
  }
}

async function readAll(entry: TarEntry, limit: number, path: string): Promise<Buffer> {
  if (entry.size > limit) {
    throw new GateError(
      `${path} is ${formatBytes(entry.size)}, over the limit of ${formatBytes(limit)} for files the inventory parses`,
      {
        hint: "a hostile or unusual file: raise limits.maxParsedFileBytes if it is expected",
        location: { file: path },
      },
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of entry.content()) {
    total += chunk.length;
    if (total > limit)
      throw new GateError(`${path} is longer than its declared size`, { location: { file: path } });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

async function applyFile(
  tree: MergedTree<FileRecord>,
  entry: TarEntry,
  path: string,
  kind: FileKind | undefined,
  layer: number,
  limits: InventoryLimits,
): Promise<void> {
  if (kind) {
    const text =
      kind === "rpm-database" ? "" : (await readAll(entry, limits.maxParsedFileBytes, path)).toString("utf8");
    const record = recordFor(kind, text, path, layer, limits.maxPackagesPerFile);
    const previous = tree.get(path);
    tree.write(path, layer, { kind: "file", record: carryForward(previous?.record, record) });
    return;
  }
  if (entry.size >= MODEL_MIN_BYTES) {
    const model = await sniffModel(entry, path);
    if (model) {
      tree.write(path, layer, { kind: "file", record: model });
      return;
    }
  }
  tree.remove(path);
}

/** Look at a file's first bytes; when they make it a model file, hash the whole of it. */
async function sniffModel(entry: TarEntry, path: string): Promise<FileRecord | undefined> {
  const iterator = entry.content()[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  while (headLength < MODEL_HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    headLength += next.value.length;
  }
  const first = Buffer.concat(head, headLength);
  const detected = detectModel(path, first.subarray(0, MODEL_HEAD_BYTES), entry.size);
  if (!detected) {
    await iterator.return?.();
    return undefined;
  }
  const hash = createHash("sha256").update(first);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) hash.update(next.value);
  return { kind: "model", fileKind: "model", size: entry.size, sha256: hash.digest("hex"), ...detected };
}
