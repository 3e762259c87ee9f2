import { GateError } from "@mlgate/core";
import type { BlobSource } from "./blob-source.js";
import { verifyBytes } from "./digest.js";
import { checkOciLayoutMarker, type Descriptor, parseOciLayoutIndex } from "./documents.js";
import { DEFAULT_PLATFORM, parsePlatform, selectPlatform } from "./platform.js";
import { formatRegistryReference, parseRegistryReference } from "./reference.js";
import { chooseImageManifest, imageFromManifest, type ManifestBytes } from "./resolve.js";
import type { ImageLimits, ImageSource, ImageSourceKind } from "./types.js";

/** The two top-level files of a layout, read from a directory or from inside a tarball. */
export interface LayoutFiles {
  /** Undefined when the file does not exist. */
  read(name: "oci-layout" | "index.json", maxBytes: number): Promise<Buffer | undefined>;
}

export const REF_NAME = "org.opencontainers.image.ref.name";

export interface LayoutOpenOptions {
  reference: string;
  kind: ImageSourceKind;
  tag?: string;
  platform?: string;
  limits: ImageLimits;
  log?: (line: string) => void;
  close: () => Promise<void>;
}

/** A tag in index.json is the ref.name annotation; tools write either `tag` or a full `name:tag`. */
function tagOf(d: Descriptor): string | undefined {
  return d.annotations?.[REF_NAME];
}

function matchesTag(d: Descriptor, tag: string): boolean {
  const name = tagOf(d);
  return name === tag || name?.endsWith(`:${tag}`) === true;
}

/** containerd, buildx and `docker save` record the full image name next to the tag. */
function imageName(d: Descriptor): { repository: string; registry: string } | undefined {
  const name = d.annotations?.["io.containerd.image.name"];
  if (!name) return undefined;
  try {
    const ref = parseRegistryReference(name);
    return { repository: ref.repository, registry: formatRegistryReference(ref).split("/")[0]! };
  } catch {
    return undefined;
  }
}

/** Open the image an OCI layout's index.json names (by tag, by platform, or the only one there). */
export async function imageFromOciLayout(
  files: LayoutFiles,
  blobs: BlobSource,
  options: LayoutOpenOptions,
): Promise<ImageSource> {
  const where = blobs.description;
  const marker = await files.read("oci-layout", 64 * 1024);
  if (!marker) {
    throw new GateError(`${where} has no oci-layout file, so it is not an OCI image layout`, {
      hint: "write the image with `skopeo copy ... oci:DIR:TAG`, `umoci` or `docker buildx --output type=oci`",
    });
  }
  checkOciLayoutMarker(marker, `${where} oci-layout`);
  const indexBytes = await files.read("index.json", options.limits.maxManifestBytes);
  if (!indexBytes) throw new GateError(`${where} has no index.json`);
  const index = parseOciLayoutIndex(indexBytes, `${where} index.json`);
  let candidates = index.manifests;
  if (options.tag) {
    candidates = candidates.filter((d) => matchesTag(d, options.tag!));
    if (candidates.length === 0) {
      const tags = index.manifests.map(tagOf).filter((t): t is string => !!t);
      throw new GateError(`${where} has no image tagged "${options.tag}"`, {
        hint: tags.length ? `tags present: ${tags.join(", ")}` : "the layout's index.json names no tags",
      });
    }
  }
  let root: Descriptor;
  if (candidates.length === 1) {
    root = candidates[0]!;
  } else if (candidates.length > 1 && candidates.every((d) => d.platform)) {
    root = selectPlatform(
      candidates,
      parsePlatform(options.platform ?? DEFAULT_PLATFORM),
      `${where} index.json`,
      !!options.platform,
    );
  } else {
    const tags = candidates.map(tagOf).filter((t): t is string => !!t);
    throw new GateError(
      candidates.length === 0
        ? `${where} holds no images`
        : `${where} holds ${candidates.length} images; say which one with a tag`,
      {
        hint: tags.length
          ? `write oci:DIR:TAG with one of: ${tags.join(", ")}`
          : "the layout's index.json names no tags",
      },
    );
  }
  const fetch = async (d: Descriptor): Promise<ManifestBytes> => {
    const bytes = await blobs.readBlob(d, `${where} manifest ${d.digest}`, options.limits.maxManifestBytes);
    verifyBytes(bytes, d.digest, `${where} manifest`);
    return { bytes, digest: d.digest, mediaType: d.mediaType };
  };
  const chosen = await chooseImageManifest(await fetch(root), fetch, {
    what: where,
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const tag = options.tag ?? tagOf(root);
  const named = imageName(root);
  return imageFromManifest(chosen, blobs, {
    reference: options.reference,
    kind: options.kind,
    limits: options.limits,
    ...(named ? { repository: named.repository, registry: named.registry } : {}),
    ...(tag ? { tag } : {}),
    ...(options.platform ? { wantedPlatform: options.platform } : {}),
    ...(options.log ? { log: options.log } : {}),
    close: options.close,
  });
}
