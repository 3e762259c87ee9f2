import { open } from "node:fs/promises";
import { extname } from "node:path";
import { DATASET, fsError } from "./errors.js";
import type { DatasetFormat } from "./types.js";

const HEAD_BYTES = 64 * 1024;

/** The extension decides where it is clear; otherwise the first bytes do (an object opens JSON Lines). */
export async function datasetFormat(path: string, given: DatasetFormat | undefined): Promise<DatasetFormat> {
  if (given) return given;
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".csv") return "csv";
  if (ext === ".tsv" || ext === ".tab") return "tsv";
  const head = await readHead(path);
  if (head.trimStart().startsWith("{")) return "jsonl";
  const header = head.split("\n", 1)[0] ?? "";
  return header.split("\t").length > header.split(",").length ? "tsv" : "csv";
}

async function readHead(path: string): Promise<string> {
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
      return buffer.subarray(0, bytesRead).toString("utf8");
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw fsError(e, path, DATASET);
  }
}
