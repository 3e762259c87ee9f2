/**
 * Files that are pickles from the first byte: plain pickles, joblib dumps (raw array bytes
 * inline) and the legacy torch format (a sequence of pickles followed by raw storages).
 *
 * A plain pickle file holds exactly one pickle. Bytes after its STOP fail as
 * `pickle.trailing-data`: `pickle.load` ignores them, but anything that calls `pickle.load`
 * again (or a polyglot reader) sees them, and no writer of model files puts them there. joblib
 * also writes one pickle (its arrays are inside it, not after it), so it gets no exception;
 * only the legacy torch layout, whose sequence is fixed, is read as several pickles.
 */

import { isBinaryPickle, mayBeTextPickle } from "../zip/sniff.js";
import { Cursor } from "./cursor.js";
import { joblibArrayHook } from "./joblib.js";
import type { Deadline, ScanLimits } from "./limits.js";
import type { ScanCollector, ScanFormat } from "./report.js";
import { type ByteSource, readRange } from "./source.js";
import { storageRef } from "./torch-storage.js";
import { asInt, describe, isDict, isSeq, type Value } from "./values.js";
import { type WalkResult, walkPickle } from "./walker.js";

/** torch.serialization's magic number, the value of the first pickle of a legacy file. */
export const TORCH_LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const TORCH_LEGACY_PROTOCOL = 1001;

export interface RawScanOptions {
  file: string;
  limits: ScanLimits;
  deadline: Deadline;
  collector: ScanCollector;
  /** Member name when the raw pickle sits inside an archive. */
  member?: string;
  /** File offset of the source's first byte. */
  base?: number;
  /** Read NumpyArrayWrapper data inline (joblib); off for archive members. */
  joblib?: boolean;
  /** Called with every walked stream (the caller reads persistent ids from it). */
  onWalk?: (walk: WalkResult) => void;
}

function walkAt(source: ByteSource, at: number, opts: RawScanOptions): WalkResult {
  const cursor = new Cursor(source, at);
  const walk = walkPickle(cursor, {
    limits: opts.limits,
    deadline: opts.deadline,
    ...(opts.joblib ? { onBuild: joblibArrayHook } : {}),
  });
  opts.onWalk?.(walk);
  return walk;
}

/** Streams count as members of a raw file; inside an archive the member itself is counted. */
function countStream(opts: RawScanOptions): void {
  if (opts.member === undefined) opts.collector.members++;
}

function place(opts: RawScanOptions, label: string) {
  return {
    file: opts.file,
    ...(opts.member !== undefined ? { member: opts.member } : {}),
    base: opts.base ?? 0,
    label,
  };
}

/** Scan a source that is one pickle (or the legacy torch sequence); returns the format found. */
export function scanRawPickle(source: ByteSource, opts: RawScanOptions): ScanFormat {
  const c = opts.collector;
  const name = opts.member ?? "the pickle";
  const first = walkAt(source, 0, opts);
  countStream(opts);
  const clean = c.addWalk(first, place(opts, name));
  if (!clean) return formatOf(first);
  if (first.value === TORCH_LEGACY_MAGIC) {
    scanLegacyTorch(source, first.end, opts);
    return "torch-legacy";
  }
  if (first.end < source.size) reportTrailing(source, first.end, opts, name);
  return formatOf(first);
}

function formatOf(walk: WalkResult): ScanFormat {
  const joblib = walk.globals.some(
    (g) => g.name === "NumpyArrayWrapper" && g.module.endsWith("numpy_pickle"),
  );
  return joblib ? "joblib" : "pickle";
}

/** Report bytes after STOP, and scan them as the pickles a second `pickle.load` would read. */
function reportTrailing(source: ByteSource, at: number, opts: RawScanOptions, name: string): void {
  const c = opts.collector;
  const hidden: string[] = [];
  let pos = at;
  for (let n = 0; n < opts.limits.maxPickles && pos < source.size; n++) {
    const head = readRange(source, pos, 2);
    if (!isBinaryPickle(head) && !mayBeTextPickle(head)) break;
    const walk = walkAt(source, pos, opts);
    const isPickle = isBinaryPickle(head) || (walk.stopped && !walk.issues.some((i) => i.fatal));
    if (!isPickle) break;
    countStream(opts);
    c.addWalk(walk, place(opts, `the pickle hidden after STOP at offset ${(opts.base ?? 0) + pos}`));
    const imports = [...new Set(walk.globals.map((g) => `${g.module}.${g.name}`))];
    hidden.push(imports.length > 0 ? `a pickle importing ${imports.slice(0, 5).join(", ")}` : "a pickle");
    if (!walk.stopped) break;
    pos = walk.end;
  }
  c.add({
    rule: "pickle.trailing-data",
    level: "fail",
    message: `${name}: ${source.size - at} bytes follow STOP at offset ${(opts.base ?? 0) + at}${hidden.length > 0 ? ` (${hidden.join("; ")})` : ""}; a model file holds one pickle`,
    file: opts.file,
    properties: {
      ...c.where(place(opts, name), at),
      trailingBytes: source.size - at,
      hiddenPickles: hidden.length,
    },
  });
}

function layout(opts: RawScanOptions, message: string, offset: number): void {
  opts.collector.add({
    rule: "torch.legacy-layout",
    level: "fail",
    message,
    file: opts.file,
    properties: { offset: (opts.base ?? 0) + offset },
  });
}

/**
 * torch's pre-1.6 format: pickles of the magic number, the protocol version, sys_info, the
 * data (storages as persistent ids) and the storage keys; then each storage as an 8-byte
 * element count and its raw bytes, to the end of the file. Every pickle is unpickled by
 * torch.load with the full unpickler, so every one is scanned.
 */
function scanLegacyTorch(source: ByteSource, start: number, opts: RawScanOptions): void {
  const c = opts.collector;
  const labels = [
    "the legacy protocol-version pickle",
    "the legacy sys_info pickle",
    "the legacy data pickle",
    "the legacy storage-key pickle",
  ];
  const walks: WalkResult[] = [];
  let pos = start;
  for (const label of labels) {
    if (pos >= source.size) {
      layout(opts, `the legacy torch file ends before ${label}`, pos);
      return;
    }
    const walk = walkAt(source, pos, { ...opts, joblib: false });
    countStream(opts);
    if (!c.addWalk(walk, place(opts, label))) return;
    walks.push(walk);
    pos = walk.end;
  }
  const [version, sysInfo, data, keys] = walks as [WalkResult, WalkResult, WalkResult, WalkResult];
  if (asInt(version.value) !== TORCH_LEGACY_PROTOCOL) {
    layout(
      opts,
      `legacy torch protocol version is ${describe(version.value)}, not ${TORCH_LEGACY_PROTOCOL}`,
      version.start,
    );
  }
  if (!isDict(sysInfo.value))
    layout(opts, `legacy torch sys_info is ${describe(sysInfo.value)}, not a dict`, sysInfo.start);
  const storages = new Map<string, { numel: number; elementSize?: number; type: string }>();
  for (const p of data.persistentIds) {
    if (isSeq(p.pid, "tuple") && p.pid.items[0] === "module") continue; // a saved class: its global is judged already
    const ref = storageRef(p);
    if (typeof ref === "string") {
      layout(opts, `the data pickle has a persistent id torch cannot use: ${ref}`, p.offset);
      continue;
    }
    storages.set(ref.key, ref);
  }
  const keyList: Value = keys.value ?? null;
  if (!isSeq(keyList, "list") || keyList.items.length !== keyList.size) {
    layout(opts, `the storage-key pickle holds ${describe(keyList)}, not a list of keys`, keys.start);
    return;
  }
  for (const k of keyList.items) {
    const key = typeof k === "string" ? k : undefined;
    const ref = key === undefined ? undefined : storages.get(key);
    if (!ref) {
      layout(opts, `storage key ${describe(k)} is not one the data pickle refers to`, pos);
      return;
    }
    if (ref.elementSize === undefined) {
      layout(opts, `storage ${key} has type ${ref.type}, whose element size is unknown`, pos);
      return;
    }
    if (pos + 8 > source.size) {
      layout(opts, `the file ends before storage ${key}`, pos);
      return;
    }
    const head = readRange(source, pos, 8);
    const numel = Number(new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true));
    if (numel !== ref.numel) {
      layout(opts, `storage ${key} holds ${numel} elements, the data pickle says ${ref.numel}`, pos);
      return;
    }
    const bytes = numel * ref.elementSize;
    if (pos + 8 + bytes > source.size) {
      layout(opts, `storage ${key} (${bytes} bytes) runs past the end of the file`, pos);
      return;
    }
    pos += 8 + bytes;
  }
  if (pos < source.size) {
    c.add({
      rule: "pickle.trailing-data",
      level: "fail",
      message: `${source.size - pos} bytes follow the last storage of the legacy torch file`,
      file: opts.file,
      properties: { offset: (opts.base ?? 0) + pos, trailingBytes: source.size - pos },
    });
  }
  if (storages.size !== keyList.items.length) {
    layout(
      opts,
      `the data pickle refers to ${storages.size} storages, the key list names ${keyList.items.length}`,
      keys.start,
    );
  }
}
