import type { Readable } from "node:stream";
import { GateError } from "@mlgate/core";
import type { BlobRef, BlobSource } from "../blob-source.js";
import { shortDigest, verifyBytes } from "../digest.js";
import type { Descriptor } from "../documents.js";
import { formatBytes } from "../limits.js";
import { formatRegistryReference, type RegistryReference } from "../reference.js";
import { chooseImageManifest, imageFromManifest } from "../resolve.js";
import type { ImageLimits, ImageSource, RegistryAuth } from "../types.js";
import { RegistryClient } from "./client.js";
import { readStreamBounded } from "./http.js";

class RegistryBlobSource implements BlobSource {
  readonly description: string;

  constructor(private readonly client: RegistryClient) {
    this.description = `registry image ${client.name}`;
  }

  async readBlob(blob: BlobRef, what: string, maxBytes: number): Promise<Buffer> {
    if (blob.size !== undefined && blob.size > maxBytes) {
      throw new GateError(`${what} is ${formatBytes(blob.size)}, over the limit of ${formatBytes(maxBytes)}`);
    }
    const stream = await this.client.openBlob(blob.digest, what);
    const bytes = await readStreamBounded(stream, maxBytes, what);
    verifyBytes(bytes, blob.digest, what);
    return bytes;
  }

  openBlob(blob: BlobRef, what: string): Promise<Readable> {
    return this.client.openBlob(blob.digest, what);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export async function openRegistryImage(
  ref: RegistryReference,
  options: {
    auth?: RegistryAuth;
    insecureHttp?: boolean;
    platform?: string;
    limits: ImageLimits;
    log?: (line: string) => void;
  },
): Promise<ImageSource> {
  const client = new RegistryClient(ref, {
    limits: options.limits,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.insecureHttp ? { insecureHttp: true } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const blobs = new RegistryBlobSource(client);
  const reference = formatRegistryReference(ref);
  try {
    const root = await client.getManifest(ref.digest ?? ref.tag ?? "latest", options.limits.maxManifestBytes);
    const fetchChild = async (d: Descriptor) => {
      const child = await client.getManifest(d.digest, options.limits.maxManifestBytes);
      return { ...child, mediaType: child.mediaType ?? d.mediaType };
    };
    const chosen = await chooseImageManifest(root, fetchChild, {
      what: reference,
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    options.log?.(`image ${reference} is ${shortDigest(chosen.digest)}`);
    return await imageFromManifest(chosen, blobs, {
      reference,
      kind: "registry",
      limits: options.limits,
      repository: ref.repository,
      registry: ref.registry,
      ...(ref.tag ? { tag: ref.tag } : {}),
      ...(options.platform ? { wantedPlatform: options.platform } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
  } catch (e) {
    await client.close();
    throw e;
  }
}
