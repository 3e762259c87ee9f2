/** Media types of the OCI image spec and Docker's image manifest v2 schema 2. */
export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  dockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

/** What the registry is asked for, in order of preference. */
export const MANIFEST_ACCEPT = [
  MEDIA.ociIndex,
  MEDIA.ociManifest,
  MEDIA.dockerList,
  MEDIA.dockerManifest,
  MEDIA.dockerSchema1Signed,
  MEDIA.dockerSchema1,
];

export type Compression = "gzip" | "zstd" | "none";

export type LayerKind =
  | { kind: "layer"; compression: Compression }
  | { kind: "foreign" }
  | { kind: "unknown" };

/** How a layer blob is stored, from its media type. */
export function classifyLayer(mediaType: string): LayerKind {
  switch (mediaType) {
    case "application/vnd.oci.image.layer.v1.tar":
    case "application/vnd.docker.image.rootfs.diff.tar":
    case "application/vnd.oci.image.layer.nondistributable.v1.tar":
      return { kind: "layer", compression: "none" };
    case "application/vnd.oci.image.layer.v1.tar+gzip":
    case "application/vnd.docker.image.rootfs.diff.tar.gzip":
    case "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip":
      return { kind: "layer", compression: "gzip" };
    case "application/vnd.oci.image.layer.v1.tar+zstd":
    case "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd":
    case "application/vnd.docker.image.rootfs.diff.tar.zstd":
      return { kind: "layer", compression: "zstd" };
    case "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip":
      return { kind: "foreign" };
    default:
      return { kind: "unknown" };
  }
}

/** Compression from the first bytes of a blob, for archives whose layers carry no media type. */
export function sniffCompression(head: Uint8Array): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}
