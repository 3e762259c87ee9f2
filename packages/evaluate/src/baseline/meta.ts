import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { z } from "zod";

/** The metadata file saved beside a baseline's results, and looked for beside a baseline file. */
export const BASELINE_META_FILE = "mlgate-baseline.json";

/** It holds a few hashes and names; anything bigger is not one. */
const MAX_META_BYTES = 64 * 1024;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in hex (64 characters)");
/** A file beside the metadata: a plain name, never a path. */
const siblingName = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (n) => !/[/\\]/.test(n) && n !== "." && n !== ".." && !n.includes("\0"),
    "a file name without a directory",
  );

/**
 * What a saved baseline says about itself, so a later run can tell whether it is comparable: the
 * eval set and configuration it was measured with, when, and on which commit. Unknown keys are kept
 * for newer versions of the format.
 */
export const baselineMetaSchema = z.looseObject({
  schema: z.literal(1),
  gate: z.string().optional(),
  tool: z.looseObject({ name: z.string(), version: z.string() }).optional(),
  createdAt: z.iso.datetime({ offset: true }),
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/i, "a commit SHA")
    .optional(),
  ref: z.string().max(500).optional(),
  /** The per-item results (or metrics) file, beside this one. */
  results: siblingName,
  /** The behavioural test results, beside this one. */
  behavioural: siblingName.optional(),
  /** Fingerprint of the eval set's ids and labels (per-item results only). */
  evalSetSha256: sha256.optional(),
  /** Fingerprint of the evaluation configuration. */
  configSha256: sha256.optional(),
});

export type BaselineMeta = z.output<typeof baselineMetaSchema>;

/** Read and validate a baseline's metadata file; every problem names the file and the key. */
export async function readBaselineMeta(path: string): Promise<BaselineMeta> {
  const text = await readTextFile(path, "baseline metadata", { maxBytes: MAX_META_BYTES });
  const parsed = baselineMetaSchema.safeParse(parseJsonText(text, path, "baseline metadata"));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(top level)"}: ${i.message}`);
  throw new GateError(`baseline metadata ${path} is not valid: ${problems.join("; ")}`, {
    location: { file: path },
    hint: `${BASELINE_META_FILE} is written by eval-gate's save-baseline (--write-baseline); write it again rather than by hand`,
  });
}

/** `mlgate-baseline.json` in the same directory as a baseline file, when there is one. */
export function metaBeside(baselineFile: string): string | undefined {
  const candidate = join(dirname(baselineFile), BASELINE_META_FILE);
  return existsSync(candidate) ? candidate : undefined;
}
