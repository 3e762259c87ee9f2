import { lstat } from "node:fs/promises";
import { join } from "node:path";
import type { Finding } from "@mlgate/core";
import { type ArtifactFile, hashArtifactFiles } from "../artifact-files.js";
import type { FileHasher } from "../hash-worker.js";
import { checkFrom, type Outcome } from "../outcome.js";

export interface FileCheckInput {
  /** The artifact root that manifest paths are relative to. */
  root: string;
  declared: readonly { path: string; sha256: string }[];
  /** Files known to be part of the artifact (the whole directory, or the model and its data). */
  present: ArtifactFile[];
  /** The manifest's own file, never listed in itself. */
  manifestFile?: string;
  /** Shares hashing with the rest of the gate (and runs it off the main thread). */
  hasher?: FileHasher;
}

/**
 * Every declared file must exist with its declared SHA-256, and every present file must be declared.
 * Returns the outcome and the present files, hashed (declared files found on disk are added).
 */
export async function checkManifestFiles(
  input: FileCheckInput,
): Promise<{ outcome: Outcome; files: ArtifactFile[] }> {
  const findings: Finding[] = [];
  const byPath = new Map(input.present.map((f) => [f.path, f]));
  for (const d of input.declared) {
    if (byPath.has(d.path)) continue;
    const absolute = join(input.root, ...d.path.split("/"));
    const info = await lstat(absolute).catch(() => undefined);
    if (info?.isFile()) byPath.set(d.path, { path: d.path, absolute, bytes: info.size });
    else {
      findings.push({
        rule: "manifest.file-missing",
        level: "fail",
        message: info
          ? `${d.path} is listed in the manifest but is not a regular file`
          : `${d.path} is listed in the manifest but missing from the artifact`,
        ...(input.manifestFile ? { file: input.manifestFile } : {}),
      });
    }
  }
  const files = await hashArtifactFiles(
    [...byPath.values()].filter((f) => f.absolute !== input.manifestFile),
  );
  const declared = new Map(input.declared.map((d) => [d.path, d.sha256.toLowerCase()]));
  for (const f of files) {
    const want = declared.get(f.path);
    if (want === undefined) {
      findings.push({
        rule: "manifest.file-extra",
        level: "fail",
        message: `${f.path} is part of the artifact but not listed in the manifest's files`,
        file: f.absolute,
      });
    } else if (want !== f.sha256) {
      findings.push({
        rule: "manifest.hash-mismatch",
        level: "fail",
        message: `${f.path} has SHA-256 ${f.sha256}, the manifest says ${want}`,
        file: f.absolute,
        properties: { expected: want, actual: f.sha256 },
      });
    }
  }
  const check = checkFrom("files match the manifest", findings, {
    actual: `${files.length} file(s)`,
    expected: `${input.declared.length} declared`,
  });
  return { outcome: { checks: [check], findings, metrics: {} }, files };
}
