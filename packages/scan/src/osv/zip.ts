import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { crc32, inflateRawSync } from "node:zlib";
import { GateError } from "@mlgate/core";

/**
 * A minimal reader of zip archives (the format of osv.dev's per-ecosystem `all.zip`): the central
 * directory is read from the end of the file, then each entry's data is read at its offset and
 * inflated on its own, so memory stays bounded by one entry. Zip64 archives (more than 65,535
 * entries, as npm's has) are supported; encrypted and multi-disk archives are not.
 */

export interface ZipLimits {
  /** Entries in one archive. */
  maxEntries: number;
  /** Uncompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes of all entries read together. */
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 2_000_000,
  maxEntryBytes: 16 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
};

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localHeaderOffset: number;
  isDirectory: boolean;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

/** Entries are read through a window this large, so a zip of small documents costs few reads. */
const WINDOW = 8 * 1024 * 1024;
/** Largest output buffer an inflate starts with (a larger entry grows it in steps this size). */
const OUTPUT_CHUNK = 1024 * 1024;
/** The central directory is read (and hashed) in slices this large, so a huge one never sits in memory whole. */
const SLICE = 4 * 1024 * 1024;

class ZipFile {
  private readonly fd: number;
  readonly size: number;
  readonly mtimeMs: number;
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    readonly path: string,
    readonly limits: ZipLimits,
  ) {
    try {
      this.fd = openSync(path, "r");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new GateError(
        code === "ENOENT" ? `OSV database not found: ${path}` : `cannot open ${path}: ${code}`,
        {
          cause: e,
        },
      );
    }
    const info = fstatSync(this.fd);
    this.size = info.size;
    this.mtimeMs = info.mtimeMs;
  }

  /** Bytes at `offset`, as a view that stays valid only until the next call. */
  view(offset: number, length: number): Buffer {
    if (offset >= this.windowStart && offset + length <= this.windowStart + this.window.length) {
      return this.window.subarray(offset - this.windowStart, offset - this.windowStart + length);
    }
    this.window = this.read(offset, Math.max(length, Math.min(WINDOW, this.size - offset)));
    this.windowStart = offset;
    return this.window.subarray(0, length);
  }

  /** Bytes at `offset`, in a buffer of their own. */
  read(offset: number, length: number): Buffer {
    if (offset < 0 || length < 0 || offset + length > this.size) {
      throw this.corrupt(`a record at byte ${offset} runs past the end of the file`);
    }
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw this.corrupt(`the file ends early at byte ${offset + done}`);
      done += n;
    }
    return buf;
  }

  corrupt(what: string): GateError {
    return new GateError(`${this.path} is not a readable zip archive: ${what}`, {
      location: { file: this.path },
      hint: "download the OSV database again (e.g. https://osv-vulnerabilities.storage.googleapis.com/<ecosystem>/all.zip)",
    });
  }

  close(): void {
    closeSync(this.fd);
  }
}

function big(buf: Buffer, offset: number): number {
  const value = buf.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("zip64 field too large");
  return Number(value);
}

/** Where the central directory is and how many entries it lists. */
interface CentralDirectory {
  offset: number;
  size: number;
  entries: number;
}

function findCentralDirectory(zip: ZipFile): CentralDirectory {
  const tailLength = Math.min(zip.size, 22 + MAX_COMMENT + 20);
  const tailStart = zip.size - tailLength;
  const tail = zip.read(tailStart, tailLength);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw zip.corrupt("no end-of-central-directory record");
  if (tail.readUInt16LE(at + 4) !== 0 || tail.readUInt16LE(at + 6) !== 0) {
    throw zip.corrupt("multi-disk archives are not supported");
  }
  let entries = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  const locator = at - 20;
  if (locator >= 0 && tail.readUInt32LE(locator) === ZIP64_LOCATOR) {
    // A zip64 field beyond 2^53 cannot be an offset or a count in a file this size.
    const field = (buf: Buffer, at: number) => {
      try {
        return big(buf, at);
      } catch {
        throw zip.corrupt("the zip64 end record holds an impossible value");
      }
    };
    const record = zip.read(field(tail, locator + 8), 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD) throw zip.corrupt("the zip64 end record is missing");
    entries = field(record, 32);
    size = field(record, 40);
    offset = field(record, 48);
  }
  if (offset + size > zip.size) throw zip.corrupt("the central directory lies past the end of the file");
  return { offset, size, entries };
}

/** The zip64 extended-information extra field replaces the 32-bit fields that are all ones. */
function applyZip64(
  extra: Buffer,
  entry: ZipEntry,
  rawSize: number,
  rawCompressed: number,
  rawOffset: number,
): void {
  let i = 0;
  while (i + 4 <= extra.length) {
    const id = extra.readUInt16LE(i);
    const length = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let p = i + 4;
      const end = p + length;
      const next = () => {
        if (p + 8 > end || p + 8 > extra.length) throw new RangeError("short zip64 field");
        const v = big(extra, p);
        p += 8;
        return v;
      };
      if (rawSize === 0xffffffff) entry.size = next();
      if (rawCompressed === 0xffffffff) entry.compressedSize = next();
      if (rawOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    i += 4 + length;
  }
}

function* centralEntries(zip: ZipFile, directory: CentralDirectory): Generator<ZipEntry> {
  const { offset, size, entries } = directory;
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = offset;
  let pos = offset;
  const end = offset + size;
  const ensure = (n: number) => {
    if (pos + n > end) throw zip.corrupt(`central directory entry at byte ${pos} is cut short`);
    if (pos + n > bufStart + buf.length) {
      bufStart = pos;
      buf = zip.read(pos, Math.min(Math.max(n, SLICE), end - pos));
    }
  };
  for (let n = 0; n < entries; n++) {
    ensure(46);
    const h = pos - bufStart;
    if (buf.readUInt32LE(h) !== CENTRAL)
      throw zip.corrupt(`expected a central directory entry at byte ${pos}`);
    const flags = buf.readUInt16LE(h + 8);
    const method = buf.readUInt16LE(h + 10);
    const crc = buf.readUInt32LE(h + 16);
    const rawCompressed = buf.readUInt32LE(h + 20);
    const rawSize = buf.readUInt32LE(h + 24);
    const nameLength = buf.readUInt16LE(h + 28);
    const extraLength = buf.readUInt16LE(h + 30);
    const commentLength = buf.readUInt16LE(h + 32);
    const rawOffset = buf.readUInt32LE(h + 42);
    const total = 46 + nameLength + extraLength + commentLength;
    ensure(total);
    const r = pos - bufStart;
    const name = buf.toString(flags & 0x800 ? "utf8" : "latin1", r + 46, r + 46 + nameLength);
    const entry: ZipEntry = {
      name,
      method,
      compressedSize: rawCompressed,
      size: rawSize,
      crc,
      localHeaderOffset: rawOffset,
      isDirectory: name.endsWith("/"),
    };
    try {
      applyZip64(
        buf.subarray(r + 46 + nameLength, r + 46 + nameLength + extraLength),
        entry,
        rawSize,
        rawCompressed,
        rawOffset,
      );
    } catch {
      throw zip.corrupt(`entry ${JSON.stringify(name)} has a malformed zip64 field`);
    }
    if (flags & 0x1) throw zip.corrupt(`entry ${JSON.stringify(name)} is encrypted`);
    pos += total;
    yield entry;
  }
}

/** Inflate (or copy) one entry's data, checking its size and CRC. */
function readEntry(zip: ZipFile, entry: ZipEntry): Buffer {
  const where = `entry ${JSON.stringify(entry.name)}`;
  if (entry.size > zip.limits.maxEntryBytes) {
    throw new GateError(
      `${zip.path}: ${where} is ${entry.size} bytes uncompressed, over the limit of ${zip.limits.maxEntryBytes}`,
      { location: { file: zip.path } },
    );
  }
  const header = zip.view(entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== LOCAL) throw zip.corrupt(`${where} has no local header`);
  const dataOffset = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const stored = zip.view(dataOffset, entry.compressedSize);
  let data: Buffer<ArrayBufferLike>;
  if (entry.method === 0) data = Buffer.from(stored);
  else if (entry.method === 8) {
    try {
      // The declared size bounds the output: a deflate bomb stops here instead of filling memory.
      // An output buffer of about that size, not zlib's 16 KiB default, spares the garbage collector
      // when an archive holds many small documents.
      data = inflateRawSync(stored, {
        maxOutputLength: Math.max(entry.size, 1),
        chunkSize: Math.min(Math.max(entry.size + 1, 64), OUTPUT_CHUNK),
      });
    } catch {
      throw zip.corrupt(`${where} does not inflate to its declared ${entry.size} bytes`);
    }
  } else
    throw zip.corrupt(`${where} uses compression method ${entry.method} (only stored and deflate are read)`);
  if (data.length !== entry.size)
    throw zip.corrupt(`${where} inflates to ${data.length} bytes, not the declared ${entry.size}`);
  if (crc32(data) !== entry.crc) throw zip.corrupt(`${where} fails its CRC check`);
  return data;
}

/** SHA-256 of the central directory's bytes: every entry's name, sizes, offset and CRC, read in slices. */
function directoryDigest(zip: ZipFile, directory: CentralDirectory): string {
  const hash = createHash("sha256");
  for (let at = directory.offset; at < directory.offset + directory.size; at += SLICE) {
    hash.update(zip.read(at, Math.min(SLICE, directory.offset + directory.size - at)));
  }
  return hash.digest("hex");
}

/** An open zip archive: its entries listed from the central directory, each readable on its own. */
export interface ZipArchive {
  path: string;
  size: number;
  mtimeMs: number;
  /** Entries the central directory lists (directories included). */
  entryCount: number;
  /** Every entry (directories included), in central-directory order; listed on first use. */
  readonly entries: ZipEntry[];
  /** The entry's uncompressed bytes, size and CRC checked. */
  read(entry: ZipEntry): Buffer;
  /** SHA-256 (hex) of the central directory, which names every entry with its sizes and CRC. */
  directoryDigest(): string;
  close(): void;
}

export function openZip(path: string, limits: Partial<ZipLimits> = {}): ZipArchive {
  const zip = new ZipFile(path, { ...DEFAULT_ZIP_LIMITS, ...limits });
  try {
    const directory = findCentralDirectory(zip);
    if (directory.entries > zip.limits.maxEntries) {
      throw new GateError(
        `${path} lists ${directory.entries} entries, over the limit of ${zip.limits.maxEntries}`,
        { location: { file: path } },
      );
    }
    let entries: ZipEntry[] | undefined;
    let bytes = 0;
    return {
      path,
      size: zip.size,
      mtimeMs: zip.mtimeMs,
      entryCount: directory.entries,
      get entries() {
        entries ??= [...centralEntries(zip, directory)];
        return entries;
      },
      read(entry) {
        bytes += entry.size;
        if (bytes > zip.limits.maxTotalBytes) {
          throw new GateError(
            `${path} holds more than ${zip.limits.maxTotalBytes} uncompressed bytes, over the limit`,
            {
              location: { file: path },
            },
          );
        }
        return readEntry(zip, entry);
      },
      directoryDigest: () => directoryDigest(zip, directory),
      close: () => zip.close(),
    };
  } catch (e) {
    zip.close();
    throw e;
  }
}

/**
 * Visit every file entry of a zip archive; `accept` picks the entries whose data is read. The data
 * buffer is only valid during the call.
 */
export function readZip(
  path: string,
  accept: (name: string) => boolean,
  visit: (name: string, data: Buffer) => void,
  limits: Partial<ZipLimits> = {},
): { entries: number; bytes: number } {
  const archive = openZip(path, limits);
  let entries = 0;
  let bytes = 0;
  try {
    for (const entry of archive.entries) {
      if (entry.isDirectory || !accept(entry.name)) continue;
      bytes += entry.size;
      visit(entry.name, archive.read(entry));
      entries++;
    }
  } finally {
    archive.close();
  }
  return { entries, bytes };
}

/** Whether the file ends like a zip archive (an end-of-central-directory record is present). */
export function looksLikeZip(path: string): boolean {
  let zip: ZipFile | undefined;
  try {
    zip = new ZipFile(path, DEFAULT_ZIP_LIMITS);
    findCentralDirectory(zip);
    return true;
  } catch {
    return false;
  } finally {
    zip?.close();
  }
}
