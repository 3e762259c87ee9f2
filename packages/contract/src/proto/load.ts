import { open, readdir, realpath, stat } from "node:fs/promises";
import { posix, relative, resolve, sep } from "node:path";
import { GateError, type SourceLocation } from "@mlgate/core";
import { bundledDefinitions } from "./bundled.js";
import { type ProtoLimits, resolveProtoLimits } from "./limits.js";
import { scanProtoFile } from "./scan.js";
import { normalizeImportPath, type ProtoFile, type ProtoSource } from "./source.js";

/** Reads a file by its path relative to the import root; `undefined` when it does not exist. */
export type ProtoFileReader = (path: string) => Promise<string | undefined>;

export interface LoadProtoOptions {
  /** The directory imports are relative to. Default: the given directory, or the given file's directory. */
  root?: string;
  limits?: Partial<ProtoLimits>;
  /**
   * Read files from somewhere else than the filesystem (a git revision, say). With a reader,
   * `pathOrDir` must name a file relative to `root`.
   */
  read?: ProtoFileReader;
}

const SKIP_DIRS = new Set(["node_modules", ".git"]);

function toPosix(path: string): string {
  return path.split(sep).join("/");
}

/** A filesystem reader confined to `root`: symbolic links that lead outside are refused. */
function fsReader(root: string, limits: ProtoLimits): ProtoFileReader {
  let realRoot: Promise<string> | undefined;
  return async (path) => {
    const full = resolve(root, path);
    let real: string;
    try {
      real = await realpath(full);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new GateError(`cannot read ${full}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        cause: e,
      });
    }
    realRoot ??= realpath(root);
    const inside = relative(await realRoot, real);
    if (inside.startsWith("..") || resolve(await realRoot, inside) !== real) {
      throw new GateError(`${full} leads outside the import root ${root}`, {
        location: { file: full },
        hint: "a symbolic link points out of the import root; copy the file in or widen the root",
      });
    }
    return readCapped(full, limits.maxFileBytes);
  };
}

async function readCapped(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, "r").catch((e: NodeJS.ErrnoException) => {
    throw new GateError(`cannot read ${path}: ${e.code ?? String(e)}`, { cause: e });
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new GateError(`${path} is not a regular file`, { location: { file: path } });
    if (info.size > maxBytes) {
      throw new GateError(
        `${path} is ${info.size} bytes, over the limit of ${maxBytes} bytes for a .proto file`,
        {
          location: { file: path },
        },
      );
    }
    // One byte more than the size: a file that grows while being read is noticed, not truncated.
    const buffer = Buffer.alloc(info.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length !== info.size)
      throw new GateError(`${path} changed while it was read`, { location: { file: path } });
    const text = new TextDecoder("utf-8", { fatal: false }).decode(buffer.subarray(0, length));
    if (text.includes("\uFFFD") || text.includes("\0")) {
      throw new GateError(`${path} is not UTF-8 text`, { location: { file: path } });
    }
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    await handle.close();
  }
}

/** Every .proto file under `dir` (breadth-first, bounded), as paths relative to `root`. */
async function listProtoFiles(dir: string, root: string, limits: ProtoLimits): Promise<string[]> {
  const out: string[] = [];
  const queue = [dir];
  let visited = 0;
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (++visited > limits.maxFiles * 10) {
      throw new GateError(`${dir} has too many directories to search for .proto files`, {
        location: { file: dir },
      });
    }
    const entries = await readdir(current, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = resolve(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) queue.push(full);
      } else if (entry.isFile() && entry.name.endsWith(".proto")) {
        out.push(toPosix(relative(root, full)));
        if (out.length > limits.maxFiles) {
          throw new GateError(`${dir} holds more than ${limits.maxFiles} .proto files`, {
            location: { file: dir },
          });
        }
      }
    }
  }
  if (out.length === 0) {
    throw new GateError(`no .proto files under ${dir}`, { location: { file: dir } });
  }
  return out;
}

/**
 * Load a .proto file (or every .proto file of a directory) and, transitively, the files they
 * import, relative to the import root. Well-known google/protobuf and google/api imports are
 * bundled. An import that escapes the root, a missing import, or too many or too large files is a
 * GateError naming the importing file and line.
 */
export async function loadProtoSource(
  pathOrDir: string,
  options: LoadProtoOptions = {},
): Promise<ProtoSource> {
  const limits = resolveProtoLimits(options.limits);
  let entries: string[];
  let root: string;
  let read: ProtoFileReader;
  if (options.read) {
    root = options.root ?? ".";
    read = options.read;
    entries = [normalizeImportPath(pathOrDir, undefined)];
  } else {
    const info = await stat(pathOrDir).catch((e: NodeJS.ErrnoException) => {
      throw new GateError(
        e.code === "ENOENT"
          ? `proto contract not found: ${pathOrDir}`
          : `cannot read ${pathOrDir}: ${e.code}`,
        { hint: "check the path (relative paths start at the working directory)", cause: e },
      );
    });
    root = options.root ?? (info.isDirectory() ? pathOrDir : posix.dirname(toPosix(pathOrDir)));
    const inRoot = toPosix(relative(resolve(root), resolve(pathOrDir)));
    if (inRoot.startsWith("..") || resolve(root, inRoot) !== resolve(pathOrDir)) {
      throw new GateError(`${pathOrDir} is not under the import root ${root}`, {
        hint: "the root must be a directory that contains the contract",
      });
    }
    entries = info.isDirectory()
      ? await listProtoFiles(resolve(pathOrDir), resolve(root), limits)
      : [normalizeImportPath(inRoot, undefined)];
    read = fsReader(root, limits);
  }

  const files: ProtoFile[] = [];
  const seen = new Set<string>();
  const queue: { path: string; from?: SourceLocation }[] = entries.map((path) => ({ path }));
  let total = 0;
  while (queue.length > 0) {
    const { path, from } = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    if (seen.size > limits.maxFiles) {
      throw new GateError(`the contract imports more than ${limits.maxFiles} .proto files`, {
        ...(from ? { location: from } : {}),
      });
    }
    const text = await read(path);
    if (text === undefined) {
      const display = posix.join(toPosix(root), path);
      throw new GateError(
        from
          ? `${from.file} imports "${path}", which does not exist under the import root ${root}`
          : `not found: ${display}`,
        {
          ...(from ? { location: from } : {}),
          hint: "imports are resolved against the import root; set the root to the directory they are relative to",
        },
      );
    }
    total += Buffer.byteLength(text, "utf8");
    if (total > limits.maxTotalBytes) {
      throw new GateError(`the .proto files add up to more than ${limits.maxTotalBytes} bytes`);
    }
    files.push({ path, text });
    const display = posix.join(toPosix(root), path);
    for (const imp of scanProtoFile(text, display, limits).imports) {
      const where = { file: display, line: imp.line };
      const target = normalizeImportPath(imp.path, where);
      if (seen.has(target) || bundledDefinitions(target)) continue;
      if (imp.weak && (await read(target)) === undefined) continue;
      queue.push({ path: target, from: where });
    }
  }
  return { files, root: toPosix(root) };
}
