import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { GateError } from "@mlgate/core";
import type { BlobRef, BlobSource } from "./blob-source.js";
import { parseDigest, verifyBytes } from "./digest.js";
import { formatBytes } from "./limits.js";
import { imageFromOciLayout, type LayoutFiles } from "./oci-layout.js";
import type { ImageLimits, ImageSource } from "./types.js";

/** Read at most `maxBytes` of a file; undefined when it does not exist. */
async function readBounded(path: string, maxBytes: number, what: string): Promise<Buffer | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new GateError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      cause: e,
    });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new GateError(`${what} ${path} is not a regular file`);
    if (info.size > maxBytes) {
      throw new GateError(
        `${what} ${path} is ${formatBytes(info.size)}, over the limit of ${formatBytes(maxBytes)}`,
      );
    }
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Blobs of an OCI layout directory: `blobs/<algorithm>/<hex>`. */
export class LayoutBlobSource implements BlobSource {
  readonly description: string;

  constructor(private readonly dir: string) {
    this.description = `OCI layout ${dir}`;
  }

  private blobPath(blob: BlobRef, what: string): string {
    const { algorithm, hex } = parseDigest(blob.digest, what);
    return join(this.dir, "blobs", algorithm, hex);
  }

  private missing(blob: BlobRef, what: string): GateError {
    return new GateError(`${what}: blob ${blob.digest} is missing from ${this.description}`, {
      hint: "the layout is incomplete; copy the image again (skopeo copy writes every blob)",
    });
  }

  async readBlob(blob: BlobRef, what: string, maxBytes: number): Promise<Buffer> {
    const limit = blob.size !== undefined ? Math.min(blob.size, maxBytes) : maxBytes;
    if (blob.size !== undefined && blob.size > maxBytes) {
      throw new GateError(`${what} is ${formatBytes(blob.size)}, over the limit of ${formatBytes(maxBytes)}`);
    }
    const bytes = await readBounded(this.blobPath(blob, what), limit, what);
    if (!bytes) throw this.missing(blob, what);
    verifyBytes(bytes, blob.digest, what);
    return bytes;
  }

  async openBlob(blob: BlobRef, what: string): Promise<Readable> {
    const path = this.blobPath(blob, what);
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new GateError(`${what}: ${path} is not a regular file`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw this.missing(blob, what);
      throw e;
    }
    return createReadStream(path, { highWaterMark: 256 * 1024 });
  }

  async close(): Promise<void> {}
}

export async function openLayoutImage(
  dir: string,
  options: { tag?: string; platform?: string; limits: ImageLimits; log?: (line: string) => void },
): Promise<ImageSource> {
  const blobs = new LayoutBlobSource(dir);
  const files: LayoutFiles = {
    read: (name, maxBytes) => readBounded(join(dir, name), maxBytes, `${blobs.description} ${name}`),
  };
  return imageFromOciLayout(files, blobs, {
    reference: `oci:${dir}${options.tag ? `:${options.tag}` : ""}`,
    kind: "oci-layout",
    limits: options.limits,
    ...(options.tag ? { tag: options.tag } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.log ? { log: options.log } : {}),
    close: () => blobs.close(),
  });
}
