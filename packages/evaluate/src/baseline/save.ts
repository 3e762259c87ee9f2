import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { GateError, TOOL } from "@mlgate/core";
import { BASELINE_META_FILE, type BaselineMeta } from "./meta.js";

export interface SaveBaselineInput {
  /** Directory to save into (created when missing), ready for actions/upload-artifact. */
  dir: string;
  /** The results just judged: they become the baseline of later runs. */
  results: string;
  behavioural?: string;
  evalSetSha256?: string;
  configSha256: string;
  commit?: string;
  ref?: string;
  now?: Date;
}

export interface SavedBaseline {
  dir: string;
  /** Names of the files written into `dir`. */
  files: string[];
  meta: BaselineMeta;
}

/**
 * Save a run's results as a baseline: the results file (and the behavioural results) copied into a
 * directory, beside `mlgate-baseline.json` saying what they were measured on. Upload the directory as
 * an artifact on the base branch, or attach it to a release, and later runs compare against it.
 */
export async function saveBaseline(input: SaveBaselineInput): Promise<SavedBaseline> {
  try {
    await mkdir(input.dir, { recursive: true });
  } catch (e) {
    throw new GateError(
      `cannot create the baseline directory ${input.dir}: ${(e as NodeJS.ErrnoException).code}`,
      {
        cause: e,
      },
    );
  }
  const results = fileName(basename(input.results), []);
  const behavioural = input.behavioural ? fileName(basename(input.behavioural), [results]) : undefined;
  const meta: BaselineMeta = {
    schema: 1,
    gate: "eval-gate",
    tool: { ...TOOL },
    createdAt: (input.now ?? new Date()).toISOString(),
    ...(input.commit ? { commit: input.commit } : {}),
    ...(input.ref ? { ref: input.ref } : {}),
    results,
    ...(behavioural ? { behavioural } : {}),
    ...(input.evalSetSha256 ? { evalSetSha256: input.evalSetSha256 } : {}),
    configSha256: input.configSha256,
  };
  await copy(input.results, join(input.dir, results));
  if (input.behavioural && behavioural) await copy(input.behavioural, join(input.dir, behavioural));
  await writeFile(join(input.dir, BASELINE_META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  return {
    dir: input.dir,
    files: [results, ...(behavioural ? [behavioural] : []), BASELINE_META_FILE],
    meta,
  };
}

/** The file's own name, unless it would clash with the metadata file or a file already taken. */
function fileName(name: string, taken: readonly string[]): string {
  let chosen = name;
  for (let i = 2; chosen === BASELINE_META_FILE || taken.includes(chosen); i++) chosen = `${i}-${name}`;
  return chosen;
}

async function copy(from: string, to: string): Promise<void> {
  try {
    await copyFile(from, to);
  } catch (e) {
    throw new GateError(`cannot copy ${from} into the baseline: ${(e as NodeJS.ErrnoException).code}`, {
      cause: e,
    });
  }
}
