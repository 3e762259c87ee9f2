import { readSync } from "node:fs";

/**
 * Random-access bytes: a file region or an in-memory buffer. Reads are synchronous so the
 * opcode loop never awaits; a file is read through a window, never loaded whole.
 */
export interface ByteSource {
  /** Number of bytes in the source. */
  readonly size: number;
  /** Copy up to `length` bytes starting at `offset` into `target`; returns how many were copied. */
  readInto(offset: number, target: Uint8Array, length: number): number;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    readInto(offset, target, length) {
      const n = Math.max(0, Math.min(length, bytes.length - offset));
      target.set(bytes.subarray(offset, offset + n), 0);
      return n;
    },
  };
}

/** A region [start, start+size) of an open file descriptor. */
export function fileSource(fd: number, start: number, size: number): ByteSource {
  return {
    size,
    readInto(offset, target, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      let done = 0;
      while (done < n) {
        const got = readSync(fd, target, done, n - done, start + offset + done);
        if (got === 0) break;
        done += got;
      }
      return done;
    },
  };
}

/** Read exactly [offset, offset+length) of a source into a new buffer (short when the source ends). */
export function readRange(source: ByteSource, offset: number, length: number): Uint8Array {
  const n = Math.max(0, Math.min(length, source.size - offset));
  const out = new Uint8Array(n);
  const got = n > 0 ? source.readInto(offset, out, n) : 0;
  return got === n ? out : out.subarray(0, got);
}
