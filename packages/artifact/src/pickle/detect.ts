/**
 * What a model file is, decided by its bytes; the extension only tells what the file claims
 * to be. A loader picks its code path from the bytes too (torch.load checks for the zip magic,
 * pickle.load reads whatever it is given), so the scanner must follow the bytes.
 */
import { open } from "node:fs/promises";
import { extname } from "node:path";
import { GateError } from "@mlgate/core";
import { looksLikeKerasConfig } from "../keras/scan.js";
import { openZip, type ZipArchive, type ZipEntry } from "../zip/reader.js";
import {
  archiveMagic,
  isBinaryPickle,
  isHdf5,
  isJsonObjectStart,
  isZip,
  mayBeTextPickle,
} from "../zip/sniff.js";
import { Cursor } from "./cursor.js";
import { DEFAULT_LIMITS, Deadline, type ScanLimits } from "./limits.js";
import type { ScanFormat } from "./report.js";
import { memorySource } from "./source.js";
import { walkPickle } from "./walker.js";

export type DetectedFormat = ScanFormat | "hdf5" | "compressed";

export interface FormatDetection {
  format: DetectedFormat;
  /** What in the bytes decided it, for messages. */
  evidence: string;
  /** The file's extension, lower-cased, with its dot ("" when it has none). */
  extension: string;
  /** Formats the extension stands for, when it stands for any. */
  expected?: string[];
  /** The extension claims a format the bytes contradict. */
  mismatch: boolean;
}

const BY_EXTENSION: Record<string, string[]> = {
  ".pkl": ["pickle", "joblib", "torch-legacy"],
  ".pickle": ["pickle", "joblib", "torch-legacy"],
  ".joblib": ["joblib", "pickle"],
  ".pt": ["torch-zip", "torch-legacy"],
  ".pth": ["torch-zip", "torch-legacy"],
  ".bin": ["torch-zip", "torch-legacy"],
  ".ckpt": ["torch-zip", "torch-legacy"],
  ".keras": ["keras"],
  ".json": ["keras-config"],
  ".h5": ["hdf5"],
  ".hdf5": ["hdf5"],
  ".zip": ["zip", "torch-zip", "keras"],
  ".safetensors": ["safetensors"],
  ".onnx": ["onnx"],
  ".npy": ["npy"],
  ".npz": ["npz"],
};

const HEAD_BYTES = 64 * 1024;

export const TORCH_LEGACY_HEAD = Uint8Array.from([
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e,
]);

/** Which kind of zip: a torch archive has `<dir>/data.pkl`, a Keras archive a root `config.json`. */
export function classifyArchive(entries: readonly ZipEntry[]): { format: ScanFormat; prefix?: string } {
  const first = entries[0]?.name ?? "";
  const slash = first.indexOf("/");
  if (slash > 0) {
    const prefix = first.slice(0, slash);
    if (entries.some((e) => e.name === `${prefix}/data.pkl`)) return { format: "torch-zip", prefix };
  }
  if (entries.some((e) => e.name === "config.json")) return { format: "keras" };
  return { format: "zip" };
}

export interface Sniffed {
  detection: FormatDetection;
  size: number;
  head: Uint8Array;
  /** The open archive, for zip formats (the caller closes it). */
  archive?: ZipArchive;
  prefix?: string;
}

const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Text files can start with an opener byte too: a protocol 0/1 pickle must also parse like one. */
function looksLikeTextPickle(head: Uint8Array, fileSize: number): boolean {
  if (!mayBeTextPickle(head)) return false;
  const walk = walkPickle(new Cursor(memorySource(head)), {
    limits: { ...DEFAULT_LIMITS, maxOpcodes: 4096 },
    deadline: new Deadline(1000),
  });
  if (!walk.globals.every((g) => DOTTED.test(g.module) && DOTTED.test(g.name))) return false;
  const fatal = walk.issues.find((i) => i.fatal);
  if (walk.stopped) return fatal === undefined;
  // A head cut from a longer file may end mid-stream: a pickle that ran cleanly that far still counts.
  const cut = head.length < fileSize && fatal !== undefined && fatal.offset >= head.length - 8;
  return walk.opcodes >= 16 && (cut || fatal?.rule === "pickle.limit");
}

export async function sniffFile(path: string, limits: ScanLimits = DEFAULT_LIMITS): Promise<Sniffed> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateError(
      code === "ENOENT" ? `model file not found: ${path}` : `cannot open ${path}: ${code}`,
      {
        hint:
          code === "ENOENT" ? "check the path (relative paths start at the working directory)" : undefined,
        cause: e,
      },
    );
  }
  let size: number;
  let head: Uint8Array;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new GateError(`${path} is not a regular file`);
    size = info.size;
    const buf = new Uint8Array(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const extension = extname(path).toLowerCase();
  const expected = BY_EXTENSION[extension];
  const done = (format: DetectedFormat, evidence: string, extra: Partial<Sniffed> = {}): Sniffed => ({
    detection: {
      format,
      evidence,
      extension,
      ...(expected ? { expected } : {}),
      mismatch: expected !== undefined && format !== "unknown" && !expected.includes(format),
    },
    size,
    head,
    ...extra,
  });
  if (isZip(head)) {
    const archive = await openZip(path, {
      maxEntries: limits.maxZipEntries,
      maxCentralDirectoryBytes: limits.maxCentralDirectoryBytes,
      maxInflatedBytes: limits.maxInflatedBytes,
    });
    const kind = classifyArchive(archive.entries);
    const evidence =
      kind.format === "torch-zip"
        ? `zip archive with ${kind.prefix}/data.pkl`
        : kind.format === "keras"
          ? "zip archive with config.json"
          : "zip archive";
    return done(kind.format, evidence, { archive, ...(kind.prefix ? { prefix: kind.prefix } : {}) });
  }
  if (head.length >= TORCH_LEGACY_HEAD.length && TORCH_LEGACY_HEAD.every((b, i) => head[i] === b)) {
    return done("torch-legacy", "pickle of torch's legacy magic number");
  }
  if (isBinaryPickle(head) || looksLikeTextPickle(head, size)) {
    const text = new TextDecoder("latin1").decode(head);
    if (text.includes("NumpyArrayWrapper")) return done("joblib", "pickle with joblib array headers");
    return done(
      "pickle",
      isBinaryPickle(head) ? `pickle protocol ${head[1]}` : "protocol 0/1 pickle opcodes",
    );
  }
  if (isHdf5(head)) return done("hdf5", "HDF5 signature");
  const magic = archiveMagic(head);
  if (magic) return done("compressed", magic);
  if (isJsonObjectStart(head) && size <= limits.maxJsonBytes) {
    const { readFile } = await import("node:fs/promises");
    try {
      const value: unknown = JSON.parse(
        new TextDecoder("utf-8", { fatal: true }).decode(await readFile(path)),
      );
      if (looksLikeKerasConfig(value)) return done("keras-config", "JSON object with class_name and config");
    } catch {
      // not JSON after all: unknown
    }
  }
  return done("unknown", "no known signature");
}

/** Detect a model file's format from its bytes and compare it with its extension. */
export async function detectFormat(path: string): Promise<FormatDetection> {
  const sniffed = await sniffFile(path);
  await sniffed.archive?.close();
  return sniffed.detection;
}
