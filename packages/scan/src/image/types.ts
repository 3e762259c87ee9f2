/** Credentials for a registry: basic (username + password, also ECR's `AWS` + token) or a ready bearer token. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer <token>` without a token exchange. */
  token?: string;
}

/** Bounds on everything read from an image; every one ends in a GateError naming what went over. */
export interface ImageLimits {
  /** Bytes of one manifest or index document. */
  maxManifestBytes: number;
  /** Bytes of the image config document. */
  maxConfigBytes: number;
  /** Layers in one image. */
  maxLayers: number;
  /** Stored (usually compressed) bytes of one layer. */
  maxLayerBytes: number;
  /** Uncompressed bytes of one layer. */
  maxLayerUncompressedBytes: number;
  /** Uncompressed bytes read from all layers of the image together. */
  maxImageUncompressedBytes: number;
  /** Tar entries in one layer. */
  maxEntriesPerLayer: number;
  /** Declared size of one tar entry. */
  maxEntryBytes: number;
  /** Characters in one entry path or link target. */
  maxPathLength: number;
  /** Entries in a `docker save` / OCI archive tarball. */
  maxArchiveEntries: number;
  /** Bytes of a gzip-compressed archive tarball once decompressed (it is unpacked to a temporary file). */
  maxArchiveBytes: number;
  /** HTTP redirects followed for one request. */
  maxRedirects: number;
  /** Milliseconds to wait for a registry's response headers, and between body chunks. */
  requestTimeoutMs: number;
}

export interface OpenImageOptions {
  auth?: RegistryAuth;
  /** Talk plain HTTP to the registry (a local registry without TLS). */
  insecureHttp?: boolean;
  /** `os/arch[/variant]` to pick from a multi-platform index; default `linux/amd64`. */
  platform?: string;
  limits?: Partial<ImageLimits>;
  /** Progress lines (never credentials). */
  log?: (line: string) => void;
}

export type ImageSourceKind = "registry" | "oci-layout" | "oci-archive" | "docker-archive";

/** One step of the image's build history, as the config records it. */
export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  comment?: string;
  author?: string;
  /** The step changed metadata only and produced no layer. */
  emptyLayer?: boolean;
}

export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  history?: HistoryEntry[];
  labels?: Record<string, string>;
  env?: string[];
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  workingDir?: string;
  /** Digests of the uncompressed layer tars, bottom first. */
  diffIds: string[];
}

export interface LayerInfo {
  index: number;
  /** Digest of the stored blob (compressed, as the manifest names it); a docker-save archive gives the diff id. */
  digest: string;
  /** Stored bytes. */
  size: number;
  mediaType: string;
  /** Digest of the uncompressed tar, from the config. */
  diffId?: string;
  /** The build step that made the layer (from the config history). */
  createdBy?: string;
}

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

/** One entry of a layer, its path already checked: relative to the image root, no `..`, no leading `/`. */
export interface TarEntry {
  path: string;
  type: TarEntryType;
  /** Declared size of the content (0 for everything but files). */
  size: number;
  mode: number;
  /** Symlink: the target as written. Hard link: the checked path of the entry it links to. */
  linkTarget?: string;
  /** The file's bytes in order. Stopping early is safe: the rest is skipped before the next entry. */
  content(): AsyncIterable<Buffer>;
}

/** An image opened for reading: manifest and config resolved, layers readable one at a time. */
export interface ImageSource {
  /** What was opened, normalized: `registry:5000/team/model-server:1.2`, `oci:/dir:tag`, `docker-archive:/x.tar`. */
  reference: string;
  kind: ImageSourceKind;
  /** Digest of the image manifest; a docker-save archive has no manifest and gives the config digest (image id). */
  digest: string;
  /** Media type of the image manifest. */
  mediaType: string;
  /** Digest of the multi-platform index the manifest was picked from. */
  indexDigest?: string;
  /** `os/arch[/variant]` of the image, from the config (or the index entry). */
  platform?: string;
  /** Repository name without registry (`team/model-server`), when the source names one. */
  repository?: string;
  /** Registry host (`registry:5000`), for registry references. */
  registry?: string;
  tag?: string;
  configDigest: string;
  config: ImageConfig;
  /** Manifest annotations (`org.opencontainers.image.base.name` and friends). */
  annotations?: Record<string, string>;
  layers: LayerInfo[];
  /** Stream a layer's entries, bottom layer is 0. The blob digest is checked when the stream ends. */
  readLayer(index: number): AsyncIterable<TarEntry>;
  /** Release files, temporary copies and connections. */
  close(): Promise<void>;
}
