import type { ModelFormat } from "./types.js";

/** Bytes from the start of a file that detection looks at. */
export const MODEL_HEAD_BYTES = 512;
/** Smaller files are not looked at: no model format fits in fewer bytes. */
export const MODEL_MIN_BYTES = 8;

export interface DetectedModel {
  format: ModelFormat;
  containsPickle: boolean;
}

const PICKLE_EXTENSIONS = new Set([
  ".pkl",
  ".pickle",
  ".joblib",
  ".dill",
  ".pt",
  ".pth",
  ".bin",
  ".ckpt",
  ".sav",
  ".p",
]);
const TORCH_ZIP_EXTENSIONS = new Set([".pt", ".pth", ".bin", ".ckpt", ".pkl", ".tar"]);

/** Opcodes a pickle stream opens with after its PROTO header: containers, MARK, GLOBAL, FRAME, ints. */
const PICKLE_FIRST_OPCODES = new Set([
  0x7d, 0x5d, 0x28, 0x63, 0x29, 0x95, 0x8a, 0x4b, 0x8c, 0x58, 0x4e, 0x88, 0x89, 0x4a, 0x47,
]);
/** Opcodes that open protocol 0 and 1 pickles (text-era): MARK, containers, GLOBAL, INT, STRING, NONE. */
const OLD_PICKLE_FIRST = new Set([0x28, 0x5d, 0x7d, 0x29, 0x63, 0x49, 0x53, 0x56, 0x4e, 0x6c, 0x64]);

function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot).toLowerCase() : "";
}

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((b, i) => head[at + i] === b);
}

function ascii(head: Uint8Array, start: number, end: number): string {
  return Buffer.from(head.subarray(start, Math.min(end, head.length))).toString("latin1");
}

/**
 * Pickle by its PROTO header (`\x80` + protocol). Protocols 4 and 5 start with a FRAME whose length must
 * fit the file; protocols 2 and 3 need a plausible first opcode, and files without a model-ish extension
 * need one of the few openers real pickles use, to keep random binaries out.
 */
function isPickle(head: Uint8Array, size: number, ext: string): boolean {
  const knownExt = PICKLE_EXTENSIONS.has(ext);
  if (head[0] === 0x80 && head.length >= 3) {
    const protocol = head[1]!;
    const opcode = head[2]!;
    if (protocol < 2 || protocol > 5) return false;
    if (opcode === 0x95 && head.length >= 11) {
      const frame = Buffer.from(head.subarray(3, 11)).readBigUInt64LE();
      return frame > 0n && frame <= BigInt(size);
    }
    if (knownExt) return PICKLE_FIRST_OPCODES.has(opcode);
    return [0x7d, 0x5d, 0x28, 0x63, 0x29, 0x8a].includes(opcode);
  }
  // Protocols 0 and 1 have no header; only trust the extension.
  return (ext === ".pkl" || ext === ".pickle") && OLD_PICKLE_FIRST.has(head[0]!) && head.includes(0x2e);
}

/** The first member name of a zip (local file header at offset 0). */
function firstZipMember(head: Uint8Array): string | undefined {
  if (!startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || head.length < 30) return undefined;
  const nameLength = head[26]! | (head[27]! << 8);
  return ascii(head, 30, 30 + nameLength);
}

/** What kind of model file this is, from its first bytes and its name; undefined when it is none. */
export function detectModel(path: string, head: Uint8Array, size: number): DetectedModel | undefined {
  if (size < MODEL_MIN_BYTES || head.length < Math.min(MODEL_MIN_BYTES, size)) return undefined;
  const ext = extensionOf(path);
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (base === "saved_model.pb") return { format: "tensorflow-savedmodel", containsPickle: false };
  if (startsWith(head, [0x47, 0x47, 0x55, 0x46])) return { format: "gguf", containsPickle: false };
  if (startsWith(head, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return { format: ext === ".keras" || ext === ".h5" ? "keras" : "hdf5", containsPickle: false };
  }
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) {
    // Object arrays are stored pickled: `'descr': '|O'` in the header.
    return { format: "numpy", containsPickle: /'descr':\s*'\|O'/.test(ascii(head, 0, head.length)) };
  }
  if (head.length >= 10 && head[8] === 0x7b && (head[9] === 0x22 || head[9] === 0x7d)) {
    const headerLength = Buffer.from(head.subarray(0, 8)).readBigUInt64LE();
    if (headerLength >= 2n && headerLength <= BigInt(Math.min(size - 8, 100 * 1024 * 1024))) {
      return { format: "safetensors", containsPickle: false };
    }
  }
  if (isPickle(head, size, ext))
    return { format: ext === ".joblib" ? "joblib" : "pickle", containsPickle: true };
  const member = firstZipMember(head);
  if (member !== undefined) {
    if (member === "data.pkl" || member.endsWith("/data.pkl"))
      return { format: "torch-zip", containsPickle: true };
    if (ext === ".keras") return { format: "keras", containsPickle: false };
    if (TORCH_ZIP_EXTENSIONS.has(ext)) return { format: "torch-zip", containsPickle: true };
    return undefined;
  }
  // joblib compresses pickles with zlib by default.
  if (ext === ".joblib" && head[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(head[1]!)) {
    return { format: "joblib", containsPickle: true };
  }
  if (ext === ".onnx" && [0x08, 0x12, 0x1a, 0x22, 0x2a, 0x32, 0x3a, 0x42].includes(head[0]!)) {
    return { format: "onnx", containsPickle: false };
  }
  if (ext === ".ort" && ascii(head, 4, 8) === "ORTM") return { format: "onnx-ort", containsPickle: false };
  if (ext === ".tflite" && ascii(head, 4, 8) === "TFL3") return { format: "tflite", containsPickle: false };
  return undefined;
}
