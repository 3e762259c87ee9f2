/** What the first bytes of a file or archive member say it is. */

const starts = (b: Uint8Array, sig: number[], at = 0) =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);

/** An archive or compressed stream inside a member: its contents would escape the scan. */
export function archiveMagic(b: Uint8Array): string | undefined {
  if (starts(b, [0x50, 0x4b, 0x03, 0x04]) || starts(b, [0x50, 0x4b, 0x05, 0x06])) return "a zip archive";
  if (starts(b, [0x1f, 0x8b])) return "a gzip stream";
  if (starts(b, [0x42, 0x5a, 0x68])) return "a bzip2 stream";
  if (starts(b, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return "an xz stream";
  if (starts(b, [0x28, 0xb5, 0x2f, 0xfd])) return "a zstd stream";
  if (starts(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return "a 7z archive";
  if (starts(b, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07])) return "a rar archive";
  if (starts(b, [0x75, 0x73, 0x74, 0x61, 0x72], 257)) return "a tar archive";
  return undefined;
}

export const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export function isHdf5(b: Uint8Array): boolean {
  return starts(b, HDF5_MAGIC);
}

export function isZip(b: Uint8Array): boolean {
  return starts(b, [0x50, 0x4b, 0x03, 0x04]) || starts(b, [0x50, 0x4b, 0x05, 0x06]);
}

/** A pickle of protocol 2 or later announces itself with PROTO. */
export function isBinaryPickle(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x80 && (b[1] as number) >= 2 && (b[1] as number) <= 5;
}

/**
 * Protocol 0 and 1 pickles have no magic: they open with one of the opcodes a pickler starts
 * with. Callers confirm by walking the first opcodes.
 */
const PROTOCOL_0_OPENERS = new Set([..."(c]}).NIJKLMFSTUVXGl"].map((ch) => ch.charCodeAt(0)));

export function mayBeTextPickle(b: Uint8Array): boolean {
  return b.length >= 2 && PROTOCOL_0_OPENERS.has(b[0] as number);
}

export function isJsonObjectStart(b: Uint8Array): boolean {
  const from = starts(b, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  for (let i = from; i < b.length; i++) {
    const c = b[i] as number;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b;
  }
  return false;
}
