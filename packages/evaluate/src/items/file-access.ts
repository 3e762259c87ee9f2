import { open, stat } from "node:fs/promises";
import { GateError } from "@mlgate/core";
import { limitError } from "./limits.js";
import type { ItemLimits } from "./types.js";

export const ROLE = "items file";

/** fs failures become GateErrors naming the file; anything else passes through untouched. */
export function fileError(e: unknown, path: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return e;
  return new GateError(
    code === "ENOENT" ? `${ROLE} not found: ${path}` : `cannot read ${ROLE} ${path}: ${code}`,
    {
      ...(code === "ENOENT"
        ? { hint: "check the path (relative paths start at the working directory)" }
        : {}),
      cause: e,
    },
  );
}

/** Refuse a missing, special or oversized file before reading any of it. */
export async function checkFile(path: string, limits: ItemLimits): Promise<number> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new GateError(`${ROLE} ${path} is not a regular file`);
    size = info.size;
  } catch (e) {
    throw fileError(e, path);
  }
  if (size > limits.maxBytes) {
    throw limitError(`${ROLE} is ${size} bytes`, "maxBytes", limits, { file: path });
  }
  return size;
}

/** The first bytes of a file, to tell its format. */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw fileError(e, path);
  }
}
