/**
 * A canonical zip reader over an open file: it reads the end records and the central directory,
 * then checks every local header against its central entry and requires the entries to tile the
 * file exactly (nothing before the first entry, between entries or after the end records).
 * Anything a different zip implementation could read differently is a finding: the scanner
 * judges the bytes the loader will see, so the loader and the scanner must see the same bytes.
 */

import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { crc32, createInflateRaw, inflateRawSync } from "node:zlib";
import { type Finding, GateError } from "@mlgate/core";
import { type ByteSource, fileSource, memorySource, readRange } from "../pickle/source.js";

export interface ZipEntry {
  /** Position in the central directory. */
  index: number;
  name: string;
  rawName: Uint8Array;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** First byte of the member's (compressed) data. */
  dataOffset: number;
  /** First byte after the member's data and data descriptor. */
  end: number;
  isDirectory: boolean;
  /** Structural problems of this entry (already reported in `findings`). */
  broken: boolean;
}

export interface ZipLimits {
  maxEntries: number;
  maxCentralDirectoryBytes: number;
  maxInflatedBytes: number;
}

export interface ZipArchive {
  path: string;
  size: number;
  entries: ZipEntry[];
  /** Structural findings: EOCD, central directory, local headers, names. */
  findings: Finding[];
  /** False when the central directory could not be read at all. */
  readable: boolean;
  /** Bytes of a member as the loader sees them (stored: a file region; deflated: inflated, bounded). */
  source(entry: ZipEntry): ByteSource | Finding;
  /** Stream the member and compare its CRC-32 and size with the central directory. */
  verify(entry: ZipEntry): Promise<Finding | undefined>;
  close(): Promise<void>;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const U32 = 0xffffffff;
const U16 = 0xffff;

const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 100_000,
  maxCentralDirectoryBytes: 64 * 1024 ** 2,
  maxInflatedBytes: 512 * 1024 ** 2,
};

class Le {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  u64(at: number): number {
    return Number(this.view.getBigUint64(at, true));
  }
}

function decodeName(raw: Uint8Array, utf8Flag: boolean): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    // Not UTF-8: a CP437 name; the printable ASCII part is what the checks need.
    return utf8Flag ? "\uFFFD".repeat(raw.length) : Array.from(raw, (b) => String.fromCharCode(b)).join("");
  }
}

/** Why a member name is unsafe to extract or ambiguous to look up, if it is. */
export function unsafeNameReason(name: string): string | undefined {
  if (name === "") return "an empty name";
  if (name.includes("\0")) return "a NUL byte";
  if (name.includes("\\")) return "a backslash (a path separator on Windows)";
  if (name.startsWith("/")) return "an absolute path";
  if (/^[A-Za-z]:/.test(name)) return "a drive letter";
  if (name.split("/").some((part) => part === "..")) return "a '..' path segment";
  if (/[\u0000-\u001f\u007f]/.test(name)) return "a control character";
  return undefined;
}

interface ZipContext {
  path: string;
  findings: Finding[];
}

function finding(
  ctx: ZipContext,
  rule: string,
  message: string,
  properties: Record<string, unknown> = {},
  level: Finding["level"] = "fail",
): Finding {
  const f: Finding = { rule, level, message, file: ctx.path, properties };
  ctx.findings.push(f);
  return f;
}

/** Open a zip archive and check its structure. I/O failures are GateErrors; structure problems are findings. */
export async function openZip(path: string, limits: Partial<ZipLimits> = {}): Promise<ZipArchive> {
  const lim = { ...DEFAULT_ZIP_LIMITS, ...limits };
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateError(
      code === "ENOENT" ? `model file not found: ${path}` : `cannot open ${path}: ${code}`,
      {
        cause: e,
      },
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new GateError(`${path} is not a regular file`);
    const file = fileSource(handle.fd, 0, info.size);
    const ctx: ZipContext = { path, findings: [] };
    const entries = readStructure(file, ctx, lim);
    return makeArchive(path, handle, file, entries, ctx, lim);
  } catch (e) {
    await handle.close();
    throw e;
  }
}

interface EndRecords {
  entries: number;
  cdOffset: number;
  cdSize: number;
  /** Where the central directory must end (the zip64 end record, or the end record). */
  cdEnd: number;
}

function findEnd(file: ByteSource, ctx: ZipContext): EndRecords | undefined {
  const tailLen = Math.min(file.size, 22 + 0xffff);
  const tailStart = file.size - tailLen;
  const tail = readRange(file, tailStart, tailLen);
  const t = new Le(tail);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (t.u32(i) === SIG_EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    finding(ctx, "zip.malformed", "no end of central directory record: not a complete zip archive");
    return undefined;
  }
  const eocdPos = tailStart + at;
  const disk = t.u16(at + 4);
  const cdDisk = t.u16(at + 6);
  let entriesOnDisk = t.u16(at + 8);
  let entries = t.u16(at + 10);
  let cdSize = t.u32(at + 12);
  let cdOffset = t.u32(at + 16);
  const commentLen = t.u16(at + 20);
  const recordEnd = eocdPos + 22 + commentLen;
  if (recordEnd > file.size) {
    finding(
      ctx,
      "zip.malformed",
      `the end record's comment runs ${recordEnd - file.size} bytes past the end of the file`,
      {
        offset: eocdPos,
      },
    );
    return undefined;
  }
  if (recordEnd < file.size) {
    finding(ctx, "zip.extra-data", `${file.size - recordEnd} bytes follow the end of the zip archive`, {
      offset: recordEnd,
    });
  }
  if (disk !== 0 || cdDisk !== 0) {
    finding(ctx, "zip.malformed", "multi-disk (split) archives are not supported", { offset: eocdPos });
    return undefined;
  }
  let cdEnd = eocdPos;
  const locatorPos = eocdPos - 20;
  const hasLocator = locatorPos >= 0 && new Le(readRange(file, locatorPos, 4)).u32(0) === SIG_ZIP64_LOCATOR;
  if (hasLocator) {
    const loc = new Le(readRange(file, locatorPos, 20));
    const z64Pos = loc.u64(8);
    if (loc.u32(4) !== 0 || loc.u32(16) !== 1) {
      finding(ctx, "zip.malformed", "multi-disk zip64 archives are not supported", { offset: locatorPos });
      return undefined;
    }
    const rec = readRange(file, z64Pos, 56);
    const z = new Le(rec);
    if (rec.length < 56 || z.u32(0) !== SIG_ZIP64_EOCD) {
      finding(
        ctx,
        "zip.malformed",
        `the zip64 locator points at offset ${z64Pos}, where there is no zip64 end record`,
        {
          offset: locatorPos,
        },
      );
      return undefined;
    }
    if (z64Pos + 12 + z.u64(4) !== locatorPos) {
      finding(ctx, "zip.extra-data", "bytes lie between the zip64 end record and its locator", {
        offset: z64Pos,
      });
    }
    const z64 = {
      entriesOnDisk: z.u64(24),
      entries: z.u64(32),
      cdSize: z.u64(40),
      cdOffset: z.u64(48),
    };
    const agree = (small: number, sentinel: number, big: number) => small === sentinel || small === big;
    if (
      !agree(entriesOnDisk, U16, z64.entriesOnDisk) ||
      !agree(entries, U16, z64.entries) ||
      !agree(cdSize, U32, z64.cdSize) ||
      !agree(cdOffset, U32, z64.cdOffset)
    ) {
      finding(
        ctx,
        "zip.header-mismatch",
        "the end record and the zip64 end record disagree on the central directory",
        {
          offset: eocdPos,
        },
      );
    }
    ({ entriesOnDisk, entries, cdSize, cdOffset } = z64);
    cdEnd = z64Pos;
  } else if (entries === U16 || cdSize === U32 || cdOffset === U32) {
    finding(ctx, "zip.malformed", "the end record needs zip64 values, but there is no zip64 locator", {
      offset: eocdPos,
    });
    return undefined;
  }
  if (entriesOnDisk !== entries) {
    finding(
      ctx,
      "zip.header-mismatch",
      `the end record counts ${entriesOnDisk} entries on disk but ${entries} in total`,
      {
        offset: eocdPos,
      },
    );
  }
  if (cdOffset + cdSize > cdEnd) {
    finding(ctx, "zip.malformed", "the central directory runs into the end records", { offset: cdOffset });
    return undefined;
  }
  if (cdOffset + cdSize < cdEnd) {
    finding(
      ctx,
      "zip.extra-data",
      `${cdEnd - cdOffset - cdSize} bytes lie between the central directory and the end record`,
      {
        offset: cdOffset + cdSize,
      },
    );
  }
  return { entries, cdOffset, cdSize, cdEnd };
}

interface Zip64Values {
  uncompressed?: number;
  compressed?: number;
  offset?: number;
}

/** Values of the zip64 extra field (id 1): present only for the fields stored as 0xFFFFFFFF. */
function zip64Extra(
  extra: Uint8Array,
  want: { u: boolean; c: boolean; o: boolean },
): Zip64Values | undefined {
  const e = new Le(extra);
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = e.u16(i);
    const size = e.u16(i + 2);
    if (i + 4 + size > extra.length) return undefined;
    if (id === 1) {
      const out: Zip64Values = {};
      let p = i + 4;
      const end = p + size;
      for (const key of ["u", "c", "o"] as const) {
        if (!want[key]) continue;
        if (p + 8 > end) return undefined;
        const v = e.u64(p);
        if (key === "u") out.uncompressed = v;
        else if (key === "c") out.compressed = v;
        else out.offset = v;
        p += 8;
      }
      return out;
    }
    i += 4 + size;
  }
  return want.u || want.c || want.o ? undefined : {};
}

function readStructure(file: ByteSource, ctx: ZipContext, lim: ZipLimits): ZipEntry[] | undefined {
  const end = findEnd(file, ctx);
  if (!end) return undefined;
  if (end.entries > lim.maxEntries) {
    finding(ctx, "zip.limit", `the archive has ${end.entries} entries, over the limit of ${lim.maxEntries}`);
    return undefined;
  }
  if (end.cdSize > lim.maxCentralDirectoryBytes) {
    finding(
      ctx,
      "zip.limit",
      `the central directory is ${end.cdSize} bytes, over the limit of ${lim.maxCentralDirectoryBytes}`,
    );
    return undefined;
  }
  const cd = readRange(file, end.cdOffset, end.cdSize);
  const c = new Le(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let index = 0; index < end.entries; index++) {
    if (p + 46 > cd.length || c.u32(p) !== SIG_CENTRAL) {
      finding(ctx, "zip.malformed", `central directory entry ${index + 1} is missing or damaged`, {
        offset: end.cdOffset + p,
      });
      return undefined;
    }
    const madeBy = c.u16(p + 4);
    const flags = c.u16(p + 8);
    const method = c.u16(p + 10);
    const crc = c.u32(p + 16);
    let compressedSize = c.u32(p + 20);
    let uncompressedSize = c.u32(p + 24);
    const nameLen = c.u16(p + 28);
    const extraLen = c.u16(p + 30);
    const commentLen = c.u16(p + 32);
    const diskStart = c.u16(p + 34);
    const external = c.u32(p + 38);
    let localHeaderOffset = c.u32(p + 42);
    if (p + 46 + nameLen + extraLen + commentLen > cd.length) {
      finding(ctx, "zip.malformed", `central directory entry ${index + 1} runs past the directory`, {
        offset: end.cdOffset + p,
      });
      return undefined;
    }
    const rawName = cd.slice(p + 46, p + 46 + nameLen);
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    const name = decodeName(rawName, (flags & 0x800) !== 0);
    const z = zip64Extra(extra, {
      u: uncompressedSize === U32,
      c: compressedSize === U32,
      o: localHeaderOffset === U32,
    });
    const entry: ZipEntry = {
      index,
      name,
      rawName,
      flags,
      method,
      crc32: crc,
      compressedSize,
      uncompressedSize,
      localHeaderOffset,
      dataOffset: 0,
      end: 0,
      isDirectory: name.endsWith("/"),
      broken: false,
    };
    const props = { member: name, offset: end.cdOffset + p };
    if (!z) {
      finding(
        ctx,
        "zip.malformed",
        `${name}: sizes need a zip64 extra field that is missing or short`,
        props,
      );
      return undefined;
    }
    compressedSize = z.compressed ?? compressedSize;
    uncompressedSize = z.uncompressed ?? uncompressedSize;
    localHeaderOffset = z.offset ?? localHeaderOffset;
    Object.assign(entry, { compressedSize, uncompressedSize, localHeaderOffset });
    if (diskStart !== 0 && diskStart !== U16) {
      finding(ctx, "zip.malformed", `${name} starts on another disk`, props);
      entry.broken = true;
    }
    if (flags & 0x41 || method === 99) {
      finding(ctx, "zip.encrypted", `${name} is encrypted: its contents cannot be checked`, props);
      entry.broken = true;
    } else if (method !== 0 && method !== 8) {
      finding(
        ctx,
        "zip.unsupported-compression",
        `${name} uses compression method ${method}; only stored (0) and deflate (8) are read`,
        props,
      );
      entry.broken = true;
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      finding(
        ctx,
        "zip.header-mismatch",
        `${name} is stored but its sizes differ (${compressedSize} vs ${uncompressedSize})`,
        props,
      );
      entry.broken = true;
    }
    const unsafe = unsafeNameReason(name);
    if (unsafe) finding(ctx, "zip.unsafe-name", `member name ${JSON.stringify(name)} has ${unsafe}`, props);
    const unixMode = madeBy >> 8 === 3 ? external >>> 16 : 0;
    if ((unixMode & 0o170000) === 0o120000) {
      finding(ctx, "zip.unsafe-name", `${name} is a symbolic link`, props);
    }
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (p !== cd.length) {
    finding(ctx, "zip.extra-data", `${cd.length - p} bytes follow the last central directory entry`, {
      offset: end.cdOffset + p,
    });
  }
  const seen = new Map<string, ZipEntry>();
  for (const e of entries) {
    const prior = seen.get(e.name);
    if (prior) {
      finding(
        ctx,
        "zip.duplicate-name",
        `${e.name} appears twice in the central directory: loaders disagree on which one they read`,
        {
          member: e.name,
        },
      );
      e.broken = true;
    } else seen.set(e.name, e);
  }
  checkLocalHeaders(file, entries, end.cdOffset, ctx);
  return entries;
}

function checkLocalHeaders(file: ByteSource, entries: ZipEntry[], cdOffset: number, ctx: ZipContext): void {
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let cursor = 0;
  for (let i = 0; i < byOffset.length; i++) {
    const e = byOffset[i] as ZipEntry;
    const props = { member: e.name, offset: e.localHeaderOffset };
    if (e.localHeaderOffset > cursor) {
      finding(
        ctx,
        "zip.extra-data",
        i === 0
          ? `${e.localHeaderOffset} bytes precede the first zip entry`
          : `${e.localHeaderOffset - cursor} unaccounted bytes lie before ${e.name}`,
        { ...props, offset: cursor },
      );
    } else if (e.localHeaderOffset < cursor) {
      finding(ctx, "zip.overlap", `${e.name} overlaps the entry before it`, props);
      e.broken = true;
    }
    const head = readRange(file, e.localHeaderOffset, 30);
    const h = new Le(head);
    if (head.length < 30 || h.u32(0) !== SIG_LOCAL) {
      finding(
        ctx,
        "zip.header-mismatch",
        `${e.name}: no local header at offset ${e.localHeaderOffset}`,
        props,
      );
      e.broken = true;
      cursor = Math.max(cursor, e.localHeaderOffset + 1);
      continue;
    }
    const flags = h.u16(6);
    const method = h.u16(8);
    const crc = h.u32(14);
    let comp = h.u32(18);
    let uncomp = h.u32(22);
    const nameLen = h.u16(26);
    const extraLen = h.u16(28);
    const rest = readRange(file, e.localHeaderOffset + 30, nameLen + extraLen);
    const localName = rest.subarray(0, nameLen);
    const extra = rest.subarray(nameLen);
    e.dataOffset = e.localHeaderOffset + 30 + nameLen + extraLen;
    const mismatch: string[] = [];
    if (localName.length !== e.rawName.length || !localName.every((b, k) => b === e.rawName[k])) {
      mismatch.push(`name ${JSON.stringify(decodeName(localName, (flags & 0x800) !== 0))}`);
    }
    if (method !== e.method) mismatch.push(`compression method ${method} (central: ${e.method})`);
    if ((flags & 0x849) !== (e.flags & 0x849))
      mismatch.push(`flags 0x${flags.toString(16)} (central: 0x${e.flags.toString(16)})`);
    if (comp === U32 || uncomp === U32) {
      const z = zip64Extra(extra, { u: uncomp === U32, c: comp === U32, o: false });
      if (!z) mismatch.push("a missing zip64 extra field");
      else {
        uncomp = z.uncompressed ?? uncomp;
        comp = z.compressed ?? comp;
      }
    }
    const deferred = (flags & 0x8) !== 0;
    const zeroed = crc === 0 && comp === 0 && uncomp === 0;
    if (!(deferred && zeroed)) {
      if (crc !== e.crc32) mismatch.push(`CRC-32 ${crc.toString(16)} (central: ${e.crc32.toString(16)})`);
      if (comp !== e.compressedSize) mismatch.push(`compressed size ${comp} (central: ${e.compressedSize})`);
      if (uncomp !== e.uncompressedSize) mismatch.push(`size ${uncomp} (central: ${e.uncompressedSize})`);
    }
    if (mismatch.length > 0) {
      finding(
        ctx,
        "zip.header-mismatch",
        `${e.name}: the local header disagrees with the central directory: ${mismatch.join(", ")}`,
        props,
      );
      e.broken = true;
    }
    const dataEnd = e.dataOffset + e.compressedSize;
    const next = i + 1 < byOffset.length ? (byOffset[i + 1] as ZipEntry).localHeaderOffset : cdOffset;
    e.end = dataEnd;
    if (dataEnd > file.size) {
      finding(ctx, "zip.malformed", `${e.name}: its data runs past the end of the file`, props);
      e.broken = true;
      cursor = Math.max(cursor, dataEnd);
      continue;
    }
    if (deferred) {
      const descriptor = readDescriptor(file, dataEnd, next - dataEnd, e);
      if (descriptor === "mismatch") {
        finding(
          ctx,
          "zip.header-mismatch",
          `${e.name}: the data descriptor disagrees with the central directory`,
          props,
        );
        e.broken = true;
      } else if (descriptor === "missing") {
        finding(
          ctx,
          "zip.malformed",
          `${e.name}: flag bit 3 promises a data descriptor after the data, none fits there`,
          props,
        );
        e.broken = true;
      } else e.end = dataEnd + descriptor;
    }
    cursor = Math.max(cursor, e.end);
  }
  if (cursor < cdOffset) {
    finding(
      ctx,
      "zip.extra-data",
      `${cdOffset - cursor} unaccounted bytes lie before the central directory`,
      {
        offset: cursor,
      },
    );
  } else if (cursor > cdOffset) {
    finding(ctx, "zip.overlap", "the last entry runs into the central directory", { offset: cdOffset });
  }
}

/** Length of the data descriptor at `at` (with or without signature, 32- or 64-bit sizes), or why not. */
function readDescriptor(
  file: ByteSource,
  at: number,
  room: number,
  e: ZipEntry,
): number | "missing" | "mismatch" {
  const bytes = readRange(file, at, Math.min(24, Math.max(0, room)));
  const d = new Le(bytes);
  const candidates: [number, number, 4 | 8][] = []; // [length, crc offset, size width]
  const signed = bytes.length >= 4 && d.u32(0) === SIG_DESCRIPTOR;
  if (signed) candidates.push([16, 4, 4], [24, 4, 8]);
  candidates.push([12, 0, 4], [20, 0, 8]);
  let sawShape = false;
  for (const [len, crcAt, width] of candidates) {
    if (len !== room || bytes.length < len) continue;
    sawShape = true;
    const crc = d.u32(crcAt);
    const comp = width === 4 ? d.u32(crcAt + 4) : d.u64(crcAt + 4);
    const uncomp = width === 4 ? d.u32(crcAt + 8) : d.u64(crcAt + 12);
    if (crc === e.crc32 && comp === e.compressedSize && uncomp === e.uncompressedSize) return len;
  }
  return sawShape ? "mismatch" : "missing";
}

/** 1 MiB reads keep each chunk in cache between the read and its CRC. */
const CHUNK = 1024 * 1024;

function makeArchive(
  path: string,
  handle: FileHandle,
  file: ByteSource,
  entries: ZipEntry[] | undefined,
  ctx: ZipContext,
  lim: ZipLimits,
): ZipArchive {
  let closing: Promise<void> | undefined;
  const memberFinding = (e: ZipEntry, rule: string, message: string): Finding => ({
    rule,
    level: "fail",
    message,
    file: path,
    properties: { member: e.name, offset: e.localHeaderOffset },
  });
  let scratch: Uint8Array | undefined;
  return {
    path,
    size: file.size,
    entries: entries ?? [],
    findings: ctx.findings,
    readable: entries !== undefined,
    source(e) {
      if (e.method === 0) return fileSource(handle.fd, e.dataOffset, e.compressedSize);
      if (e.method !== 8)
        return memberFinding(e, "zip.unsupported-compression", `${e.name} cannot be decompressed`);
      if (e.uncompressedSize > lim.maxInflatedBytes || e.compressedSize > lim.maxInflatedBytes) {
        return memberFinding(
          e,
          "zip.limit",
          `${e.name} inflates to ${e.uncompressedSize} bytes, over the limit of ${lim.maxInflatedBytes} for scanning in memory`,
        );
      }
      try {
        const compressed = readRange(file, e.dataOffset, e.compressedSize);
        const out = inflateRawSync(compressed, { maxOutputLength: Math.max(1, e.uncompressedSize) });
        return memorySource(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
      } catch (err) {
        return memberFinding(e, "zip.malformed", `${e.name} does not inflate: ${(err as Error).message}`);
      }
    },
    async verify(e) {
      if (e.broken && e.end === 0) return undefined;
      let crc = 0;
      let size = 0;
      if (e.method === 0) {
        scratch ??= new Uint8Array(CHUNK);
        const buf = scratch;
        for (let at = 0; at < e.compressedSize; ) {
          const want = Math.min(buf.length, e.compressedSize - at);
          const got = file.readInto(e.dataOffset + at, buf, want);
          if (got === 0) break;
          crc = crc32(buf.subarray(0, got), crc);
          at += got;
          size += got;
        }
      } else if (e.method === 8) {
        try {
          const cap = e.uncompressedSize;
          await new Promise<void>((resolve, reject) => {
            const input = createReadStream("", {
              fd: handle.fd,
              autoClose: false,
              start: e.dataOffset,
              end: e.dataOffset + e.compressedSize - 1,
              highWaterMark: CHUNK,
            });
            const inflate = createInflateRaw();
            inflate.on("data", (chunk: Buffer) => {
              size += chunk.length;
              if (size > cap) {
                // Not destroy(): a destroyed ReadStream closes the borrowed fd even with autoClose off.
                input.unpipe(inflate);
                input.pause();
                inflate.destroy();
                resolve();
                return;
              }
              crc = crc32(chunk, crc);
            });
            inflate.on("end", resolve);
            inflate.on("error", reject);
            input.on("error", reject);
            if (e.compressedSize === 0) inflate.end();
            else input.pipe(inflate);
          });
        } catch (err) {
          return memberFinding(e, "zip.malformed", `${e.name} does not inflate: ${(err as Error).message}`);
        }
      } else return undefined;
      if (size !== e.uncompressedSize) {
        return memberFinding(
          e,
          "zip.header-mismatch",
          `${e.name} holds ${size > e.uncompressedSize ? "more than" : "only"} ${size} bytes, not the ${e.uncompressedSize} its header declares`,
        );
      }
      if (crc >>> 0 !== e.crc32) {
        return {
          ...memberFinding(
            e,
            "zip.crc-mismatch",
            `${e.name}: CRC-32 of the data is ${(crc >>> 0).toString(16).padStart(8, "0")}, the header says ${e.crc32.toString(16).padStart(8, "0")}`,
          ),
        };
      }
      return undefined;
    },
    // Idempotent: a nested scan and its caller may both close the archive.
    close: () => {
      closing ??= handle.close();
      return closing;
    },
  };
}
