import { createHash, type Hash } from "node:crypto";
import { stat } from "node:fs/promises";
import { GateError } from "@mlgate/core";
import { type LineChunk, readTextLines } from "../text-lines.js";
import { DATASET, fsError } from "./errors.js";
import { datasetLimitError } from "./limits.js";
import type { DatasetLimits } from "./types.js";

export type { LineChunk };

/** Size of a regular file, refused when missing, special or over the limit, before reading any of it. */
export async function datasetSize(path: string, limits: DatasetLimits): Promise<number> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new GateError(`${DATASET} ${path} is not a regular file`, { location: { file: path } });
    size = info.size;
  } catch (e) {
    throw fsError(e, path, DATASET);
  }
  if (size > limits.maxBytes) throw datasetLimitError(`is ${size} bytes`, "maxBytes", limits, { file: path });
  return size;
}

/** The dataset as chunks of whole lines, hashed on the way (the report names the dataset by digest). */
export function readDatasetLines(
  path: string,
  limits: DatasetLimits,
  hash: Hash = createHash("sha256"),
): AsyncGenerator<LineChunk> {
  return readTextLines(path, {
    role: DATASET,
    remedy: "split or sample the dataset",
    maxBytes: limits.maxBytes,
    maxLineBytes: limits.maxLineBytes,
    fsError: (e) => fsError(e, path, DATASET),
    hash,
  });
}
