import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import { DEFAULT_MAX_DOWNLOAD_BYTES } from "./download.js";
import type { BaselineLimits, FetchedBaseline } from "./types.js";
import { DEFAULT_ZIP_LIMITS, extractZip, safeParts } from "./zip.js";

export const DEFAULT_BASELINE_LIMITS: Readonly<BaselineLimits> = {
  ...DEFAULT_ZIP_LIMITS,
  maxDownloadBytes: DEFAULT_MAX_DOWNLOAD_BYTES,
};

/** A fresh directory under the runner's temporary directory, unless the caller chose one. */
async function targetDir(given: string | undefined): Promise<{ dir: string; created: boolean }> {
  if (given) return { dir: given, created: false };
  const dir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), "mlgate-baseline-"));
  return { dir, created: true };
}

/** Fill the target directory; a directory made here is removed again when filling it fails. */
async function fill(
  given: string | undefined,
  write: (dir: string) => Promise<string[]>,
): Promise<FetchedBaseline> {
  const { dir, created } = await targetDir(given);
  try {
    return { dir, files: await write(dir) };
  } catch (e) {
    if (created) await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Unpack an archive with limits. */
export function unpackZip(
  zip: Uint8Array,
  given: string | undefined,
  limits: Partial<BaselineLimits>,
  what: string,
): Promise<FetchedBaseline> {
  return fill(given, async (dir) => extractZip(zip, dir, limits, what).map((f) => f.path));
}

/** Keep single files (a release asset that is not an archive, and its companions) under their own names. */
export function saveFiles(
  files: readonly { name: string; bytes: Uint8Array }[],
  given: string | undefined,
  what: string,
): Promise<FetchedBaseline> {
  return fill(given, async (dir) => {
    const names: string[] = [];
    for (const file of files) {
      const parts = safeParts(file.name, what);
      if (parts.length !== 1) throw new GateError(`${what}: "${file.name}" is not a plain file name`);
      await writeFile(join(dir, parts[0] as string), file.bytes, { flag: "wx" });
      names.push(parts[0] as string);
    }
    return names;
  });
}
