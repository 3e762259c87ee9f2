import { type Finding, formatValue } from "@mlgate/core";
import type { ByteSource } from "./byte-source.js";
import { byteSize, dtypeOf } from "./dtypes.js";
import { scanJsonKeys } from "./json-keys.js";
import type { SafetensorsLimits, SafetensorsTensor } from "./types.js";

export interface ParsedHeader {
  headerLength?: number;
  /** Where the tensor data starts and how long it is, once the header length is sane. */
  dataStart?: number;
  metadata: Record<string, string>;
  tensors: SafetensorsTensor[];
  findings: Finding[];
}

const TENSOR_KEYS = new Set(["dtype", "shape", "data_offsets"]);

/** Read and check the 8-byte length, the JSON header and every entry in it (not yet the layout). */
export async function readHeader(source: ByteSource, limits: SafetensorsLimits): Promise<ParsedHeader> {
  const out: ParsedHeader = { metadata: {}, tensors: [], findings: [] };
  const fail = (rule: string, message: string, properties?: Record<string, unknown>) => {
    out.findings.push({
      rule: `safetensors.${rule}`,
      level: "fail",
      message,
      file: source.name,
      ...(properties ? { properties } : {}),
    });
    return out;
  };

  if (source.size < 8) {
    return fail(
      "truncated",
      `the file is ${source.size} bytes; a safetensors file starts with an 8-byte header length`,
    );
  }
  const lengthBytes = await source.read(0, 8);
  const declared = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(limits.maxHeaderBytes)) {
    return fail(
      "header-too-large",
      `the header length field says ${declared} bytes, over the ${formatValue(limits.maxHeaderBytes, "bytes")} limit for a safetensors header`,
      { declared: declared.toString() },
    );
  }
  const headerLength = Number(declared);
  out.headerLength = headerLength;
  if (8 + headerLength > source.size) {
    return fail(
      "header-past-eof",
      `the header length field says ${headerLength} bytes, but only ${source.size - 8} bytes follow it`,
    );
  }
  out.dataStart = 8 + headerLength;

  const raw = await source.read(8, headerLength);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    return fail("header-not-utf8", "the JSON header is not valid UTF-8");
  }
  if (!text.startsWith("{")) {
    return fail("header-not-object", "the JSON header does not start with '{'");
  }
  const scan = scanJsonKeys(text, limits.maxDepth);
  if (scan.kind === "too-deep") {
    return fail(
      "header-too-deep",
      `the JSON header nests ${scan.depth} levels deep at character ${scan.offset + 1}; a safetensors header needs 3`,
    );
  }
  if (scan.kind === "duplicate") {
    return fail(
      "duplicate-key",
      `the JSON header has the key ${JSON.stringify(scan.path.join("."))} twice (at character ${scan.offset + 1}); readers would disagree on which entry counts`,
      { key: scan.key },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail("header-invalid-json", `the header is not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return fail("header-not-object", "the JSON header is not an object of tensor entries");
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > limits.maxTensors) {
    return fail(
      "too-many-tensors",
      `the header lists ${entries.length} entries, over the limit of ${limits.maxTensors}`,
    );
  }
  for (const [name, entry] of entries) {
    if (name === "__metadata__") readMetadata(entry, out, fail);
    else readTensor(name, entry, limits, out, fail, source.name);
  }
  return out;
}

type Fail = (rule: string, message: string, properties?: Record<string, unknown>) => ParsedHeader;

function readMetadata(entry: unknown, out: ParsedHeader, fail: Fail): void {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    fail("metadata-invalid", "__metadata__ is not an object of string values");
    return;
  }
  for (const [key, value] of Object.entries(entry)) {
    if (typeof value !== "string") {
      fail("metadata-invalid", `__metadata__.${key} is ${describe(value)}; metadata values must be strings`);
    } else {
      Object.defineProperty(out.metadata, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function isIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function readTensor(
  name: string,
  entry: unknown,
  limits: SafetensorsLimits,
  out: ParsedHeader,
  fail: Fail,
  file: string,
): void {
  const label = JSON.stringify(name);
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    fail("tensor-invalid", `tensor ${label} is ${describe(entry)}, not {dtype, shape, data_offsets}`);
    return;
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  const extra = Object.keys(entry).filter((k) => !TENSOR_KEYS.has(k));
  if (extra.length > 0) {
    out.findings.push({
      rule: "safetensors.unknown-field",
      level: "warn",
      message: `tensor ${label} has unknown field(s) ${extra.map((k) => JSON.stringify(k)).join(", ")}, which readers ignore`,
      file,
    });
  }
  if (typeof dtype !== "string") {
    fail("tensor-invalid", `tensor ${label} has no dtype string`);
    return;
  }
  const type = dtypeOf(dtype);
  if (!type) {
    fail("unknown-dtype", `tensor ${label} has the unknown dtype ${JSON.stringify(dtype)}`, { dtype });
    return;
  }
  if (!Array.isArray(shape) || shape.length > limits.maxRank || !shape.every(isIndex)) {
    fail(
      "tensor-invalid",
      `tensor ${label}: shape must be a list of at most ${limits.maxRank} non-negative integers`,
    );
    return;
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail("tensor-invalid", `tensor ${label}: data_offsets must be [begin, end], two non-negative integers`);
    return;
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    fail("tensor-invalid", `tensor ${label}: data_offsets [${begin}, ${end}] end before they begin`);
    return;
  }
  const elements = (shape as number[]).reduce((n, d) => n * BigInt(d), 1n);
  const bytes = byteSize(type, elements);
  if (bytes === undefined || bytes !== BigInt(end - begin)) {
    fail(
      "size-mismatch",
      `tensor ${label}: ${dtype} [${shape.join(", ")}] needs ${bytes === undefined ? "a fractional number of" : bytes} bytes, data_offsets span ${end - begin}`,
    );
    return;
  }
  out.tensors.push({ name, dtype, shape: shape as number[], begin, end, elementCount: Number(elements) });
}
