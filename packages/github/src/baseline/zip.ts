import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { crc32 } from "node:zlib";
import { GateError } from "@mlgate/core";
import { Inflate } from "fflate";

/**
 * Bounds on what an archive may unpack to. A baseline artifact holds a results file and a small
 * metadata file; anything far beyond these is a wrong artifact or a hostile one (a zip bomb).
 */
export interface ZipLimits {
  /** Files (and directories) in the archive. */
  maxEntries: number;
  /** Bytes all files unpack to together, counted as they are inflated (declared sizes can lie). */
  maxUncompressedBytes: number;
  /** Characters in one entry name. */
  maxNameLength: number;
}

export const DEFAULT_ZIP_LIMITS: Readonly<ZipLimits> = {
  maxEntries: 1000,
  maxUncompressedBytes: 2 * 1024 ** 3,
  maxNameLength: 512,
};

/** One file written out of an archive. */
export interface ExtractedFile {
  /** Relative to the extraction directory, with `/` separators. */
  path: string;
  bytes: number;
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;
/** Compressed bytes fed to the inflater at a time: bounds one output burst to about 1000x this. */
const INFLATE_CHUNK = 16 * 1024;
const MAX_DEPTH = 32;

/**
 * Unpack a ZIP archive into `dir` (created if needed), refusing anything unsafe before writing it:
 * encrypted or ZIP64 archives, symbolic links, absolute names and names that climb out with `..`,
 * duplicate names, more entries than allowed, and more unpacked bytes than allowed. The unpacked size
 * is counted as fflate inflates, so an entry that declares a small size and inflates to gigabytes is
 * stopped at the limit; each file's CRC-32 is checked against the archive's.
 */
export function extractZip(
  zip: Uint8Array,
  dir: string,
  limits: Partial<ZipLimits> = {},
  what = "archive",
): ExtractedFile[] {
  const bounds = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const entries = readCentralDirectory(zip, bounds, what);
  const root = resolve(dir);
  // Every name and declared size is vetted before the first byte is written.
  const planned = planEntries(entries, root, bounds, what);
  mkdirSync(root, { recursive: true });
  const written: ExtractedFile[] = [];
  let total = 0;
  for (const { entry, target, relative } of planned) {
    if (entry.isDirectory) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(join(target, ".."), { recursive: true });
    const bytes = writeEntry(zip, entry, target, bounds.maxUncompressedBytes - total, bounds, what);
    total += bytes;
    written.push({ path: relative, bytes });
  }
  return written;
}

interface Planned {
  entry: Entry;
  target: string;
  relative: string;
}

function planEntries(entries: readonly Entry[], root: string, limits: ZipLimits, what: string): Planned[] {
  const seen = new Set<string>();
  let declared = 0;
  return entries.map((entry) => {
    const parts = safeParts(entry.name, what);
    const relative = parts.join("/");
    if (seen.has(relative)) throw new GateError(`${what} holds "${relative}" twice`);
    seen.add(relative);
    if (entry.isSymlink) {
      throw new GateError(`${what} holds a symbolic link, "${entry.name}", which is never unpacked`);
    }
    const target = join(root, ...parts);
    if (!target.startsWith(root + sep)) {
      throw new GateError(`${what}: entry "${entry.name}" leaves the directory`);
    }
    declared += entry.isDirectory ? 0 : entry.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) {
      throw new GateError(
        `${what} declares more than ${limits.maxUncompressedBytes} unpacked bytes: refused as a possible zip bomb`,
        {
          hint: "a baseline artifact holds per-item results and a small metadata file; check what was uploaded",
        },
      );
    }
    return { entry, target, relative };
  });
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) | ((b[at + 1] ?? 0) << 8) | ((b[at + 2] ?? 0) << 16) | ((b[at + 3] ?? 0) << 24)) >>> 0;
}

function corrupt(what: string, reason: string): GateError {
  return new GateError(`${what} is not a valid ZIP archive: ${reason}`, {
    hint: "download it again; if it keeps failing, upload the baseline again",
  });
}

function findEndOfCentralDirectory(zip: Uint8Array, what: string): number {
  const last = zip.length - 22;
  const first = Math.max(0, last - MAX_COMMENT);
  for (let at = last; at >= first; at--) if (u32(zip, at) === EOCD) return at;
  throw corrupt(what, "no end-of-central-directory record");
}

function readCentralDirectory(zip: Uint8Array, limits: ZipLimits, what: string): Entry[] {
  if (zip.length < 22) throw corrupt(what, `only ${zip.length} bytes`);
  const end = findEndOfCentralDirectory(zip, what);
  const count = u16(zip, end + 10);
  const size = u32(zip, end + 12);
  const offset = u32(zip, end + 16);
  if ((end >= 20 && u32(zip, end - 20) === EOCD64_LOCATOR) || count === 0xffff || offset === 0xffffffff) {
    throw new GateError(`${what} is a ZIP64 archive, which is not supported`, {
      hint: "a baseline artifact holds results files well under 4 GB; check that the right files were uploaded",
    });
  }
  if (u16(zip, end + 4) !== 0 || u16(zip, end + 6) !== 0) throw corrupt(what, "it spans several disks");
  if (count > limits.maxEntries) {
    throw new GateError(`${what} holds ${count} entries, over the limit of ${limits.maxEntries}`, {
      hint: "a baseline artifact needs only the results file and mlgate-baseline.json",
    });
  }
  if (offset + size > end) throw corrupt(what, "the central directory lies outside the file");
  const entries: Entry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || u32(zip, at) !== CENTRAL)
      throw corrupt(what, `central directory entry ${i + 1} is damaged`);
    const flags = u16(zip, at + 8);
    const nameLength = u16(zip, at + 28);
    const extraLength = u16(zip, at + 30);
    const commentLength = u16(zip, at + 32);
    if (at + 46 + nameLength > end) throw corrupt(what, `the name of entry ${i + 1} runs past the directory`);
    const name = decodeName(zip.subarray(at + 46, at + 46 + nameLength), flags, what, i);
    if (name.length > limits.maxNameLength) {
      throw new GateError(
        `${what}: entry ${i + 1} has a ${name.length}-character name, over the limit of ${limits.maxNameLength}`,
      );
    }
    const madeBy = u16(zip, at + 4) >> 8;
    const mode = u32(zip, at + 38) >>> 16;
    const entry: Entry = {
      name,
      method: u16(zip, at + 10),
      flags,
      crc: u32(zip, at + 16),
      compressedSize: u32(zip, at + 20),
      uncompressedSize: u32(zip, at + 24),
      localOffset: u32(zip, at + 42),
      isDirectory: name.endsWith("/"),
      // Unix hosts (3) keep the file type in the upper half of the external attributes.
      isSymlink: madeBy === 3 && (mode & 0o170000) === 0o120000,
    };
    if (
      entry.compressedSize === 0xffffffff ||
      entry.uncompressedSize === 0xffffffff ||
      entry.localOffset === 0xffffffff
    ) {
      throw new GateError(`${what}: entry "${name}" uses ZIP64 sizes, which are not supported`);
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function decodeName(bytes: Uint8Array, flags: number, what: string, index: number): string {
  if (bytes.includes(0)) throw new GateError(`${what}: entry ${index + 1} has a NUL byte in its name`);
  try {
    // Bit 11 says UTF-8; names without it are ASCII in practice, which UTF-8 reads the same.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const encoding = flags & 0x800 ? "declared UTF-8 but is not" : "is not UTF-8";
    throw new GateError(`${what}: the name of entry ${index + 1} ${encoding}`);
  }
}

/** The path segments of an entry name, or a GateError when the name could land outside the directory. */
export function safeParts(name: string, what = "archive"): string[] {
  const unsafe = (why: string) =>
    new GateError(`${what}: entry "${name}" ${why}; nothing was unpacked`, {
      hint: "an artifact made by actions/upload-artifact never holds such names; check where it came from",
    });
  // Windows tools write backslashes; they separate directories there, so they do here too.
  const normalized = name.replace(/\\/g, "/");
  if (normalized.startsWith("/") || /^[A-Za-z]:/.test(normalized)) throw unsafe("is an absolute path");
  const parts = normalized.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.some((p) => p === "..")) throw unsafe('climbs out of the directory with ".."');
  if (parts.length === 0) throw unsafe("has no file name");
  if (parts.length > MAX_DEPTH) throw unsafe(`is nested more than ${MAX_DEPTH} directories deep`);
  return parts;
}

function writeEntry(
  zip: Uint8Array,
  entry: Entry,
  target: string,
  budget: number,
  limits: ZipLimits,
  what: string,
): number {
  if (entry.flags & 0x1) throw new GateError(`${what}: entry "${entry.name}" is encrypted`);
  const local = entry.localOffset;
  if (local + 30 > zip.length || u32(zip, local) !== LOCAL)
    throw corrupt(what, `the local header of "${entry.name}" is missing`);
  const start = local + 30 + u16(zip, local + 26) + u16(zip, local + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (start + entry.compressedSize > zip.length)
    throw corrupt(what, `the data of "${entry.name}" is cut short`);
  const tooBig = () =>
    new GateError(
      `${what} unpacks to more than ${limits.maxUncompressedBytes} bytes (stopped in "${entry.name}"): refused as a possible zip bomb`,
      {
        hint: "a baseline artifact holds per-item results and a small metadata file; check what was uploaded",
      },
    );
  if (entry.uncompressedSize > budget) throw tooBig();

  const fd = openSync(target, "wx");
  let written = 0;
  let crc = 0;
  const sink = (chunk: Uint8Array) => {
    written += chunk.length;
    // More than declared is a lie about the size; more than the budget is a bomb either way.
    if (written > budget) throw tooBig();
    if (written > entry.uncompressedSize) {
      throw corrupt(
        what,
        `"${entry.name}" unpacks to more than the ${entry.uncompressedSize} bytes it declares`,
      );
    }
    crc = crc32(chunk, crc);
    writeSync(fd, chunk);
  };
  try {
    if (entry.method === 0) {
      sink(data);
    } else if (entry.method === 8) {
      const inflater = new Inflate((chunk) => {
        if (chunk.length > 0) sink(chunk);
      });
      if (data.length === 0) throw corrupt(what, `"${entry.name}" has no compressed data`);
      for (let at = 0; at < data.length; at += INFLATE_CHUNK) {
        const end = Math.min(data.length, at + INFLATE_CHUNK);
        inflater.push(data.subarray(at, end), end === data.length);
      }
    } else {
      throw new GateError(
        `${what}: entry "${entry.name}" uses compression method ${entry.method}; only stored and deflated entries are read`,
      );
    }
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw corrupt(what, `"${entry.name}" does not inflate (${(e as Error).message})`);
  } finally {
    closeSync(fd);
  }
  if (written !== entry.uncompressedSize) {
    throw corrupt(what, `"${entry.name}" unpacks to ${written} bytes but declares ${entry.uncompressedSize}`);
  }
  if (crc !== entry.crc) throw corrupt(what, `"${entry.name}" fails its CRC-32 check`);
  return written;
}
