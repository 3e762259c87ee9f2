import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { GateError } from "@mlgate/core";
import { formatBytes } from "./limits.js";

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: "sha256" | "sha512";
  hex: string;
}

/**
 * Check a digest string strictly. Blob paths in layouts are built from it, so nothing but an algorithm
 * we can verify and lowercase hex of the right length gets through.
 */
export function parseDigest(text: string, where: string): ParsedDigest {
  const match = /^([a-z0-9]+):([0-9a-f]+)$/.exec(text);
  const algorithm = match?.[1];
  const hex = match?.[2];
  if (!algorithm || !hex || HEX_LENGTH[algorithm] === undefined || hex.length !== HEX_LENGTH[algorithm]) {
    throw new GateError(`${where}: "${truncate(text)}" is not a digest this reader can verify`, {
      hint: "expected sha256:<64 lowercase hex digits> or sha512:<128 lowercase hex digits>",
    });
  }
  return { algorithm: algorithm as ParsedDigest["algorithm"], hex };
}

export function isDigest(text: string): boolean {
  const match = /^([a-z0-9]+):([0-9a-f]+)$/.exec(text);
  return !!match?.[1] && !!match[2] && HEX_LENGTH[match[1]] === match[2].length;
}

export function digestOf(bytes: Uint8Array, algorithm: ParsedDigest["algorithm"] = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

/** Throw when bytes read in full do not hash to the digest that named them. */
export function verifyBytes(bytes: Uint8Array, digest: string, what: string): void {
  const { algorithm } = parseDigest(digest, what);
  const actual = digestOf(bytes, algorithm);
  if (actual !== digest) throw digestMismatch(what, digest, actual);
}

export function digestMismatch(what: string, expected: string, actual: string): GateError {
  return new GateError(`${what} does not match its digest: expected ${expected}, read ${actual}`, {
    hint: "the blob is corrupt or was altered; pull or export the image again",
  });
}

export interface VerifyTapOptions {
  /** What the bytes are, for messages: `layer 2 (sha256:ab…)`. */
  what: string;
  /** Digest the bytes must hash to; omitted when only counting. */
  digest?: string;
  /** Exact byte count the descriptor promises. */
  expectedSize?: number;
  /** Stop with an error past this many bytes. */
  maxBytes: number;
  /** Message for going over `maxBytes`. */
  overLimit: (limit: number) => GateError;
  /** Called with each chunk's length, for shared budgets across streams. */
  onBytes?: (length: number) => void;
}

/** Pass-through that hashes and counts, and fails the stream at its end if the bytes are not what was promised. */
export class VerifyTap extends Transform {
  private readonly hash: Hash | undefined;
  private readonly options: VerifyTapOptions;
  bytes = 0;

  constructor(options: VerifyTapOptions) {
    super();
    this.options = options;
    this.hash = options.digest ? createHash(parseDigest(options.digest, options.what).algorithm) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.options.maxBytes) {
      callback(this.options.overLimit(this.options.maxBytes));
      return;
    }
    const expected = this.options.expectedSize;
    if (expected !== undefined && this.bytes > expected) {
      callback(
        new GateError(
          `${this.options.what} is longer than the ${formatBytes(expected)} its descriptor declares`,
        ),
      );
      return;
    }
    try {
      this.options.onBytes?.(chunk.length);
    } catch (e) {
      callback(e as Error);
      return;
    }
    this.hash?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const expected = this.options.expectedSize;
    if (expected !== undefined && this.bytes !== expected) {
      callback(
        new GateError(
          `${this.options.what} ended after ${this.bytes} bytes; its descriptor declares ${expected}`,
          { hint: "the blob is truncated; pull or export the image again" },
        ),
      );
      return;
    }
    if (this.hash && this.options.digest) {
      const algorithm = parseDigest(this.options.digest, this.options.what).algorithm;
      const actual = `${algorithm}:${this.hash.digest("hex")}`;
      if (actual !== this.options.digest) {
        callback(digestMismatch(this.options.what, this.options.digest, actual));
        return;
      }
    }
    callback();
  }
}

export function shortDigest(digest: string): string {
  const colon = digest.indexOf(":");
  return colon < 0 ? digest.slice(0, 19) : digest.slice(0, colon + 13);
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
