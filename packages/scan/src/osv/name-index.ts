import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ZipArchive } from "./zip.js";

/**
 * A cache of which package names each document of an OSV zip mentions, kept beside the cached zip
 * (or in a temporary directory). With it, a later scan inflates only the documents that may concern
 * the image's packages instead of all of them. It is tied to the zip's path, size, modification time
 * and entry count, and rebuilt whenever any of them changes.
 */

const VERSION = 1;
const NAME_FIELD = /"name"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** `"name"` values of a document; 0 when one is escaped, so the document is always parsed. */
export type DocumentNames = string[] | 0;

export function namesIn(text: string): DocumentNames {
  const names: string[] = [];
  NAME_FIELD.lastIndex = 0;
  for (let m = NAME_FIELD.exec(text); m; m = NAME_FIELD.exec(text)) {
    const name = m[1] as string;
    if (name.includes("\\")) return 0;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

interface IndexFile {
  version: number;
  zip: { path: string; size: number; mtimeMs: number; entries: number };
  names: DocumentNames[];
}

function indexFile(dir: string, archive: ZipArchive): string {
  const key = createHash("sha256").update(resolve(archive.path)).digest("hex").slice(0, 24);
  return join(dir, `osv-names-${key}.json`);
}

/** The cached names of each document, or undefined when there is no index or it is stale. */
export function readNameIndex(
  dir: string,
  archive: ZipArchive,
  documents: number,
): DocumentNames[] | undefined {
  try {
    const index = JSON.parse(readFileSync(indexFile(dir, archive), "utf8")) as IndexFile;
    const z = index.zip;
    const fresh =
      index.version === VERSION &&
      z.path === resolve(archive.path) &&
      z.size === archive.size &&
      z.mtimeMs === archive.mtimeMs &&
      z.entries === documents &&
      Array.isArray(index.names) &&
      index.names.length === documents;
    return fresh ? index.names : undefined;
  } catch {
    return undefined;
  }
}

/** Save the index; a cache that cannot be written is only a slower next run. */
export function writeNameIndex(dir: string, archive: ZipArchive, names: DocumentNames[]): void {
  try {
    mkdirSync(dir, { recursive: true });
    const file = indexFile(dir, archive);
    const body: IndexFile = {
      version: VERSION,
      zip: {
        path: resolve(archive.path),
        size: archive.size,
        mtimeMs: archive.mtimeMs,
        entries: names.length,
      },
      names,
    };
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(body));
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // Read-only or full disk: the next run reads every document again.
  }
}
