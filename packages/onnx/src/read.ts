import { open, stat } from "node:fs/promises";
import { GateError } from "@mlgate/core";
import { decodeOnnxModel } from "./decode.js";
import { type OnnxLimits, resolveLimits } from "./limits.js";
import type { OnnxModel } from "./model.js";

export interface ReadOnnxOptions {
  /** Shorthand for limits.maxBytes. */
  maxBytes?: number;
  limits?: Partial<OnnxLimits>;
}

/**
 * Read and decode an .onnx file. The file is read once into one buffer that the decoded model's
 * tensors view, so memory stays near the file size.
 */
export async function readOnnxModel(path: string, options: ReadOnnxOptions = {}): Promise<OnnxModel> {
  const limits = resolveLimits({
    ...options.limits,
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
  });
  const bytes = await readModelBytes(path, limits.maxBytes);
  return decodeOnnxModel(bytes, path, { limits });
}

/** The whole file in one Buffer, refusing files over `maxBytes` before reading anything. */
export async function readModelBytes(path: string, maxBytes: number): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new GateError(`ONNX model ${path} is not a regular file`, { location: { file: path } });
    size = info.size;
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw fileError(path, e);
  }
  if (size > maxBytes) {
    throw new GateError(`ONNX model ${path} is ${size} bytes, over the limit of ${maxBytes} bytes`, {
      location: { file: path },
      hint: "raise the size limit, or store large weights as external data",
    });
  }
  // fs.readFile stops at 2 GiB; reading in chunks into one buffer works up to Buffer's maximum.
  const buffer = Buffer.allocUnsafe(size);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(
        buffer,
        filled,
        Math.min(size - filled, 64 * 1024 ** 2),
        filled,
      );
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled < size) {
      throw new GateError(`ONNX model ${path} shrank while it was read (${filled} of ${size} bytes)`, {
        location: { file: path },
      });
    }
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw fileError(path, e);
  } finally {
    await handle?.close();
  }
  return buffer;
}

function fileError(path: string, e: unknown): GateError {
  const code = (e as NodeJS.ErrnoException).code;
  return new GateError(
    code === "ENOENT" ? `ONNX model not found: ${path}` : `cannot read ONNX model ${path}: ${code ?? e}`,
    {
      location: { file: path },
      ...(code === "ENOENT"
        ? { hint: "check the path (relative paths start at the working directory)" }
        : {}),
      cause: e,
    },
  );
}
