import { open } from "node:fs/promises";

/** Random access to the bytes of a file (or of a buffer, for tests), without loading it whole. */
export interface ByteSource {
  /** What to call it in messages: the file's path. */
  readonly name: string;
  readonly size: number;
  /** Up to `length` bytes from `offset`; fewer only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Fill `target` from `offset`; returns how many bytes were read. */
  readInto(target: Uint8Array, offset: number): Promise<number>;
  close(): Promise<void>;
}

export function memorySource(bytes: Uint8Array, name = "<memory>"): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    read: async (offset, length) => bytes.slice(offset, Math.min(bytes.byteLength, offset + length)),
    readInto: async (target, offset) => {
      const part = bytes.subarray(offset, Math.min(bytes.byteLength, offset + target.byteLength));
      target.set(part);
      return part.byteLength;
    },
    close: async () => {},
  };
}

/** Opens the file once; the size comes from fstat of that same handle, so it cannot change under us. */
export async function fileSource(path: string): Promise<ByteSource> {
  const handle = await open(path, "r");
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw Object.assign(new Error("not a regular file"), { code: "ENOTFILE" });
    const readInto = async (target: Uint8Array, offset: number): Promise<number> => {
      let done = 0;
      while (done < target.byteLength) {
        const { bytesRead } = await handle.read(target, done, target.byteLength - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done;
    };
    return {
      name: path,
      size: info.size,
      readInto,
      read: async (offset, length) => {
        const target = new Uint8Array(Math.max(0, Math.min(length, info.size - offset)));
        const got = await readInto(target, offset);
        return target.subarray(0, got);
      },
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
