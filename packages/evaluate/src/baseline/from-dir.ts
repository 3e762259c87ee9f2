import { join } from "node:path";
import { GateError } from "@mlgate/core";
import { BASELINE_META_FILE, type BaselineMeta, readBaselineMeta } from "./meta.js";

/** The files of a fetched baseline directory, found through its metadata. */
export interface BaselineFiles {
  results: string;
  behavioural?: string;
  meta?: BaselineMeta;
  metaFile?: string;
}

/**
 * Pick the results out of a fetched baseline (an unpacked artifact or release asset): the file its
 * `mlgate-baseline.json` names, or else the only file there is.
 */
export async function baselineFilesIn(
  dir: string,
  files: readonly string[],
  what: string,
): Promise<BaselineFiles> {
  if (files.includes(BASELINE_META_FILE)) {
    const metaFile = join(dir, BASELINE_META_FILE);
    const meta = await readBaselineMeta(metaFile);
    for (const name of [meta.results, meta.behavioural]) {
      if (name !== undefined && !files.includes(name)) {
        throw new GateError(`${what}: ${BASELINE_META_FILE} names "${name}", which is not in it`, {
          hint: `files present: ${files.join(", ")}`,
        });
      }
    }
    return {
      results: join(dir, meta.results),
      ...(meta.behavioural ? { behavioural: join(dir, meta.behavioural) } : {}),
      meta,
      metaFile,
    };
  }
  if (files.length === 1) return { results: join(dir, files[0] as string) };
  throw new GateError(
    `${what} has ${files.length === 0 ? "no files" : `${files.length} files and no ${BASELINE_META_FILE}`}, so its results file is unknown`,
    {
      hint: "save baselines with eval-gate's save-baseline input, which writes the results and mlgate-baseline.json",
    },
  );
}
