import type { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { GateError, isGateError } from "@mlgate/core";
import { type Header, extract as tarExtract } from "tar-stream";
import { VerifyTap } from "./digest.js";
import { normalizeEntryPath, printable } from "./entry-path.js";
import { EntryReader } from "./entry-reader.js";
import { formatBytes } from "./limits.js";
import type { Compression } from "./media-types.js";
import { TarTail } from "./tar-tail.js";
import type { ImageLimits, TarEntry, TarEntryType } from "./types.js";

/** Everything needed to stream one layer: where its bytes come from and what they must hash to. */
export interface LayerPlan {
  /** For messages: `layer 2 (sha256:ab12…) of registry:5000/x:1`. */
  what: string;
  open(): Promise<Readable>;
  compression: Compression;
  /** Digest of the stored bytes (registry and layout blobs). */
  storedDigest?: string;
  storedSize?: number;
  /** Digest of the uncompressed tar, checked when the stored bytes carry no digest of their own. */
  uncompressedDigest?: string;
}

/** Uncompressed bytes already read from the image, shared by all its layers. */
export interface ImageBudget {
  limits: ImageLimits;
  uncompressedBytes: number;
}

const TYPES: Partial<Record<Header["type"], TarEntryType>> = {
  file: "file",
  "contiguous-file": "file",
  directory: "directory",
  symlink: "symlink",
  link: "hardlink",
};

type ZstdZlib = typeof zlib & { createZstdDecompress?: (options?: { chunkSize?: number }) => Transform };

/**
 * Output chunk of the decompressors. zlib's default (16 KiB) costs a thread-pool round trip and a trip
 * down the tar pipeline per 16 KiB: for a gigabyte of layers that is most of the scan's time.
 */
const INFLATE_CHUNK = 512 * 1024;

function decompressor(compression: Compression, what: string): Transform | undefined {
  if (compression === "gzip") return zlib.createGunzip({ chunkSize: INFLATE_CHUNK });
  if (compression === "zstd") {
    const create = (zlib as ZstdZlib).createZstdDecompress;
    if (typeof create !== "function") {
      throw new GateError(
        `${what} is zstd-compressed, and this Node.js ${process.version} has no zstd decoder`,
        {
          hint: "run on Node.js 22.15 or newer (the action's node24 runtime has one), or push the image with gzip layers",
        },
      );
    }
    return create({ chunkSize: INFLATE_CHUNK });
  }
  return undefined;
}

/** Turn zlib and tar errors into one line that names the layer. */
function layerError(e: unknown, plan: LayerPlan): GateError {
  if (isGateError(e)) return e as GateError;
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? "";
  if (
    code.startsWith("Z_") ||
    /incorrect header check|unexpected end of file|invalid (?:block|distance|stored)/i.test(message)
  ) {
    return new GateError(`${plan.what} is not valid ${plan.compression} data: ${message}`, {
      hint: "the blob is damaged or its media type names the wrong compression",
      cause: e,
    });
  }
  if (/tar|header|Unexpected end of data/i.test(message)) {
    return new GateError(`${plan.what} is not a valid tar archive: ${message}`, {
      hint: "the layer is truncated or damaged; pull or export the image again",
      cause: e,
    });
  }
  return new GateError(`cannot read ${plan.what}: ${message}`, { cause: e });
}

/**
 * Stream a layer's entries: stored bytes → digest check → decompression → byte budget → tar. Nothing is
 * buffered beyond the streams' own chunks; every bound is checked as bytes arrive.
 */
export async function* readLayerEntries(plan: LayerPlan, budget: ImageBudget): AsyncGenerator<TarEntry> {
  const { limits } = budget;
  const overLimit = (what: string, name: keyof ImageLimits) => (limit: number) =>
    new GateError(`${plan.what}: ${what} goes over the limit of ${formatBytes(limit)}`, {
      hint: `a tar or compression bomb, or an unusually large image: raise limits.${name} if it is expected`,
    });
  const stages: (Readable | Transform)[] = [];
  const raw = await plan.open();
  stages.push(raw);
  stages.push(
    new VerifyTap({
      what: plan.what,
      ...(plan.storedDigest ? { digest: plan.storedDigest } : {}),
      ...(plan.storedSize !== undefined ? { expectedSize: plan.storedSize } : {}),
      maxBytes: limits.maxLayerBytes,
      overLimit: overLimit("the stored blob", "maxLayerBytes"),
    }),
  );
  let inflate: Transform | undefined;
  try {
    inflate = decompressor(plan.compression, plan.what);
  } catch (e) {
    raw.destroy();
    throw e;
  }
  if (inflate) stages.push(inflate);
  stages.push(
    new VerifyTap({
      what: `${plan.what} (uncompressed)`,
      ...(plan.uncompressedDigest ? { digest: plan.uncompressedDigest } : {}),
      maxBytes: limits.maxLayerUncompressedBytes,
      overLimit: overLimit("the uncompressed tar", "maxLayerUncompressedBytes"),
      onBytes: (length) => {
        budget.uncompressedBytes += length;
        if (budget.uncompressedBytes > limits.maxImageUncompressedBytes) {
          throw overLimit(
            "the image's uncompressed layers together",
            "maxImageUncompressedBytes",
          )(limits.maxImageUncompressedBytes);
        }
      },
    }),
  );
  stages.push(new TarTail());
  const extract = tarExtract();
  let failure: unknown;
  // tar-stream's extractor is a streamx Writable; Node's pipeline drives it like any other stream.
  const flowing = (pipeline as (...streams: unknown[]) => Promise<void>)(...stages, extract).catch(
    (e: unknown) => {
      failure ??= e;
    },
  );
  let finished = false;
  let count = 0;
  try {
    for await (const entry of extract) {
      count++;
      if (count > limits.maxEntriesPerLayer) {
        throw new GateError(`${plan.what} has more than ${limits.maxEntriesPerLayer} entries`, {
          hint: "a tar bomb, or an unusually large layer: raise limits.maxEntriesPerLayer if it is expected",
        });
      }
      const header = entry.header;
      const size = header.size ?? 0;
      if (size > limits.maxEntryBytes) {
        throw new GateError(
          `${plan.what}: entry "${printable(header.name)}" declares ${formatBytes(size)}, over the limit of ${formatBytes(limits.maxEntryBytes)}`,
          { hint: "a tar bomb, or an unusually large file: raise limits.maxEntryBytes if it is expected" },
        );
      }
      const path = normalizeEntryPath(header.name, plan.what, limits.maxPathLength);
      const type = (header.type && TYPES[header.type]) || "other";
      const reader = new EntryReader(entry as unknown as Readable, (e) => layerError(failure ?? e, plan));
      if (path === null) {
        reader.drain();
        continue;
      }
      const out: TarEntry = {
        path,
        type,
        size: type === "file" ? size : 0,
        mode: header.mode ?? 0,
        content: () => reader.chunks(),
      };
      const link = header.linkname ?? undefined;
      if (type === "symlink" || type === "hardlink") {
        if (!link) throw new GateError(`${plan.what}: link "${printable(path)}" has no target`);
        if (link.length > limits.maxPathLength) {
          throw new GateError(
            `${plan.what}: the target of "${printable(path)}" is over ${limits.maxPathLength} characters`,
          );
        }
        const target =
          type === "hardlink"
            ? normalizeEntryPath(link, `${plan.what}: hard link "${printable(path)}"`, limits.maxPathLength)
            : link;
        if (target === null)
          throw new GateError(`${plan.what}: hard link "${printable(path)}" points at the root`);
        out.linkTarget = target;
      }
      yield out;
      reader.drain();
    }
    await flowing;
    if (failure) throw failure;
    finished = true;
  } catch (e) {
    // An error deep in the pipeline reaches the iterator as whatever tar-stream saw; the first cause is the real one.
    await Promise.race([flowing, new Promise((resolve) => setTimeout(resolve, 0))]);
    throw layerError(failure && !isGateError(e) ? failure : e, plan);
  } finally {
    if (!finished) {
      extract.destroy();
      for (const stage of stages) stage.destroy();
    }
  }
}
