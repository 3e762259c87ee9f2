import type { Readable } from "node:stream";
import { GateError } from "@mlgate/core";
import { ArchiveIndex } from "./archive-index.js";
import type { BlobRef, BlobSource } from "./blob-source.js";
import { digestOf, parseDigest, verifyBytes } from "./digest.js";
import { parseDockerArchiveManifest } from "./documents.js";
import { formatBytes } from "./limits.js";
import { MEDIA, sniffCompression } from "./media-types.js";
import { imageFromOciLayout } from "./oci-layout.js";
import { parseRegistryReference } from "./reference.js";
import { assembleImageSource, type LayerSpec, readConfig } from "./resolve.js";
import type { ImageLimits, ImageSource, LayerInfo } from "./types.js";

export interface ArchiveOpenOptions {
  format?: "docker-archive" | "oci-archive";
  tag?: string;
  platform?: string;
  limits: ImageLimits;
  log?: (line: string) => void;
}

/** Blobs stored as `blobs/<algorithm>/<hex>` members of an OCI archive. */
class ArchiveBlobSource implements BlobSource {
  readonly description: string;

  constructor(private readonly archive: ArchiveIndex) {
    this.description = `OCI archive ${archive.path}`;
  }

  private member(blob: BlobRef, what: string) {
    const { algorithm, hex } = parseDigest(blob.digest, what);
    const member = this.archive.get(`blobs/${algorithm}/${hex}`);
    if (member?.type !== "file") {
      throw new GateError(`${what}: blob ${blob.digest} is missing from ${this.description}`, {
        hint: "the archive is incomplete; export the image again",
      });
    }
    if (blob.size !== undefined && member.size !== blob.size) {
      throw new GateError(
        `${what}: blob ${blob.digest} is ${member.size} bytes; its descriptor says ${blob.size}`,
      );
    }
    return member;
  }

  async readBlob(blob: BlobRef, what: string, maxBytes: number): Promise<Buffer> {
    const member = this.member(blob, what);
    if (member.size > maxBytes) {
      throw new GateError(
        `${what} is ${formatBytes(member.size)}, over the limit of ${formatBytes(maxBytes)}`,
      );
    }
    const bytes = await this.archive.readRange(member.offset, member.size);
    verifyBytes(bytes, blob.digest, what);
    return bytes;
  }

  async openBlob(blob: BlobRef, what: string): Promise<Readable> {
    return this.archive.stream(this.member(blob, what));
  }

  async close(): Promise<void> {
    await this.archive.close();
  }
}

/** Open a `docker save` tarball or an OCI archive (a tarred OCI layout), compressed or not. */
export async function openArchiveImage(path: string, options: ArchiveOpenOptions): Promise<ImageSource> {
  const archive = await ArchiveIndex.build(path, options.limits, options.log);
  try {
    const isOci = archive.has("oci-layout") && archive.has("index.json");
    const isDocker = archive.has("manifest.json");
    // `docker save` from Docker 25 writes both; its manifest.json names images the way users tag them.
    const format = options.format ?? (isDocker ? "docker-archive" : isOci ? "oci-archive" : undefined);
    if (format === "docker-archive" && isDocker) return await openDockerArchive(archive, options);
    if (format === "oci-archive" && isOci) {
      const blobs = new ArchiveBlobSource(archive);
      return await imageFromOciLayout(
        { read: (name, maxBytes) => archive.read(name, maxBytes, `${blobs.description} ${name}`) },
        blobs,
        {
          reference: `oci-archive:${path}${options.tag ? `:${options.tag}` : ""}`,
          kind: "oci-archive",
          limits: options.limits,
          ...(options.tag ? { tag: options.tag } : {}),
          ...(options.platform ? { platform: options.platform } : {}),
          ...(options.log ? { log: options.log } : {}),
          close: () => archive.close(),
        },
      );
    }
    throw new GateError(
      format
        ? `${path} is not a ${format === "docker-archive" ? "docker save" : "OCI"} archive (it has no ${format === "docker-archive" ? "manifest.json" : "oci-layout and index.json"})`
        : `${path} is a tar archive but neither a docker save tarball nor an OCI archive`,
      {
        hint: "expected the output of `docker save`, `skopeo copy ... docker-archive:` or `... oci-archive:`",
        location: { file: path },
      },
    );
  } catch (e) {
    await archive.close();
    throw e;
  }
}

/** `name:tag` as written in RepoTags, compared with what the user typed (with or without docker.io/library/). */
function sameRepoTag(written: string, wanted: string): boolean {
  const strip = (s: string) => s.replace(/^docker\.io\//, "").replace(/^library\//, "");
  return written === wanted || strip(written) === strip(wanted);
}

async function openDockerArchive(archive: ArchiveIndex, options: ArchiveOpenOptions): Promise<ImageSource> {
  const where = `docker archive ${archive.path}`;
  const { limits } = options;
  const manifestBytes = await archive.read(
    "manifest.json",
    limits.maxManifestBytes,
    `${where} manifest.json`,
  );
  const images = parseDockerArchiveManifest(manifestBytes!, `${where} manifest.json`);
  const tagsOf = (i: (typeof images)[number]) => i.RepoTags ?? [];
  const candidates = options.tag
    ? images.filter((i) => tagsOf(i).some((t) => sameRepoTag(t, options.tag!)))
    : images;
  if (candidates.length !== 1) {
    const tags = images.flatMap(tagsOf);
    throw new GateError(
      candidates.length === 0
        ? `${where} has ${options.tag ? `no image tagged "${options.tag}"` : "no images"}`
        : `${where} holds ${candidates.length} images; say which one`,
      {
        hint: tags.length
          ? `write docker-archive:PATH:NAME:TAG with one of: ${tags.join(", ")}`
          : "the archive names no tags",
      },
    );
  }
  const image = candidates[0]!;
  if (image.Layers.length > limits.maxLayers) {
    throw new GateError(`${where} has ${image.Layers.length} layers, over the limit of ${limits.maxLayers}`);
  }
  const configWhat = `${where} config ${image.Config}`;
  const configBytes = await archive.read(image.Config, limits.maxConfigBytes, configWhat);
  if (!configBytes) throw new GateError(`${configWhat} is missing from the archive`);
  const configDigest = digestOf(configBytes);
  // Config members are named by their digest (`<hex>.json`, `blobs/sha256/<hex>`); check it where it is.
  const named = /(?:^|\/)([0-9a-f]{64})(?:\.json)?$/.exec(image.Config)?.[1];
  if (named) verifyBytes(configBytes, `sha256:${named}`, configWhat);
  const config = readConfig(configBytes, configWhat, image.Layers.length);
  const steps = (config.history ?? []).filter((h) => !h.emptyLayer);
  const layers: LayerSpec[] = [];
  for (const [index, name] of image.Layers.entries()) {
    const member = archive.get(name);
    if (member?.type !== "file") {
      throw new GateError(`${where}: layer ${index + 1} (${name}) is missing from the archive`);
    }
    const head = await archive.readRange(member.offset, Math.min(4, member.size));
    const compression = sniffCompression(head);
    const diffId = config.diffIds[index]!;
    const info: LayerInfo = {
      index,
      digest: diffId,
      size: member.size,
      mediaType:
        compression === "gzip"
          ? `${MEDIA_DOCKER_LAYER}.gzip`
          : compression === "zstd"
            ? `${MEDIA_DOCKER_LAYER}.zstd`
            : MEDIA_DOCKER_LAYER,
      diffId,
    };
    const step = steps.length === image.Layers.length ? steps[index]?.createdBy : undefined;
    if (step) info.createdBy = step;
    layers.push({
      info,
      plan: (what) => ({
        what,
        compression,
        storedSize: member.size,
        // The tar itself is named by the config's diff id, so the check runs on the uncompressed bytes.
        uncompressedDigest: diffId,
        open: async () => archive.stream(member),
      }),
    });
  }
  const repoTag = repoTagParts(tagsOf(image)[0]);
  return assembleImageSource({
    reference: `docker-archive:${archive.path}${options.tag ? `:${options.tag}` : ""}`,
    kind: "docker-archive",
    digest: configDigest,
    mediaType: MEDIA.dockerManifest,
    configDigest,
    config,
    layers,
    limits,
    ...(repoTag?.repository ? { repository: repoTag.repository } : {}),
    ...(repoTag?.tag ? { tag: repoTag.tag } : {}),
    ...(options.platform ? { wantedPlatform: options.platform } : {}),
    ...(options.log ? { log: options.log } : {}),
    close: () => archive.close(),
  });
}

/** `docker.io/team/app:7` → team/app and 7, the way a registry reference is read. */
function repoTagParts(repoTag: string | undefined): { repository: string; tag?: string } | undefined {
  if (!repoTag) return undefined;
  try {
    const ref = parseRegistryReference(repoTag);
    const repository = ref.repository.replace(/^library\//, "");
    return ref.tag ? { repository, tag: ref.tag } : { repository };
  } catch {
    return undefined;
  }
}

const MEDIA_DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";
