import { open, realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { formatValue, GateError } from "@mlgate/core";
import { type ContractLimits, LIMIT_HINT } from "../limits.js";

/**
 * Where the files of one side of a contract come from: the working tree, or a git revision.
 * Identifiers are opaque to the loader; `resolve` turns a relative `$ref` into one.
 */
export interface ContractFiles {
  read(id: string, limits: ContractLimits): Promise<Uint8Array>;
  /** The file a relative reference from `fromId` names; throws when it leaves the allowed root. */
  resolve(fromId: string, relativePath: string): string;
  /** How messages and findings name the file. */
  display(id: string): string;
  /** The file as a path relative to the root document's directory: how both sides name it alike. */
  relativeName(id: string, rootId: string): string;
}

export function tooLarge(file: string, size: number, max: number): GateError {
  return new GateError(
    `${file} is ${formatValue(size, "bytes")}, over the ${formatValue(max, "bytes")} limit for a contract file`,
    { location: { file }, hint: LIMIT_HINT },
  );
}

/** `$ref` paths are URI references: percent-decoded, forward slashes. */
export function decodeRefPath(path: string, from: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    throw new GateError(`invalid $ref path "${path}" (bad percent-encoding)`, { location: { file: from } });
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** Files in the working tree, confined to `root` (symbolic links included). */
export class DiskFiles implements ContractFiles {
  readonly root: string;

  constructor(
    root: string,
    private readonly cwd: string,
  ) {
    this.root = resolve(root);
  }

  display(id: string): string {
    const rel = relative(this.cwd, id);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : id;
  }

  relativeName(id: string, rootId: string): string {
    return relative(dirname(rootId), id).split(sep).join("/");
  }

  resolve(fromId: string, relativePath: string): string {
    const target = resolve(dirname(fromId), decodeRefPath(relativePath, this.display(fromId)));
    if (!inside(this.root, target)) {
      throw new GateError(
        `$ref "${relativePath}" in ${this.display(fromId)} points outside the contract root ${this.display(this.root) || "."}`,
        {
          location: { file: this.display(fromId) },
          hint: "keep referenced files under the root directory, or widen it with the `root` option",
        },
      );
    }
    return target;
  }

  async read(id: string, limits: ContractLimits): Promise<Uint8Array> {
    const shown = this.display(id);
    let real: string;
    try {
      real = await realpath(id);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new GateError(
        code === "ENOENT" || code === "ENOTDIR"
          ? `contract file not found: ${shown}`
          : `cannot read ${shown}: ${code}`,
        { location: { file: shown }, cause: e },
      );
    }
    const realRoot = await realpath(this.root).catch(() => this.root);
    if (!inside(this.root, id)) {
      throw new GateError(`${shown} is outside the contract root ${this.display(this.root) || "."}`, {
        location: { file: shown },
        hint: "keep contract files under the root directory, or widen it with the `root` option",
      });
    }
    if (!inside(realRoot, real)) {
      throw new GateError(`${shown} resolves (through a symbolic link) outside the contract root`, {
        location: { file: shown },
        hint: "keep referenced files under the root directory, or widen it with the `root` option",
      });
    }
    const handle = await open(real, "r");
    try {
      const info = await handle.stat();
      if (!info.isFile())
        throw new GateError(`${shown} is not a regular file`, { location: { file: shown } });
      if (info.size > limits.maxFileBytes) throw tooLarge(shown, info.size, limits.maxFileBytes);
      // One buffer of the size the file has, read into in place; a file that grows while it is
      // read gets a bigger one, never past one byte over the limit (which proves it too large).
      let buffer = Buffer.allocUnsafe(Math.min(info.size + 1, limits.maxFileBytes + 1));
      let length = 0;
      for (;;) {
        if (length === buffer.length) {
          if (length > limits.maxFileBytes) break;
          const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limits.maxFileBytes + 1));
          buffer.copy(bigger, 0, 0, length);
          buffer = bigger;
        }
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      if (length > limits.maxFileBytes) throw tooLarge(shown, length, limits.maxFileBytes);
      return buffer.subarray(0, length);
    } finally {
      await handle.close();
    }
  }
}
