import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { type Finding, GateError } from "@mlgate/core";
import { sha256File } from "./hash.js";
import type { FileHasher } from "./hash-worker.js";

export interface ArtifactFile {
  /** Relative to the artifact root, with `/` separators. */
  path: string;
  absolute: string;
  bytes: number;
  sha256?: string;
}

export interface WalkLimits {
  /** Most files in an artifact directory. */
  maxFiles: number;
  /** Deepest directory nesting. */
  maxDepth: number;
}

export const DEFAULT_WALK_LIMITS: Readonly<WalkLimits> = Object.freeze({ maxFiles: 100_000, maxDepth: 32 });

export function toArtifactPath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join("/");
}

/**
 * Every regular file under `root`, found without following links: a symbolic link or a special
 * file inside an artifact is a finding (it could point anywhere once deployed), never followed.
 */
export async function walkArtifact(
  root: string,
  limits: WalkLimits = DEFAULT_WALK_LIMITS,
): Promise<{ files: ArtifactFile[]; findings: Finding[] }> {
  const files: ArtifactFile[] = [];
  const findings: Finding[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth) {
      throw new GateError(
        `${dir} is nested more than ${limits.maxDepth} directories deep inside the artifact`,
        {
          location: { file: dir },
        },
      );
    }
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = join(dir, entry.name);
      const path = toArtifactPath(root, absolute);
      if (entry.isSymbolicLink()) {
        findings.push({
          rule: "artifact.symlink",
          level: "fail",
          message: `${path} is a symbolic link; an artifact must hold its files, not links that could point anywhere`,
          file: absolute,
        });
      } else if (entry.isDirectory()) {
        await visit(absolute, depth + 1);
      } else if (entry.isFile()) {
        if (files.length >= limits.maxFiles) {
          throw new GateError(`the artifact directory ${root} holds more than ${limits.maxFiles} files`, {
            hint: "point the gate at the model's own directory",
          });
        }
        files.push({ path, absolute, bytes: (await lstat(absolute)).size });
      } else {
        findings.push({
          rule: "artifact.special-file",
          level: "fail",
          message: `${path} is not a regular file (a device, socket or pipe)`,
          file: absolute,
        });
      }
    }
  };
  await visit(root, 1);
  return { files, findings };
}

/** Hash each file (streamed), filling in `sha256`; through `hasher` when given, so work is shared. */
export async function hashArtifactFiles(files: ArtifactFile[], hasher?: FileHasher): Promise<ArtifactFile[]> {
  for (const f of files) {
    if (f.sha256 !== undefined) continue;
    const { sha256, bytes } = await (hasher ? hasher.hash(f.absolute) : sha256File(f.absolute));
    f.sha256 = sha256;
    f.bytes = bytes;
  }
  return files;
}
