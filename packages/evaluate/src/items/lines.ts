import { type LineChunk, readTextLines } from "../text-lines.js";
import { checkFile, fileError, ROLE } from "./file-access.js";
import type { ItemLimits } from "./types.js";

export type LineBatch = LineChunk;

/** The items file as batches of lines, after checking it is a regular file within the size limit. */
export async function* readLineBatches(path: string, limits: ItemLimits): AsyncGenerator<LineBatch> {
  await checkFile(path, limits);
  yield* readTextLines(path, {
    role: ROLE,
    remedy: "split or sample the file",
    maxBytes: limits.maxBytes,
    maxLineBytes: limits.maxLineBytes,
    fsError: (e) => fileError(e, path),
  });
}
