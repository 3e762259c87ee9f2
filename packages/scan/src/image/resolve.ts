import { GateError } from "@mlgate/core";
import type { BlobSource } from "./blob-source.js";
import { shortDigest } from "./digest.js";
import {
  type Descriptor,
  type ImageConfigDocument,
  type ImageManifestDocument,
  parseImageConfig,
  parseManifestDocument,
} from "./documents.js";
import { type ImageBudget, type LayerPlan, readLayerEntries } from "./layer-stream.js";
import { formatBytes } from "./limits.js";
import { classifyLayer, MEDIA } from "./media-types.js";
import { DEFAULT_PLATFORM, formatPlatform, parsePlatform, selectPlatform } from "./platform.js";
import type { ImageConfig, ImageLimits, ImageSource, ImageSourceKind, LayerInfo } from "./types.js";

export interface ManifestBytes {
  bytes: Buffer;
  digest: string;
  /** From the descriptor or the HTTP Content-Type. */
  mediaType?: string;
}

export interface ChosenManifest {
  digest: string;
  mediaType: string;
  document: ImageManifestDocument;
  indexDigest?: string;
  indexPlatform?: string;
}

/** Indexes may point at indexes; real images nest one level, this allows two. */
const MAX_INDEX_DEPTH = 3;

/** From a fetched manifest or index, walk down to the image manifest for the wanted platform. */
export async function chooseImageManifest(
  root: ManifestBytes,
  fetchChild: (descriptor: Descriptor) => Promise<ManifestBytes>,
  options: { platform?: string; what: string; log?: (line: string) => void },
): Promise<ChosenManifest> {
  const wanted = parsePlatform(options.platform ?? DEFAULT_PLATFORM);
  let current = root;
  let indexDigest: string | undefined;
  let indexPlatform: string | undefined;
  for (let depth = 0; depth < MAX_INDEX_DEPTH; depth++) {
    const what = `${options.what} manifest ${shortDigest(current.digest)}`;
    const parsed = parseManifestDocument(current.bytes, current.mediaType, what);
    if (parsed.kind === "manifest") {
      return {
        digest: current.digest,
        mediaType: parsed.mediaType,
        document: parsed.document,
        ...(indexDigest ? { indexDigest } : {}),
        ...(indexPlatform ? { indexPlatform } : {}),
      };
    }
    const chosen = selectPlatform(
      parsed.document.manifests,
      wanted,
      `${options.what} index`,
      options.platform !== undefined,
    );
    indexDigest ??= current.digest;
    if (chosen.platform) indexPlatform = formatPlatform(chosen.platform);
    options.log?.(
      `picked ${indexPlatform ?? "the only image"} (${shortDigest(chosen.digest)}) from the index`,
    );
    current = await fetchChild(chosen);
  }
  throw new GateError(`${options.what}: indexes nest more than ${MAX_INDEX_DEPTH} deep`);
}

function toConfig(doc: ImageConfigDocument): ImageConfig {
  const out: ImageConfig = { diffIds: doc.rootfs.diff_ids };
  if (doc.architecture) out.architecture = doc.architecture;
  if (doc.os) out.os = doc.os;
  if (doc.variant) out.variant = doc.variant;
  if (doc.created) out.created = doc.created;
  const c = doc.config;
  if (c?.Labels) out.labels = c.Labels;
  if (c?.Env) out.env = c.Env;
  if (c?.Entrypoint) out.entrypoint = c.Entrypoint;
  if (c?.Cmd) out.cmd = c.Cmd;
  if (c?.User) out.user = c.User;
  if (c?.WorkingDir) out.workingDir = c.WorkingDir;
  if (doc.history) {
    out.history = doc.history.map((h) => ({
      ...(h.created ? { created: h.created } : {}),
      ...(h.created_by ? { createdBy: h.created_by } : {}),
      ...(h.comment ? { comment: h.comment } : {}),
      ...(h.author ? { author: h.author } : {}),
      ...(h.empty_layer ? { emptyLayer: true } : {}),
    }));
  }
  return out;
}

/** The build step of each layer: history entries that made a layer, in order, when they line up. */
function createdByPerLayer(config: ImageConfig, layerCount: number): (string | undefined)[] {
  const steps = (config.history ?? []).filter((h) => !h.emptyLayer);
  if (steps.length !== layerCount) return new Array(layerCount).fill(undefined);
  return steps.map((h) => h.createdBy);
}

export function readConfig(bytes: Buffer, what: string, layerCount: number): ImageConfig {
  const config = toConfig(parseImageConfig(bytes, what));
  if (config.diffIds.length !== layerCount) {
    throw new GateError(
      `${what} lists ${config.diffIds.length} layer diff ids, but the manifest has ${layerCount} layers`,
      { hint: "the image config does not belong to this manifest; the image is damaged" },
    );
  }
  return config;
}

/** One layer as the image source will read it. */
export interface LayerSpec {
  info: LayerInfo;
  plan: (what: string) => LayerPlan;
}

export interface ImageParts {
  reference: string;
  kind: ImageSourceKind;
  digest: string;
  mediaType: string;
  indexDigest?: string;
  indexPlatform?: string;
  repository?: string;
  registry?: string;
  tag?: string;
  configDigest: string;
  config: ImageConfig;
  annotations?: Record<string, string>;
  layers: LayerSpec[];
  limits: ImageLimits;
  wantedPlatform?: string;
  log?: (line: string) => void;
  close: () => Promise<void>;
}

/** Put the pieces together; every source kind ends here. */
export function assembleImageSource(parts: ImageParts): ImageSource {
  const { config, limits } = parts;
  const platform = formatPlatform(config) ?? parts.indexPlatform;
  if (parts.wantedPlatform && config.os && config.architecture) {
    const wanted = parsePlatform(parts.wantedPlatform);
    if (wanted.os !== config.os || wanted.architecture !== config.architecture) {
      throw new GateError(`${parts.reference} is a ${platform} image, not ${parts.wantedPlatform}`, {
        hint: "it is a single-platform image; drop the platform option or point at a multi-platform index",
      });
    }
  }
  const budget: ImageBudget = { limits, uncompressedBytes: 0 };
  const layers = parts.layers.map((l) => l.info);
  const source: ImageSource = {
    reference: parts.reference,
    kind: parts.kind,
    digest: parts.digest,
    mediaType: parts.mediaType,
    configDigest: parts.configDigest,
    config,
    layers,
    async *readLayer(index: number) {
      const spec = parts.layers[index];
      if (!spec) throw new GateError(`${parts.reference} has no layer ${index} (it has ${layers.length})`);
      const what = `layer ${index + 1}/${layers.length} (${shortDigest(spec.info.digest)}) of ${parts.reference}`;
      parts.log?.(`reading ${what}, ${formatBytes(spec.info.size)}`);
      yield* readLayerEntries(spec.plan(what), budget);
    },
    close: parts.close,
  };
  if (parts.indexDigest) source.indexDigest = parts.indexDigest;
  if (platform) source.platform = platform;
  if (parts.repository) source.repository = parts.repository;
  if (parts.registry) source.registry = parts.registry;
  if (parts.tag) source.tag = parts.tag;
  if (parts.annotations) source.annotations = parts.annotations;
  return source;
}

/** For registries and layouts: config and layers come from the manifest, every blob from the source. */
export async function imageFromManifest(
  chosen: ChosenManifest,
  source: BlobSource,
  base: Omit<ImageParts, "digest" | "mediaType" | "configDigest" | "config" | "layers" | "close"> & {
    close?: () => Promise<void>;
  },
): Promise<ImageSource> {
  const manifest = chosen.document;
  const configType = manifest.config.mediaType;
  if (configType !== MEDIA.ociConfig && configType !== MEDIA.dockerConfig) {
    throw new GateError(
      `${base.reference} is not a container image: its config has media type "${configType}"`,
      {
        hint: "point at a container image (artifacts such as Helm charts, signatures or SBOMs are not scanned)",
      },
    );
  }
  if (manifest.layers.length > base.limits.maxLayers) {
    throw new GateError(
      `${base.reference} has ${manifest.layers.length} layers, over the limit of ${base.limits.maxLayers}`,
    );
  }
  const configWhat = `${base.reference} config ${shortDigest(manifest.config.digest)}`;
  const configBytes = await source.readBlob(manifest.config, configWhat, base.limits.maxConfigBytes);
  const config = readConfig(configBytes, configWhat, manifest.layers.length);
  const createdBy = createdByPerLayer(config, manifest.layers.length);
  const layers: LayerSpec[] = manifest.layers.map((descriptor, index) => {
    const info: LayerInfo = {
      index,
      digest: descriptor.digest,
      size: descriptor.size,
      mediaType: descriptor.mediaType,
    };
    const diffId = config.diffIds[index];
    if (diffId) info.diffId = diffId;
    const step = createdBy[index];
    if (step) info.createdBy = step;
    return {
      info,
      plan: (what) => {
        const kind = classifyLayer(descriptor.mediaType);
        if (kind.kind === "foreign") {
          throw new GateError(`${what} is a foreign (non-distributable) layer stored outside the registry`, {
            hint: "foreign layers belong to Windows base images, which this scanner does not read",
          });
        }
        if (kind.kind === "unknown") {
          throw new GateError(`${what} has media type "${descriptor.mediaType}", which is not a tar layer`, {
            hint: "expected an OCI or Docker layer media type (tar, tar+gzip, tar+zstd)",
          });
        }
        return {
          what,
          compression: kind.compression,
          storedDigest: descriptor.digest,
          storedSize: descriptor.size,
          open: () => source.openBlob(descriptor, what),
        };
      },
    };
  });
  return assembleImageSource({
    ...base,
    digest: chosen.digest,
    mediaType: chosen.mediaType,
    ...(chosen.indexDigest ? { indexDigest: chosen.indexDigest } : {}),
    ...(chosen.indexPlatform ? { indexPlatform: chosen.indexPlatform } : {}),
    configDigest: manifest.config.digest,
    config,
    ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    layers,
    close: base.close ?? (() => source.close()),
  });
}
