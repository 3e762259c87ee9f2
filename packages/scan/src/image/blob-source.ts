import type { Readable } from "node:stream";

/** A blob named by digest (and, where known, its size). */
export interface BlobRef {
  digest: string;
  size?: number;
}

/** Where an image's blobs are read from: a registry, a layout directory, an archive tarball. */
export interface BlobSource {
  /** For messages: `OCI layout /tmp/x`, `registry registry:5000`. */
  readonly description: string;
  /** Read a small blob (manifest, config) whole; its digest and size are checked. */
  readBlob(blob: BlobRef, what: string, maxBytes: number): Promise<Buffer>;
  /** Open a blob's stored bytes as a stream; the caller checks the digest as it reads. */
  openBlob(blob: BlobRef, what: string): Promise<Readable>;
  close(): Promise<void>;
}
