import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { checkFile, ROLE } from "./file-access.js";
import type { ItemLimits } from "./types.js";

/**
 * Whole-document formats (promptfoo, MLflow) are parsed at once, and a JavaScript string holds at
 * most about 512 MiB; past that the tools' own JSON Lines or CSV exports are the way in.
 */
export const MAX_DOCUMENT_BYTES = 512 * 1024 ** 2;

export async function readJsonDocument(path: string, limits: ItemLimits): Promise<unknown> {
  const size = await checkFile(path, limits);
  if (size > MAX_DOCUMENT_BYTES) {
    throw new GateError(`${ROLE} is ${size} bytes, too large to read as one JSON document`, {
      location: { file: path },
      hint: `JSON documents are read whole, up to ${MAX_DOCUMENT_BYTES} bytes; export the items as JSON Lines or CSV instead`,
    });
  }
  const text = await readTextFile(path, ROLE, { maxBytes: Math.min(limits.maxBytes, MAX_DOCUMENT_BYTES) });
  return parseJsonText(text, path, ROLE);
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
