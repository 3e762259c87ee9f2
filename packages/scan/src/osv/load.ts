import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { GateError, parseJsonText } from "@mlgate/core";
import { type OsvAdvisory, readAdvisory, trimmedDocument } from "./advisory.js";
import { normalizePackageName, OsvDatabase } from "./database.js";
import {
  DamagedIndex,
  type DocumentNames,
  type IndexedDocument,
  type NameIndex,
  NameIndexBuilder,
  namesIn,
  readNameIndex,
  zipKey,
} from "./name-index.js";
import { DEFAULT_ZIP_LIMITS, openZip, type ZipArchive, type ZipLimits } from "./zip.js";

export interface OsvLoadLimits extends ZipLimits {
  /** Files visited in a database directory (JSON files and zips). */
  maxFiles: number;
  /** Directory levels below the database directory. */
  maxDepth: number;
}

export const DEFAULT_OSV_LOAD_LIMITS: OsvLoadLimits = {
  ...DEFAULT_ZIP_LIMITS,
  maxFiles: 2_000_000,
  maxDepth: 8,
};

export interface OsvLoadOptions {
  limits?: Partial<OsvLoadLimits>;
  /**
   * Only advisories that may concern these packages are parsed (the rest are skipped after a quick
   * look at their text): `{ ecosystem, name }` with the ecosystem's base (`Debian`, `npm`).
   */
  only?: Iterable<{ ecosystem: string; name: string }>;
  /**
   * Where to keep the index of the package names each zip document mentions (with `only`): later
   * loads of the same zip then inflate only the documents that may matter. Unset: no index.
   */
  indexDir?: string;
  log?: (line: string) => void;
}

export interface OsvLoadStats {
  files: number;
  documents: number;
  /** Documents skipped without parsing: they name none of the wanted packages. */
  skipped: number;
  bytes: number;
  durationMs: number;
  /** A name index let unrelated zip documents be skipped without inflating them. */
  indexed?: boolean;
}

/** Does a document with these `"name"` values possibly concern a wanted package? Errs on the side of yes. */
function mentionsAny(names: DocumentNames, wanted: Set<string>): boolean {
  if (names === 0) return true;
  return names.some((name) => isWanted(name, wanted));
}

function isWanted(name: string, wanted: Set<string>): boolean {
  return wanted.has(name) || wanted.has(normalizePackageName("PyPI", name));
}

/**
 * Read an OSV database: a zip of OSV JSON documents (osv.dev's `<ecosystem>/all.zip`), a directory of
 * JSON documents, or a directory holding several zips (one per ecosystem) and JSON files. Every
 * document is checked; a damaged one is an error naming it.
 */
export function loadOsvDatabase(
  paths: string | readonly string[],
  options: OsvLoadOptions = {},
): { db: OsvDatabase; stats: OsvLoadStats } {
  const limits: OsvLoadLimits = { ...DEFAULT_OSV_LOAD_LIMITS, ...options.limits };
  const started = Date.now();
  const db = new OsvDatabase();
  const stats: OsvLoadStats = { files: 0, documents: 0, skipped: 0, bytes: 0, durationMs: 0 };
  let wanted: Set<string> | undefined;
  if (options.only) {
    wanted = new Set();
    for (const p of options.only) {
      wanted.add(p.name);
      wanted.add(normalizePackageName("PyPI", p.name));
    }
  }

  const parse = (text: string, where: string) =>
    readAdvisory(parseJsonText(text, where, "OSV document"), where);

  /** Parse one document unless its names show it cannot concern a wanted package. */
  const document = (bytes: Buffer, where: string) => {
    stats.bytes += bytes.length;
    const text = bytes.toString("utf8");
    if (wanted && !mentionsAny(namesIn(text), wanted)) stats.skipped++;
    else db.add(parse(text, where));
  };

  /**
   * Every document of the zip, in order. With a builder, each wanted document's trimmed copy goes to the
   * index, and the others are listed there by their place in the zip, to be read if a later scan wants them.
   */
  const readZipDocuments = (archive: ZipArchive, file: string, builder: NameIndexBuilder | undefined) => {
    for (const entry of archive.entries) {
      if (entry.isDirectory || !entry.name.toLowerCase().endsWith(".json")) continue;
      stats.documents++;
      const where = `${file}:${entry.name}`;
      if (!builder) {
        document(archive.read(entry), where);
        continue;
      }
      const bytes = archive.read(entry);
      stats.bytes += bytes.length;
      const text = bytes.toString("utf8");
      const names = namesIn(text);
      if (wanted && !mentionsAny(names, wanted)) {
        stats.skipped++;
        builder.add(entry, names, undefined);
        continue;
      }
      const advisory = parse(text, where);
      db.add(advisory);
      builder.add(entry, names, JSON.stringify(trimmedDocument(advisory)));
    }
  };

  /**
   * The wanted documents through the index: their trimmed copies, or, for documents the scan that built
   * the index did not want, the documents themselves read from the zip (checked as ever, so a damaged one
   * fails with its own error). False when the index turns out damaged: nothing was added, and the zip is
   * read in full instead (which rebuilds the index).
   */
  const readIndexed = (index: NameIndex, archive: ZipArchive, file: string, want: Set<string>): boolean => {
    const picked = index.select((name) => isWanted(name, want));
    const advisories: OsvAdvisory[] = [];
    let bytes = 0;
    let documents: IndexedDocument[];
    try {
      documents = index.documents(picked);
    } catch (e) {
      if (e instanceof DamagedIndex) return false;
      throw e;
    }
    for (const d of documents) {
      if ("entry" in d) {
        const data = archive.read(d.entry);
        bytes += data.length;
        advisories.push(parse(data.toString("utf8"), `${file}:${d.entry.name}`));
        continue;
      }
      bytes += d.trimmed.length;
      try {
        advisories.push(readAdvisory(JSON.parse(d.trimmed), `${file} (index)`));
      } catch {
        return false;
      }
    }
    for (const advisory of advisories) db.add(advisory);
    stats.indexed = true;
    stats.documents += index.documentCount;
    stats.skipped += index.documentCount - picked.length;
    stats.bytes += bytes;
    return true;
  };

  const zip = (file: string) => {
    stats.files++;
    const archive = openZip(file, limits);
    try {
      const indexDir = options.indexDir;
      const key = indexDir ? zipKey(archive) : undefined;
      const index = wanted && indexDir && key ? readNameIndex(indexDir, file, key) : undefined;
      if (index && wanted && readIndexed(index, archive, file, wanted)) return;
      const builder = indexDir && key ? new NameIndexBuilder() : undefined;
      readZipDocuments(archive, file, builder);
      if (builder && indexDir && key) builder.write(indexDir, file, key);
    } finally {
      archive.close();
    }
  };

  const list = typeof paths === "string" ? [paths] : paths;
  if (list.length === 0) throw new GateError("no OSV database given");
  for (const path of list) {
    const info = statOf(path);
    if (info.isFile()) {
      if (path.toLowerCase().endsWith(".json")) {
        stats.files++;
        stats.documents++;
        document(readBounded(path, limits.maxEntryBytes), path);
      } else zip(path);
    } else if (info.isDirectory()) {
      walk(path, path, 0, limits, stats, (file) => {
        const lower = file.toLowerCase();
        if (lower.endsWith(".zip")) zip(file);
        else if (lower.endsWith(".json")) {
          stats.files++;
          stats.documents++;
          document(readBounded(file, limits.maxEntryBytes), file);
        }
      });
    } else {
      throw new GateError(`OSV database ${path} is neither a file nor a directory`);
    }
  }
  const path = list.join(", ");
  stats.durationMs = Date.now() - started;
  options.log?.(
    `OSV database ${path}: ${db.advisories} advisories (${[...db.ecosystems].map(([e, n]) => `${e} ${n}`).join(", ") || "none"}) from ${stats.documents} documents (${stats.skipped} skipped${stats.indexed ? " by the name index" : ""}) in ${stats.durationMs} ms`,
  );
  if (stats.documents === 0) {
    throw new GateError(`OSV database ${path} holds no OSV JSON documents`, {
      hint: "give a directory of OSV .json files or a zip such as https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip",
    });
  }
  return { db, stats };
}

function statOf(path: string) {
  try {
    return lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateError(
      code === "ENOENT" ? `OSV database not found: ${path}` : `cannot read OSV database ${path}: ${code}`,
      {
        hint: "pass --osv-db with a directory or zip of OSV JSON (the action can download and cache one)",
      },
    );
  }
}

function readBounded(file: string, maxBytes: number): Buffer {
  const size = lstatSync(file).size;
  if (size > maxBytes) {
    throw new GateError(`${file} is ${size} bytes, over the limit of ${maxBytes} for one OSV document`, {
      location: { file },
    });
  }
  return readFileSync(file);
}

/** Depth-first, in name order (so errors and results are reproducible); symlinks are not followed. */
function walk(
  root: string,
  dir: string,
  depth: number,
  limits: OsvLoadLimits,
  stats: OsvLoadStats,
  visit: (file: string) => void,
): void {
  if (depth > limits.maxDepth) {
    throw new GateError(`${dir} is nested deeper than ${limits.maxDepth} levels below ${root}`);
  }
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(root, full, depth + 1, limits, stats, visit);
    else if (entry.isFile()) {
      if (stats.files >= limits.maxFiles) {
        throw new GateError(`${root} holds more than ${limits.maxFiles} files (at ${relative(root, full)})`);
      }
      visit(full);
    }
  }
}
