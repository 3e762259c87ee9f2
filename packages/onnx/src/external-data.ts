import { open, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import { GateError } from "@mlgate/core";
import type { OnnxTensorInfo, TensorValues } from "./model.js";
import { rawSizeProblem, rawValues } from "./tensor-values.js";

export interface ExternalTensorData {
  /** The tensor's bytes, read from the external file. */
  bytes: Uint8Array;
  /** The same bytes as typed elements (null for dtypes without a fixed width). */
  values: TensorValues | null;
  /** Absolute path of the file they came from. */
  path: string;
}

/**
 * Where an external_data location points, refusing locations that leave the model's directory
 * (absolute paths, `..`, symbolic links pointing elsewhere). Throws a GateError naming the tensor.
 */
export async function resolveExternalPath(modelDir: string, tensor: OnnxTensorInfo): Promise<string> {
  const location = tensor.external?.location ?? "";
  const fail = (reason: string, hint?: string): never => {
    throw new GateError(`external data of tensor "${tensor.name}" ${reason}`, {
      location: { file: join(modelDir, location) },
      ...(hint ? { hint } : {}),
    });
  };
  if (tensor.dataLocation !== "external" || !location)
    fail("is missing: the tensor names no external location");
  if (location.includes("\0")) fail("has a location with a NUL character");
  const relative = normalize(location.replaceAll("\\", "/"));
  if (isAbsolute(location) || isAbsolute(relative) || relative === ".." || relative.startsWith(`..${sep}`)) {
    fail(`points outside the model's directory (${location})`, "external data must sit beside the model");
  }
  const candidate = join(modelDir, relative);
  let real: string;
  let realDir: string;
  try {
    [real, realDir] = await Promise.all([realpath(candidate), realpath(modelDir)]);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === "ENOENT" ? `file not found: ${location}` : `cannot be read (${code})`);
  }
  if (!real.startsWith(realDir + sep)) {
    fail(
      `points outside the model's directory through a link (${location})`,
      "external data must sit beside the model",
    );
  }
  return real;
}

/**
 * Read one external tensor's bytes (after the caller's policy checks on its location). The range
 * must lie inside the file and match dims × dtype.
 */
export async function readExternalTensor(
  modelDir: string,
  tensor: OnnxTensorInfo,
  options: { maxBytes?: number } = {},
): Promise<ExternalTensorData> {
  const path = await resolveExternalPath(modelDir, tensor);
  const external = tensor.external!;
  const fail = (reason: string): never => {
    throw new GateError(`external data of tensor "${tensor.name}" ${reason}`, { location: { file: path } });
  };
  const info = await stat(path);
  if (!info.isFile()) fail(`is not a regular file: ${external.location}`);
  if (external.entries["offset"] !== undefined && external.offset === undefined) {
    fail(`has an offset that is not a byte count: "${external.entries["offset"]}"`);
  }
  if (external.entries["length"] !== undefined && external.length === undefined) {
    fail(`has a length that is not a byte count: "${external.entries["length"]}"`);
  }
  const offset = external.offset ?? 0;
  const length = external.length ?? info.size - offset;
  if (offset + length > info.size || length < 0) {
    fail(
      `asks for bytes ${offset}..${offset + length} of ${external.location}, which has ${info.size} bytes`,
    );
  }
  const sizeProblem = rawSizeProblem(tensor.dtype, tensor.elementCount, length);
  if (sizeProblem) fail(sizeProblem);
  const maxBytes = options.maxBytes ?? 4 * 1024 ** 3;
  if (length > maxBytes) fail(`is ${length} bytes, over the limit of ${maxBytes} bytes`);

  const bytes = Buffer.allocUnsafe(length);
  const handle = await open(path, "r");
  try {
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(
        bytes,
        filled,
        Math.min(length - filled, 64 * 1024 ** 2),
        offset + filled,
      );
      if (bytesRead === 0) fail(`ends early: ${external.location} shrank while it was read`);
      filled += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { bytes, values: rawValues(tensor.dtype, bytes), path };
}
