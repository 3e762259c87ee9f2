import { posix } from "node:path";
import { GateError } from "@mlgate/core";
import type { ContractLimits } from "../limits.js";
import type { ContractFiles } from "../load/files.js";
import { tooLarge } from "../load/files.js";

const GIT_TIMEOUT_MS = 30_000;

interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Run git in `cwd`; never throws for a non-zero exit, only when git cannot run at all. */
export async function git(cwd: string, args: string[], maxBytes = 16 * 1024 * 1024): Promise<GitResult> {
  // Loaded on first use: most runs compare files and never start a process.
  const { execFile } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { cwd, encoding: "buffer", maxBuffer: maxBytes, timeout: GIT_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
        if (err && err.code === "ENOENT") {
          reject(
            new GateError("git is not installed, so a git ref cannot be read", {
              hint: "install git, or pass files instead of REF:path",
            }),
          );
          return;
        }
        if (err && err.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") {
          resolve({ code: -2, stdout: Buffer.alloc(0), stderr: "too large" });
          return;
        }
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout: stdout as Buffer, stderr: (stderr as Buffer).toString("utf8") });
      },
    );
  });
}

/** `origin/main:api/openapi.yaml` → ref and path; undefined when the text is not of that form. */
export function splitGitSpec(spec: string): { ref: string; path: string } | undefined {
  // A Windows drive (C:\...) is a path, not a ref.
  if (/^[A-Za-z]:[\\/]/.test(spec)) return undefined;
  const colon = spec.indexOf(":");
  if (colon <= 0 || colon === spec.length - 1) return undefined;
  return { ref: spec.slice(0, colon), path: spec.slice(colon + 1) };
}

export interface GitRepo {
  /** Absolute path of the work tree's top. */
  top: string;
  /** Where `cwd` sits inside it, `/`-terminated (`""` at the top). */
  prefix: string;
}

export async function gitRepo(cwd: string): Promise<GitRepo> {
  const top = await git(cwd, ["rev-parse", "--show-toplevel"]);
  if (top.code !== 0) {
    throw new GateError(`${cwd} is not inside a git repository, so a git ref cannot be read`, {
      hint: "run from the repository's checkout, or pass files instead of REF:path",
    });
  }
  const prefix = await git(cwd, ["rev-parse", "--show-prefix"]);
  return { top: top.stdout.toString("utf8").trim(), prefix: prefix.stdout.toString("utf8").trim() };
}

/** Make sure the ref names a commit here; a shallow clone gets told how to fetch more history. */
export async function checkRef(cwd: string, ref: string): Promise<void> {
  if (ref.startsWith("-")) throw new GateError(`"${ref}" is not a git ref`);
  const found = await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (found.code === 0) return;
  const shallow = await git(cwd, ["rev-parse", "--is-shallow-repository"]);
  if (shallow.stdout.toString("utf8").trim() === "true") {
    throw new GateError(
      `git ref ${ref} is not in this clone: the checkout is shallow and its history does not reach it`,
      {
        hint: "check out with full history (actions/checkout with `fetch-depth: 0`), or fetch it: `git fetch --deepen=100 origin` or `git fetch origin <branch>`",
      },
    );
  }
  throw new GateError(`unknown git ref ${ref}`, {
    hint: "fetch it first (`git fetch origin <branch>`); in a pull request workflow the base is origin/ followed by the base branch (github.base_ref)",
  });
}

/** The path inside the repository that `REF:path` names: repo-relative, or relative to cwd with `./`. */
export function repoPath(repo: GitRepo, path: string): string {
  const relativeToCwd = path.startsWith("./") || path.startsWith("../");
  const joined = posix.normalize(relativeToCwd ? posix.join(repo.prefix, path) : path);
  if (joined === ".." || joined.startsWith("../") || posix.isAbsolute(joined)) {
    throw new GateError(`${path} is outside the repository`);
  }
  return joined;
}

/** Files as they are at a git revision; identifiers are repository-relative paths. */
export class GitFiles implements ContractFiles {
  constructor(
    private readonly repo: GitRepo,
    readonly ref: string,
    /** Repository-relative directory references must stay in (`""` for the whole repository). */
    private readonly rootDir: string,
  ) {}

  display(id: string): string {
    return `${this.ref}:${id}`;
  }

  relativeName(id: string, rootId: string): string {
    return posix.relative(posix.dirname(rootId), id);
  }

  resolve(fromId: string, relativePath: string): string {
    let decoded = relativePath;
    try {
      decoded = decodeURIComponent(relativePath);
    } catch {
      // Left as written; the read fails with the name.
    }
    const target = posix.normalize(posix.join(posix.dirname(fromId), decoded));
    const rel = this.rootDir ? posix.relative(this.rootDir, target) : target;
    if (rel === ".." || rel.startsWith("../") || posix.isAbsolute(target) || target.startsWith("../")) {
      throw new GateError(
        `$ref "${relativePath}" in ${this.display(fromId)} points outside the contract root`,
        {
          hint: "keep referenced files under the root directory, or widen it with the `root` option",
        },
      );
    }
    return target;
  }

  async exists(id: string): Promise<boolean> {
    return (await git(this.repo.top, ["cat-file", "-e", `${this.ref}:${id}`])).code === 0;
  }

  read(id: string, limits: ContractLimits): Promise<Uint8Array> {
    return this.readCapped(id, limits.maxFileBytes);
  }

  /** The file's bytes at the revision, refused unread when over `maxBytes`. */
  async readCapped(id: string, maxBytes: number): Promise<Uint8Array> {
    const size = await git(this.repo.top, ["cat-file", "-s", `${this.ref}:${id}`]);
    if (size.code !== 0) {
      throw new GateError(`${this.display(id)} does not exist`, { location: { file: this.display(id) } });
    }
    const bytes = Number(size.stdout.toString("utf8").trim());
    if (bytes > maxBytes) throw tooLarge(this.display(id), bytes, maxBytes);
    const blob = await git(this.repo.top, ["cat-file", "blob", `${this.ref}:${id}`], maxBytes + 1);
    if (blob.code !== 0) throw new GateError(`cannot read ${this.display(id)}: ${blob.stderr.trim()}`);
    return blob.stdout;
  }
}
