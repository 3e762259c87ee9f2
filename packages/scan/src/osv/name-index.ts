import { createHash } from "node:crypto";
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { crc32 } from "node:zlib";
import type { ZipArchive, ZipEntry } from "./zip.js";

/**
 * A cache of an OSV zip's documents, kept so that later scans neither list the zip's central directory
 * nor inflate and parse the documents that cannot concern the image. For each document it records the
 * `"name"` values it holds and either a trimmed copy holding only what matching reads (read back through
 * the same checks as the original) or, for a document the scan that built the index did not want, where
 * it lies in the zip, so a later scan that wants it inflates and checks just that one.
 *
 * The index belongs to the zip's contents, not to its name or age: it is keyed by the zip's size and the
 * SHA-256 of its central directory (which lists every entry with its size and CRC), and rebuilt when
 * either changes. The header carries the SHA-256 of the directory and the directory a CRC of each
 * trimmed copy, so a damaged file is noticed; anything unexpected in it makes it count as missing.
 *
 * File layout: one line of JSON (the header), the directory (JSON), then the trimmed documents back to back.
 */

const FORMAT = "mlgate-osv-index";
const VERSION = 3;
/** An index whose parts are larger than this is not read (it would describe millions of documents). */
const MAX_PART_BYTES = 1024 * 1024 * 1024;
const MAX_HEADER_BYTES = 4096;
/** Trimmed documents close together in the file are read with one call. */
const READ_GAP = 64 * 1024;
const READ_MAX = 8 * 1024 * 1024;
export const INDEX_EXTENSION = ".osv-index";

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

/** What identifies the zip an index was built from. */
export interface ZipKey {
  size: number;
  directorySha256: string;
  entries: number;
}

interface Header {
  format: typeof FORMAT;
  version: number;
  zip: ZipKey;
  directoryBytes: number;
  directorySha256: string;
  recordsBytes: number;
}

/** An entry as stored: name, local header offset, compressed size, size, CRC, method. */
type StoredEntry = [string, number, number, number, number, number];

interface Directory {
  /** Every `"name"` value found, with the numbers of the documents that hold it (ascending). */
  names: string[];
  postings: number[][];
  /** Documents whose names could not be read without parsing them: always read. */
  always: number[];
  /** Bytes of each document's trimmed copy; 0 for a document read from the zip instead. */
  lengths: number[];
  /** CRC-32 of each trimmed copy. */
  crcs: number[];
  /** The zip entries of the documents read from the zip, by document number. */
  fallback: [number, StoredEntry][];
}

/** Thrown while reading trimmed documents when the index file turns out damaged. */
export class DamagedIndex extends Error {}

/** What one wanted document is: its trimmed copy, or the zip entry to read it from. */
export type IndexedDocument = { trimmed: string } | { entry: ZipEntry };

/** A loaded index: which documents mention a name, and their trimmed copies (read on demand). */
export class NameIndex {
  private readonly offsets: number[];
  private readonly fallback: Map<number, StoredEntry>;

  private constructor(
    private readonly file: string,
    private readonly recordsStart: number,
    private readonly directory: Directory,
  ) {
    let at = 0;
    this.offsets = directory.lengths.map((length) => {
      const start = at;
      at += length;
      return start;
    });
    this.fallback = new Map(directory.fallback);
  }

  get documentCount(): number {
    return this.directory.lengths.length;
  }

  /** Numbers of the documents that mention a name `wanted` accepts, or cannot be judged without parsing, ascending. */
  select(wanted: (name: string) => boolean): number[] {
    const picked = new Set<number>(this.directory.always);
    const { names, postings } = this.directory;
    for (let i = 0; i < names.length; i++) {
      if (wanted(names[i] as string)) for (const n of postings[i] as number[]) picked.add(n);
    }
    return [...picked].sort((a, b) => a - b);
  }

  /** The documents, in the order given (ascending); throws DamagedIndex when the file does not hold them. */
  documents(picked: readonly number[]): IndexedDocument[] {
    const out: IndexedDocument[] = [];
    let fd: number | undefined;
    try {
      let i = 0;
      while (i < picked.length) {
        const n = picked[i] as number;
        const length = this.directory.lengths[n] as number;
        if (length === 0) {
          const stored = this.fallback.get(n);
          if (!stored) throw new DamagedIndex(`document ${n} has neither a trimmed copy nor an entry`);
          const [name, localHeaderOffset, compressedSize, size, crc, method] = stored;
          out.push({
            entry: { name, localHeaderOffset, compressedSize, size, crc, method, isDirectory: false },
          });
          i++;
          continue;
        }
        // One read for a run of trimmed copies that lie close together.
        const start = this.offsets[n] as number;
        let end = start + length;
        let last = i;
        while (last + 1 < picked.length) {
          const next = picked[last + 1] as number;
          const nextLength = this.directory.lengths[next] as number;
          const nextStart = this.offsets[next] as number;
          if (nextLength === 0 || nextStart - end > READ_GAP || nextStart + nextLength - start > READ_MAX)
            break;
          end = nextStart + nextLength;
          last++;
        }
        fd ??= openSync(this.file, "r");
        const bytes = readExactly(fd, this.recordsStart + start, end - start);
        if (!bytes) throw new DamagedIndex("the index file is shorter than its header says");
        for (; i <= last; i++) {
          const m = picked[i] as number;
          const from = (this.offsets[m] as number) - start;
          const record = bytes.subarray(from, from + (this.directory.lengths[m] as number));
          if (crc32(record) !== this.directory.crcs[m])
            throw new DamagedIndex(`document ${m} fails its CRC check`);
          out.push({ trimmed: record.toString("utf8") });
        }
      }
      return out;
    } catch (e) {
      if (e instanceof DamagedIndex) throw e;
      throw new DamagedIndex(e instanceof Error ? e.message : String(e));
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Check a directory read from `file` against the zip it claims to describe; undefined when anything is off. */
  static check(file: string, recordsStart: number, header: Header, value: unknown): NameIndex | undefined {
    const d = value as Directory;
    if (typeof d !== "object" || d === null || !Array.isArray(d.lengths)) return undefined;
    const count = d.lengths.length;
    if (count > header.zip.entries) return undefined;
    let total = 0;
    for (const length of d.lengths) {
      if (!Number.isSafeInteger(length) || length < 0) return undefined;
      total += length;
    }
    if (total !== header.recordsBytes) return undefined;
    if (!Array.isArray(d.crcs) || d.crcs.length !== count) return undefined;
    const isDocument = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) < count;
    if (!Array.isArray(d.always) || !d.always.every(isDocument)) return undefined;
    if (!Array.isArray(d.names) || !Array.isArray(d.postings) || d.names.length !== d.postings.length) {
      return undefined;
    }
    if (!d.names.every((n) => typeof n === "string")) return undefined;
    if (!d.postings.every((list) => Array.isArray(list) && list.every(isDocument))) return undefined;
    if (!Array.isArray(d.fallback)) return undefined;
    const size = header.zip.size;
    for (const item of d.fallback) {
      if (!Array.isArray(item) || !isDocument(item[0]) || d.lengths[item[0]] !== 0) return undefined;
      const entry = item[1];
      const numbers = (values: unknown[], max: number[]) =>
        values.every(
          (v, i) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= (max[i] as number),
        );
      if (
        !Array.isArray(entry) ||
        entry.length !== 6 ||
        typeof entry[0] !== "string" ||
        !numbers(entry.slice(1), [size, size, Number.MAX_SAFE_INTEGER, 0xffffffff, 0xffff])
      ) {
        return undefined;
      }
    }
    const fallback = new Set(d.fallback.map(([n]) => n));
    if (d.lengths.some((length, n) => length === 0 && !fallback.has(n))) return undefined;
    return new NameIndex(file, recordsStart, d);
  }
}

/** Collects what an index holds while the zip's documents are read in order, then writes it. */
export class NameIndexBuilder {
  private readonly postings = new Map<string, number[]>();
  private readonly always: number[] = [];
  private readonly lengths: number[] = [];
  private readonly crcs: number[] = [];
  private readonly fallback: [number, StoredEntry][] = [];
  private readonly records: Buffer[] = [];
  private recordsBytes = 0;

  /** The next document: its entry, its `"name"` values, and its trimmed copy if it was read. */
  add(entry: ZipEntry, names: DocumentNames, trimmed: string | undefined): void {
    const n = this.lengths.length;
    if (names === 0) this.always.push(n);
    else {
      for (const name of names) {
        const list = this.postings.get(name);
        if (list) list.push(n);
        else this.postings.set(name, [n]);
      }
    }
    const bytes = trimmed === undefined ? undefined : Buffer.from(trimmed, "utf8");
    if (bytes && bytes.length > 0) {
      this.records.push(bytes);
      this.recordsBytes += bytes.length;
      this.lengths.push(bytes.length);
      this.crcs.push(crc32(bytes));
    } else {
      this.lengths.push(0);
      this.crcs.push(0);
      this.fallback.push([
        n,
        [entry.name, entry.localHeaderOffset, entry.compressedSize, entry.size, entry.crc, entry.method],
      ]);
    }
  }

  /** Save the index; a cache that cannot be written is only a slower next run. */
  write(dir: string, zipPath: string, zip: ZipKey): void {
    const directory: Directory = {
      names: [...this.postings.keys()],
      postings: [...this.postings.values()],
      always: this.always,
      lengths: this.lengths,
      crcs: this.crcs,
      fallback: this.fallback,
    };
    const directoryBytes = Buffer.from(JSON.stringify(directory), "utf8");
    const header: Header = {
      format: FORMAT,
      version: VERSION,
      zip,
      directoryBytes: directoryBytes.length,
      directorySha256: createHash("sha256").update(directoryBytes).digest("hex"),
      recordsBytes: this.recordsBytes,
    };
    const file = indexPathFor(dir, zipPath);
    // Named like the cache's partial downloads, so cache pruning treats a leftover one alike.
    const partial = `${file}.${process.pid}.part`;
    let fd: number | undefined;
    try {
      mkdirSync(dir, { recursive: true });
      fd = openSync(partial, "w");
      writeAll(fd, Buffer.from(`${JSON.stringify(header)}\n`, "utf8"));
      writeAll(fd, directoryBytes);
      for (let i = 0; i < this.records.length; i += 4096) {
        writeAll(fd, Buffer.concat(this.records.slice(i, i + 4096)));
      }
      closeSync(fd);
      fd = undefined;
      renameSync(partial, file);
    } catch {
      // Read-only or full disk: the next run reads every document again.
      try {
        if (fd !== undefined) closeSync(fd);
        rmSync(partial, { force: true });
      } catch {
        // Nothing more to do.
      }
    }
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** `length` bytes at `position`, or undefined when the file ends first. */
function readExactly(fd: number, position: number, length: number): Buffer | undefined {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) return undefined;
    done += n;
  }
  return buffer;
}

/** What identifies the archive's contents. */
export function zipKey(archive: ZipArchive): ZipKey {
  return { size: archive.size, directorySha256: archive.directoryDigest(), entries: archive.entryCount };
}

/**
 * Where a zip's index lives: beside a zip kept in the index directory itself (a downloaded database),
 * under the zip's own name so the cache keeps or drops the two together; otherwise under a hash of the
 * zip's path. One index per zip either way, replaced when the zip changes.
 */
export function indexPathFor(dir: string, zipPath: string): string {
  const full = resolve(zipPath);
  if (dirname(full) === resolve(dir)) {
    return join(dir, `${basename(full).replace(/\.zip$/i, "")}${INDEX_EXTENSION}`);
  }
  const key = createHash("sha256").update(full).digest("hex").slice(0, 24);
  return join(dir, `osv-index-${key}${INDEX_EXTENSION}`);
}

/** The index of this zip, or undefined when there is none, it is stale, or it cannot be read. */
export function readNameIndex(dir: string, zipPath: string, zip: ZipKey): NameIndex | undefined {
  const file = indexPathFor(dir, zipPath);
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const size = fstatSync(fd).size;
    const head = readExactly(fd, 0, Math.min(size, MAX_HEADER_BYTES));
    const newline = head?.indexOf(10) ?? -1;
    if (!head || newline < 0) return undefined;
    const header = JSON.parse(head.toString("utf8", 0, newline)) as Header;
    if (
      header?.format !== FORMAT ||
      header.version !== VERSION ||
      header.zip?.size !== zip.size ||
      header.zip.directorySha256 !== zip.directorySha256 ||
      header.zip.entries !== zip.entries ||
      !Number.isSafeInteger(header.directoryBytes) ||
      !Number.isSafeInteger(header.recordsBytes) ||
      header.directoryBytes < 0 ||
      header.recordsBytes < 0 ||
      header.directoryBytes > MAX_PART_BYTES ||
      header.recordsBytes > MAX_PART_BYTES ||
      newline + 1 + header.directoryBytes + header.recordsBytes !== size
    ) {
      return undefined;
    }
    const directory = readExactly(fd, newline + 1, header.directoryBytes);
    if (!directory || createHash("sha256").update(directory).digest("hex") !== header.directorySha256) {
      return undefined;
    }
    return NameIndex.check(
      file,
      newline + 1 + header.directoryBytes,
      header,
      JSON.parse(directory.toString("utf8")),
    );
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
