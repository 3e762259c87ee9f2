import { mkdir, open, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { dtypeInfo } from "./dtype.js";
import { encodeOnnxModel, type OnnxInitializerSpec, type OnnxModelSpec, toTypedArray } from "./encode.js";

export interface WriteOnnxOptions {
  /**
   * Store initializers of at least `minBytes` (default 1024) in `file`, beside the model, as ONNX
   * external data (location, offset, length). Offsets are multiples of 4096 so runtimes can map them.
   */
  externalData?: { file: string; minBytes?: number };
}

export interface WrittenOnnxModel {
  path: string;
  /** Size of the .onnx file. */
  byteLength: number;
  /** Absolute path of the external data file, when one was written. */
  externalFile?: string;
  /** Initializers moved to the external file, in file order. */
  externalTensors: { name: string; offset: number; length: number }[];
}

const ALIGNMENT = 4096;

/** Write a model description as an .onnx file (and its external data file when asked). */
export async function writeOnnxModel(
  path: string,
  spec: OnnxModelSpec,
  options: WriteOnnxOptions = {},
): Promise<WrittenOnnxModel> {
  await mkdir(dirname(path), { recursive: true });
  const externalTensors: WrittenOnnxModel["externalTensors"] = [];
  let modelSpec = spec;
  let externalFile: string | undefined;
  const external = options.externalData;
  if (external) {
    if (external.file !== basename(external.file) || external.file === "." || external.file === "..") {
      throw new Error(
        `external data file must be a plain file name beside the model, not "${external.file}"`,
      );
    }
    externalFile = join(dirname(path), external.file);
    const minBytes = external.minBytes ?? 1024;
    const handle = await open(externalFile, "w");
    let offset = 0;
    try {
      const initializers: OnnxInitializerSpec[] = [];
      for (const init of spec.graph.initializers ?? []) {
        const bytes = externalBytes(init, minBytes);
        if (!bytes) {
          initializers.push(init);
          continue;
        }
        offset = Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
        await handle.write(bytes, 0, bytes.byteLength, offset);
        externalTensors.push({ name: init.name, offset, length: bytes.byteLength });
        const { data: _data, storage: _storage, ...rest } = init;
        initializers.push({
          ...rest,
          external: { location: external.file, offset, length: bytes.byteLength },
        });
        offset += bytes.byteLength;
      }
      modelSpec = { ...spec, graph: { ...spec.graph, initializers } };
    } finally {
      await handle.close();
    }
  }
  const bytes = encodeOnnxModel(modelSpec);
  await writeFile(path, bytes);
  return { path, byteLength: bytes.byteLength, ...(externalFile ? { externalFile } : {}), externalTensors };
}

/** The raw bytes of an initializer worth moving out of the model, or null to keep it inline. */
function externalBytes(init: OnnxInitializerSpec, minBytes: number): Uint8Array | null {
  if (init.external || init.data === undefined || dtypeInfo(init.dtype)?.name === "string") return null;
  const values = toTypedArray(init.dtype, init.data);
  if (values.byteLength < minBytes) return null;
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
