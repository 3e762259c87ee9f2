import { open } from "node:fs/promises";
import { extname } from "node:path";
import { GateError } from "@mlgate/core";
import { type ReadOnnxOptions, readOnnxModel, signatureOf } from "@mlgate/onnx";
import type { SignatureDocument } from "./document.js";
import { resolveSignatureLimits, type SignatureLimits } from "./limits.js";
import { parseSignatureText, type SignatureTextFormat } from "./parse-text.js";

export interface ReadSignatureOptions {
  limits?: Partial<SignatureLimits>;
  /** Passed to @mlgate/onnx for .onnx files. */
  onnx?: ReadOnnxOptions;
}

const TEXT_FORMATS: Record<string, SignatureTextFormat> = {
  ".yaml": "yaml",
  ".yml": "yaml",
  ".json": "json",
  ".md": "markdown",
  ".markdown": "markdown",
};

/** Read at most `maxBytes + 1` bytes, so an oversized file is refused without reading it all. */
async function readText(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, "r").catch((e: NodeJS.ErrnoException) => {
    throw new GateError(
      e.code === "ENOENT"
        ? `signature file not found: ${path}`
        : `cannot read ${path}: ${e.code ?? String(e)}`,
      { hint: "check the path (relative paths start at the working directory)", cause: e },
    );
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new GateError(`${path} is not a regular file`, { location: { file: path } });
    if (info.size > maxBytes) {
      throw new GateError(
        `${path} is ${info.size} bytes, over the limit of ${maxBytes} bytes for a signature file`,
        {
          location: { file: path },
        },
      );
    }
    // One byte more than the size: a file that grows while being read is noticed, not truncated.
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length !== info.size)
      throw new GateError(`${path} changed while it was read`, { location: { file: path } });
    const bytes = buffer.subarray(0, length);
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    if (text.includes("\uFFFD") || bytes.includes(0)) {
      throw new GateError(`${path} is not UTF-8 text`, {
        location: { file: path },
        hint: "a signature is read from .onnx models, or from .yaml, .json or .md (model card) text files",
      });
    }
    return text;
  } finally {
    await handle.close();
  }
}

/**
 * The signature of a model from an .onnx file (graph inputs and outputs, initializers excluded),
 * a manifest or model card (`signature:` in YAML or front matter), or validate-artifact's JSON.
 * Files of other extensions are read as text (YAML) when they are text, otherwise as ONNX.
 */
export async function readSignature(
  path: string,
  options: ReadSignatureOptions = {},
): Promise<SignatureDocument> {
  const limits = resolveSignatureLimits(options.limits);
  const ext = extname(path).toLowerCase();
  const format = TEXT_FORMATS[ext];
  if (ext === ".onnx") return readOnnxSignature(path, options);
  if (format) return parseSignatureText(await readText(path, limits.maxBytes), path, format, limits);
  let text: string;
  try {
    text = await readText(path, limits.maxBytes);
  } catch (e) {
    // Binary or large: only an ONNX model can be that.
    if (e instanceof GateError && /not UTF-8 text|over the limit/.test(e.message))
      return readOnnxSignature(path, options);
    throw e;
  }
  return parseSignatureText(text, path, text.trimStart().startsWith("{") ? "json" : "yaml", limits);
}

async function readOnnxSignature(path: string, options: ReadSignatureOptions): Promise<SignatureDocument> {
  const model = await readOnnxModel(path, options.onnx);
  return { signature: signatureOf(model), kind: "onnx", source: { file: path } };
}
