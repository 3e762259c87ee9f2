import { stat } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { GateError } from "@mlgate/core";
import { contractLimits } from "../limits.js";
import { DiskFiles } from "../load/files.js";
import { checkRef, GitFiles, type GitRepo, gitRepo, repoPath, splitGitSpec } from "./git.js";

/** One side of the comparison, as the user named it: a file in the working tree or `REF:path`. */
export type ContractSide =
  | { kind: "file"; spec: string; path: string; files: DiskFiles; display: string }
  | { kind: "git"; spec: string; ref: string; path: string; repo: GitRepo; files: GitFiles; display: string };

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/**
 * Resolve a side: an existing file wins; otherwise `REF:path` is read from git (the ref must
 * exist here, which a shallow checkout may prevent: the error says how to fetch it).
 */
export async function resolveSide(
  spec: string,
  cwd: string,
  root: string | undefined,
): Promise<ContractSide> {
  const asFile = resolve(cwd, spec);
  const git = splitGitSpec(spec);
  if (!git || (await isFile(asFile))) {
    const rootDir = root ? resolve(cwd, root) : inside(cwd, asFile) ? cwd : dirname(asFile);
    const files = new DiskFiles(rootDir, cwd);
    return { kind: "file", spec, path: asFile, files, display: files.display(asFile) };
  }
  const repo = await gitRepo(cwd);
  await checkRef(cwd, git.ref);
  const path = repoPath(repo, git.path);
  const rootDir = root ? relative(repo.top, resolve(cwd, root)).split(sep).join("/") : "";
  if (rootDir.startsWith("..")) throw new GateError(`root ${root} is outside the repository`);
  const files = new GitFiles(repo, git.ref, rootDir);
  return { kind: "git", spec, ref: git.ref, path, repo, files, display: files.display(path) };
}

/** Whether the side's file exists (a base that does not exist at the ref is a new contract). */
export async function sideExists(side: ContractSide): Promise<boolean> {
  return side.kind === "file" ? isFile(side.path) : side.files.exists(side.path);
}

/** The first bytes of the side's file, to tell what kind of contract it is. */
export async function sideHead(side: ContractSide, bytes = 64 * 1024): Promise<Uint8Array> {
  if (side.kind === "file") {
    const { open } = await import("node:fs/promises");
    const handle = await open(side.path, "r");
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }
  const all = await side.files.read(side.path, contractLimits());
  return all.subarray(0, bytes);
}
