import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { GateError } from "@mlgate/core";

const CHUNK = 4 * 1024 * 1024;

/** SHA-256 of a file, read in fixed chunks so memory stays flat whatever the file's size. */
export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw new GateError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      location: { file: path },
      cause: e,
    });
  }
  try {
    const hash = createHash("sha256");
    const buffer = Buffer.allocUnsafe(CHUNK);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, bytes);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { sha256: hash.digest("hex"), bytes };
  } finally {
    await handle.close();
  }
}

/**
 * One digest for a set of files: SHA-256 of the sorted `sha256sum`-style listing
 * (`<hex>  <path>\n` per file), so it changes when any file, name or the set itself changes.
 */
export function sha256OfListing(files: readonly { path: string; sha256: string }[]): string {
  const lines = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}
