import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import { GateError, isGateError } from "@mlgate/core";
import { extract as tarExtract } from "tar-stream";
import { VerifyTap } from "./digest.js";
import { formatBytes } from "./limits.js";
import type { ImageLimits } from "./types.js";

export interface ArchiveMember {
  name: string;
  /** Where the member's bytes start in the (uncompressed) archive file. */
  offset: number;
  size: number;
  type: "file" | "link" | "other";
  /** Links: the member they point at, relative to the archive root. */
  target?: string;
}

/** tar-stream's header carries where each entry's data starts; its published type omits it. */
interface HeaderWithOffset {
  name: string;
  size?: number;
  type?: string | null;
  linkname?: string | null;
  byteOffset?: number;
}

const MAX_LINK_HOPS = 8;

/**
 * Random access to the members of an image tarball (`docker save`, OCI archive). One pass records where
 * each member's bytes sit; blobs are then read in place, so a large archive is never copied or buffered.
 * A gzip-compressed archive is unpacked once to a temporary file, since gzip cannot be read from the middle.
 */
export class ArchiveIndex {
  private constructor(
    readonly path: string,
    readonly file: string,
    private readonly members: Map<string, ArchiveMember>,
    private readonly temporaryDir: string | undefined,
  ) {}

  static async build(path: string, limits: ImageLimits, log?: (line: string) => void): Promise<ArchiveIndex> {
    let file = path;
    let temporaryDir: string | undefined;
    if (await isGzip(path)) {
      temporaryDir = await mkdtemp(join(tmpdir(), "mlgate-archive-"));
      file = join(temporaryDir, "image.tar");
      log?.(`decompressing ${path} to a temporary file`);
      try {
        await pipeline(
          createReadStream(path),
          zlib.createGunzip(),
          new VerifyTap({
            what: `image archive ${path}`,
            maxBytes: limits.maxArchiveBytes,
            overLimit: (limit) =>
              new GateError(`image archive ${path} decompresses to more than ${formatBytes(limit)}`, {
                hint: "raise limits.maxArchiveBytes if the image really is that large",
              }),
          }),
          createWriteStream(file),
        );
      } catch (e) {
        await rm(temporaryDir, { recursive: true, force: true });
        if (isGateError(e)) throw e;
        throw new GateError(`image archive ${path} is not valid gzip data: ${(e as Error).message}`, {
          cause: e,
        });
      }
    }
    try {
      const members = await indexMembers(file, path, limits);
      return new ArchiveIndex(path, file, members, temporaryDir);
    } catch (e) {
      if (temporaryDir) await rm(temporaryDir, { recursive: true, force: true });
      throw e;
    }
  }

  /** Names as written, without `./`; links followed. */
  get(name: string): ArchiveMember | undefined {
    let current = normalizeMemberName(name);
    for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
      const member = current === undefined ? undefined : this.members.get(current);
      if (member?.type !== "link") return member;
      current = member.target;
    }
    throw new GateError(
      `image archive ${this.path}: member ${name} is a chain of more than ${MAX_LINK_HOPS} links`,
    );
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  async read(name: string, maxBytes: number, what: string): Promise<Buffer | undefined> {
    const member = this.get(name);
    if (!member) return undefined;
    if (member.type !== "file") throw new GateError(`${what}: ${name} in ${this.path} is not a regular file`);
    if (member.size > maxBytes) {
      throw new GateError(
        `${what} is ${formatBytes(member.size)}, over the limit of ${formatBytes(maxBytes)}`,
      );
    }
    return this.readRange(member.offset, member.size);
  }

  async readRange(offset: number, length: number): Promise<Buffer> {
    const handle = await open(this.file, "r");
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      if (bytesRead !== length) throw new GateError(`image archive ${this.path} ends inside a member`);
      return buffer;
    } finally {
      await handle.close();
    }
  }

  stream(member: ArchiveMember): Readable {
    if (member.size === 0) return createReadStream(this.file, { start: 1, end: 0 });
    return createReadStream(this.file, {
      start: member.offset,
      end: member.offset + member.size - 1,
      highWaterMark: 256 * 1024,
    });
  }

  async close(): Promise<void> {
    if (this.temporaryDir) await rm(this.temporaryDir, { recursive: true, force: true });
  }
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, "r").catch((e: NodeJS.ErrnoException) => {
    throw new GateError(`cannot read image archive ${path}: ${e.code ?? e.message}`, {
      location: { file: path },
    });
  });
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function normalizeMemberName(name: string): string | undefined {
  const normalized = posix.normalize(name.replace(/^\/+/, ""));
  if (normalized === "." || normalized.startsWith("../") || normalized === "..") return undefined;
  return normalized.replace(/\/$/, "");
}

async function indexMembers(
  file: string,
  shown: string,
  limits: ImageLimits,
): Promise<Map<string, ArchiveMember>> {
  const members = new Map<string, ArchiveMember>();
  const extract = tarExtract();
  const reading = (pipeline as (...streams: unknown[]) => Promise<void>)(
    createReadStream(file, { highWaterMark: 256 * 1024 }),
    extract,
  );
  let failure: unknown;
  reading.catch((e: unknown) => {
    failure = e;
  });
  try {
    for await (const entry of extract) {
      const header = entry.header as HeaderWithOffset;
      entry.resume();
      if (members.size >= limits.maxArchiveEntries) {
        throw new GateError(`image archive ${shown} has more than ${limits.maxArchiveEntries} members`, {
          hint: "an image tarball holds a few files per layer; this one is not an image or is hostile",
        });
      }
      const name = normalizeMemberName(header.name);
      if (name === undefined) continue;
      if (typeof header.byteOffset !== "number") {
        throw new GateError(
          "the installed tar-stream does not report entry offsets; archives cannot be indexed",
        );
      }
      const size = header.size ?? 0;
      if (header.type === "symlink" || header.type === "link") {
        const link = header.linkname ?? "";
        // Symlinks are relative to their directory; hard links to the archive root.
        const target = normalizeMemberName(
          header.type === "symlink" ? posix.join(posix.dirname(name), link) : link,
        );
        if (target !== undefined)
          members.set(name, { name, offset: header.byteOffset, size: 0, type: "link", target });
        continue;
      }
      const type = header.type === "file" || header.type === "contiguous-file" ? "file" : "other";
      members.set(name, { name, offset: header.byteOffset, size, type });
    }
    await reading;
  } catch (e) {
    if (isGateError(e)) throw e;
    const cause = failure ?? e;
    throw new GateError(`${shown} is not a tar archive: ${(cause as Error).message ?? String(cause)}`, {
      hint: "expected the output of `docker save`, `skopeo copy ... docker-archive:` or an OCI archive",
      location: { file: shown },
      cause,
    });
  }
  return members;
}
