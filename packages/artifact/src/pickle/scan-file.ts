/**
 * scanModelFile: the static safety scan of a pickle-based or Keras model file. It reads the
 * file by its bytes (not its name), walks every pickle the loader would unpickle, checks zip
 * containers for canonical structure and CRCs, and judges Keras configs. Nothing is executed.
 * Bad content is a finding; only I/O problems and bad options throw (GateError).
 */
import { open } from "node:fs/promises";
import { judgeKerasConfig, readKerasJson } from "../keras/scan.js";
import type { ZipArchive, ZipEntry } from "../zip/reader.js";
import { archiveMagic, isBinaryPickle, isHdf5, isZip } from "../zip/sniff.js";
import { classifyArchive, sniffFile } from "./detect.js";
import { Deadline, resolveLimits, type ScanLimits } from "./limits.js";
import { type AllowEntry, validateAllowEntries } from "./policy.js";
import { type PickleScanResult, ScanCollector, type ScanFormat } from "./report.js";
import { scanRawPickle } from "./scan-raw.js";
import { type ByteSource, fileSource, memorySource, readRange } from "./source.js";
import { type StorageRef, storageRef } from "./torch-storage.js";

export interface ScanOptions {
  /** The repository's own allowlist entries, each with a reason. */
  allow?: AllowEntry[];
  limits?: Partial<ScanLimits>;
}

interface Context {
  file: string;
  allow: AllowEntry[];
  limits: ScanLimits;
  deadline: Deadline;
  collector: ScanCollector;
}

function prepare(file: string, options: ScanOptions): Context {
  const allow = validateAllowEntries(options.allow ?? []);
  const limits = resolveLimits(options.limits);
  return { file, allow, limits, deadline: new Deadline(limits.timeMs), collector: new ScanCollector(allow) };
}

/** Scan pickle bytes held in memory as a raw pickle file would be scanned. */
export function scanPickleBytes(
  bytes: Uint8Array,
  options: ScanOptions & { file?: string } = {},
): PickleScanResult {
  const ctx = prepare(options.file ?? "<bytes>", options);
  const format = scanRawPickle(memorySource(bytes), {
    file: ctx.file,
    limits: ctx.limits,
    deadline: ctx.deadline,
    collector: ctx.collector,
    joblib: true,
  });
  return ctx.collector.result(format);
}

export async function scanModelFile(path: string, options: ScanOptions = {}): Promise<PickleScanResult> {
  const ctx = prepare(path, options);
  const sniffed = await sniffFile(path, ctx.limits);
  const c = ctx.collector;
  let format: ScanFormat;
  const det = sniffed.detection;
  switch (det.format) {
    case "torch-zip":
    case "keras":
    case "zip": {
      const archive = sniffed.archive as ZipArchive;
      try {
        format = await scanArchive(archive, ctx);
      } finally {
        await archive.close();
      }
      break;
    }
    case "pickle":
    case "joblib":
    case "torch-legacy": {
      const handle = await open(path, "r");
      try {
        format = scanRawPickle(fileSource(handle.fd, 0, sniffed.size), {
          file: path,
          limits: ctx.limits,
          deadline: ctx.deadline,
          collector: c,
          joblib: true,
        });
      } finally {
        await handle.close();
      }
      break;
    }
    case "keras-config": {
      format = "keras-config";
      const { readFile } = await import("node:fs/promises");
      const text = new TextDecoder("utf-8").decode(await readFile(path));
      c.bytesScanned += sniffed.size;
      c.members++;
      const value = readKerasJson(text, kerasOpts(ctx));
      if (value !== undefined) judgeKerasConfig(value, kerasOpts(ctx));
      break;
    }
    case "hdf5":
      format = "unknown";
      c.add({
        rule: "format.unsupported",
        level: "fail",
        message: `${path} is an HDF5 file (a legacy Keras .h5 model?): its config is not scanned; save the model as .keras`,
        file: path,
      });
      break;
    case "compressed":
      format = "unknown";
      c.add({
        rule: "format.unsupported",
        level: "fail",
        message: `${path} is ${det.evidence}: decompress it (e.g. joblib's compress=) before it can be scanned`,
        file: path,
      });
      break;
    default:
      format = "unknown";
      c.add({
        rule: "format.unknown",
        level: "fail",
        message: `${path} is not a pickle, a zip archive or a Keras config (${det.evidence})`,
        file: path,
      });
  }
  const expected = det.expected;
  if (expected && format !== "unknown" && !expected.includes(format)) {
    c.add({
      rule: "format.extension-mismatch",
      level: "fail",
      message: `${path} is named ${det.extension} (${expected.join(" or ")}) but its bytes are ${describeFormat(format)}`,
      file: path,
      properties: { extension: det.extension, expected, detected: format },
    });
  }
  return c.result(format);
}

function describeFormat(format: ScanFormat): string {
  const names: Record<ScanFormat, string> = {
    pickle: "a pickle",
    joblib: "a joblib pickle",
    "torch-legacy": "a legacy torch file",
    "torch-zip": "a torch zip archive",
    keras: "a Keras archive",
    "keras-config": "a Keras config",
    zip: "a zip archive",
    unknown: "unknown",
  };
  return names[format];
}

function kerasOpts(ctx: Context, member?: string) {
  return {
    file: ctx.file,
    ...(member !== undefined ? { member } : {}),
    allow: ctx.allow,
    maxJsonDepth: ctx.limits.maxJsonDepth,
    collector: ctx.collector,
  };
}

const PICKLE_NAME = /\.(pkl|pickle|joblib)$/i;

function memberFinding(ctx: Context, e: ZipEntry, rule: string, message: string): void {
  ctx.collector.add({
    rule,
    level: "fail",
    message,
    file: ctx.file,
    properties: { member: e.name, offset: 0 },
  });
}

async function scanArchive(archive: ZipArchive, ctx: Context): Promise<ScanFormat> {
  const c = ctx.collector;
  for (const f of archive.findings) c.add(f);
  if (!archive.readable) return "zip";
  const kind = classifyArchive(archive.entries);
  const storagePrefix = kind.prefix !== undefined ? `${kind.prefix}/data/` : undefined;
  let torchRefs: StorageRef[] = [];
  for (const e of archive.entries) {
    if (ctx.deadline.expired()) {
      c.add({
        rule: "zip.limit",
        level: "fail",
        message: `scan time limit of ${ctx.limits.timeMs} ms reached before ${e.name}`,
        file: ctx.file,
        properties: { member: e.name },
      });
      break;
    }
    if (e.end === 0 || e.isDirectory) continue;
    c.members++;
    const crc = await archive.verify(e);
    c.bytesScanned += e.compressedSize;
    if (crc) c.add(crc);
    const source = archive.source(e);
    if (!("readInto" in source)) {
      c.add(source);
      continue;
    }
    const head = readRange(source, 0, 512);
    const isStorage =
      storagePrefix !== undefined &&
      e.name.startsWith(storagePrefix) &&
      !e.name.slice(storagePrefix.length).includes("/");
    if (isStorage) {
      if (isZip(head)) memberFinding(ctx, e, "zip.nested-archive", `${e.name} holds a zip archive`);
      continue;
    }
    const nested = archiveMagic(head);
    if (nested) {
      memberFinding(
        ctx,
        e,
        "zip.nested-archive",
        `${e.name} holds ${nested}: its contents would escape the scan`,
      );
      continue;
    }
    if (PICKLE_NAME.test(e.name) || isBinaryPickle(head)) {
      const before = c.findings.length;
      const refs = scanMemberPickle(source, e.name, ctx);
      if (kind.format === "torch-zip" && e.name === `${kind.prefix}/data.pkl`) torchRefs = refs;
      if (kind.format === "keras" && c.findings.length === before) {
        memberFinding(ctx, e, "keras.unexpected-member", `${e.name} is a pickle inside a Keras archive`);
      }
      continue;
    }
    if (kind.format === "keras") scanKerasMember(source, e, head, ctx);
  }
  if (kind.format === "torch-zip") checkTorchArchive(archive, kind.prefix as string, torchRefs, ctx);
  if (kind.format === "keras" && !archive.entries.some((e) => e.name === "config.json" && e.end > 0)) {
    c.add({
      rule: "keras.malformed",
      level: "fail",
      message: "the Keras archive has no readable config.json",
      file: ctx.file,
    });
  }
  return kind.format;
}

/** Scan a pickle member; returns the torch storage references its persistent ids name. */
function scanMemberPickle(source: ByteSource, member: string, ctx: Context): StorageRef[] {
  const refs: StorageRef[] = [];
  scanRawPickle(source, {
    file: ctx.file,
    member,
    base: 0,
    limits: ctx.limits,
    deadline: ctx.deadline,
    collector: ctx.collector,
    joblib: false,
    onWalk: (walk) => {
      for (const p of walk.persistentIds) {
        const ref = storageRef(p);
        if (typeof ref !== "string") refs.push(ref);
        else {
          ctx.collector.add({
            rule: "torch.storage-mismatch",
            level: "fail",
            message: `${member}: ${ref}`,
            file: ctx.file,
            properties: { member, offset: p.offset },
          });
        }
      }
    },
  });
  return refs;
}

function scanKerasMember(source: ByteSource, e: ZipEntry, head: Uint8Array, ctx: Context): void {
  if (e.name === "config.json" || e.name === "metadata.json") {
    if (e.uncompressedSize > ctx.limits.maxJsonBytes) {
      memberFinding(
        ctx,
        e,
        "keras.limit",
        `${e.name} is ${e.uncompressedSize} bytes, over the limit of ${ctx.limits.maxJsonBytes}`,
      );
      return;
    }
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(readRange(source, 0, source.size));
    } catch {
      memberFinding(ctx, e, "keras.malformed", `${e.name} is not UTF-8 text`);
      return;
    }
    const value = readKerasJson(text, kerasOpts(ctx, e.name));
    if (value !== undefined && e.name === "config.json") judgeKerasConfig(value, kerasOpts(ctx, e.name));
    return;
  }
  if (e.name.endsWith(".h5") && !isHdf5(head)) {
    memberFinding(ctx, e, "keras.malformed", `${e.name} is not an HDF5 file`);
  }
}

/** torch.load needs the version record and one data/<key> member per storage the pickle names, of the right size. */
function checkTorchArchive(archive: ZipArchive, prefix: string, refs: StorageRef[], ctx: Context): void {
  const byName = new Map(archive.entries.map((e) => [e.name, e]));
  if (!byName.has(`${prefix}/version`) && !byName.has(`${prefix}/.data/version`)) {
    ctx.collector.add({
      rule: "torch.archive-layout",
      level: "fail",
      message: `the torch archive has no ${prefix}/version record`,
      file: ctx.file,
    });
  }
  const seen = new Set<string>();
  for (const ref of refs) {
    if (seen.has(ref.key)) continue;
    seen.add(ref.key);
    const name = `${prefix}/data/${ref.key}`;
    const entry = byName.get(name);
    const props = { member: `${prefix}/data.pkl`, offset: ref.offset, storage: name };
    if (!entry) {
      ctx.collector.add({
        rule: "torch.storage-mismatch",
        level: "fail",
        message: `${prefix}/data.pkl refers to storage ${ref.key}, but the archive has no ${name}`,
        file: ctx.file,
        properties: props,
      });
      continue;
    }
    if (ref.elementSize !== undefined && entry.uncompressedSize !== ref.numel * ref.elementSize) {
      ctx.collector.add({
        rule: "torch.storage-mismatch",
        level: "fail",
        message: `${name} holds ${entry.uncompressedSize} bytes; ${ref.numel} × ${ref.type} elements need ${ref.numel * ref.elementSize}`,
        file: ctx.file,
        properties: props,
      });
    }
  }
}
