import { GateError, parseJsonText } from "@mlgate/core";
import type { ContractLimits } from "../limits.js";
import { locateInIndex, positionInIndex } from "./json-index.js";
import { BACKGROUND_INDEX_CHARS, indexInBackground, indexOnDemand } from "./json-index-thread.js";
import { locateJsonPointers } from "./json-locator.js";
import { escapeToken, parsePointer } from "./pointer.js";
import { checkControlCharacters, decodeContractText } from "./text.js";
import { parseContractYaml } from "./yaml.js";

export interface Position {
  line: number;
  column: number;
}

/** One parsed file of a contract, with a way back from JSON pointers to lines. */
export interface ContractDocument {
  /** Identity: an absolute path, `REF:path` for a file read from git, or a URL. */
  id: string;
  /** How findings and messages name the file (workspace-relative where possible). */
  display: string;
  format: "json" | "yaml";
  value: unknown;
  bytes: number;
  /**
   * Line and column of each pointer; a pointer that names nothing in the text gets the position of
   * its nearest ancestor that does.
   */
  locate(pointers: Iterable<string>): Map<string, Position>;
}

function looksLikeJson(text: string, file: string): boolean {
  if (/\.json$/i.test(file)) return true;
  if (/\.ya?ml$/i.test(file)) return false;
  const first = /\S/.exec(text);
  return first?.[0] === "{" || first?.[0] === "[";
}

/**
 * Turn offset lookups into a batch locator with nearest-ancestor fallback and caching: `find` gives
 * the offsets of the pointers it can place, `positions` turns offsets into lines and columns.
 */
function batchLocator(
  find: (pointers: Map<string, string[]>) => Map<string, number>,
  positions: (offsets: number[]) => Map<number, Position>,
): ContractDocument["locate"] {
  const cache = new Map<string, Position | null>();
  return (requested) => {
    const wanted = new Map<string, string[]>();
    /** Each pointer with the keys of its prefixes, shortest first (the last is the pointer). */
    const asked: [string, string[]][] = [];
    for (const pointer of requested) {
      const tokens = parsePointer(pointer);
      if (!tokens) continue;
      const keys = prefixKeys(tokens, pointer);
      asked.push([pointer, keys]);
      for (let n = 0; n < keys.length; n++) {
        const key = keys[n]!;
        if (!cache.has(key) && !wanted.has(key)) wanted.set(key, tokens.slice(0, n));
      }
    }
    if (wanted.size > 0) {
      const offsets = find(wanted);
      const placed = positions([...offsets.values()]);
      for (const key of wanted.keys()) {
        const offset = offsets.get(key);
        cache.set(key, offset === undefined ? null : placed.get(offset)!);
      }
    }
    const out = new Map<string, Position>();
    for (const [pointer, keys] of asked) {
      for (let n = keys.length - 1; n >= 0; n--) {
        const hit = cache.get(keys[n]!);
        if (hit) {
          out.set(pointer, hit);
          break;
        }
      }
    }
    return out;
  };
}

/** The pointers of `tokens`' prefixes, from the root ("") to `pointer` itself, built in one pass. */
function prefixKeys(tokens: readonly string[], pointer: string): string[] {
  const keys = [""];
  let key = "";
  for (let n = 0; n < tokens.length - 1; n++) {
    key += `/${escapeToken(tokens[n]!)}`;
    keys.push(key);
  }
  if (tokens.length > 0) keys.push(pointer);
  return keys;
}

/**
 * Locating in a JSON text: through its positional index (built on a second thread for large
 * texts), or, for a text too large to index, by one scan per batch that skips what no pointer enters.
 */
function jsonLocator(text: string, utf8: Uint8Array, limits: ContractLimits): ContractDocument["locate"] {
  const index =
    text.length >= BACKGROUND_INDEX_CHARS
      ? indexInBackground(text, utf8, limits.maxNodes)
      : indexOnDemand(text, limits.maxNodes);
  return batchLocator(
    (wanted) => {
      const built = index.get();
      return built ? locateInIndex(text, built, wanted) : locateJsonPointers(text, wanted);
    },
    (offsets) => {
      const built = index.get();
      if (!built) return positionsAt(text, offsets);
      return new Map(offsets.map((offset) => [offset, positionInIndex(built, offset)]));
    },
  );
}

/** Line and column of each offset, counting lines only as far as the last offset. */
function positionsAt(text: string, offsets: number[]): Map<number, Position> {
  const out = new Map<number, Position>();
  const sorted = [...new Set(offsets)].sort((a, b) => a - b);
  let line = 1;
  let lineStart = 0;
  let next = text.indexOf("\n");
  for (const offset of sorted) {
    while (next !== -1 && next < offset) {
      line++;
      lineStart = next + 1;
      next = text.indexOf("\n", lineStart);
    }
    out.set(offset, { line, column: offset - lineStart + 1 });
  }
  return out;
}

/** Parse one contract file (JSON or YAML) with limits; every failure names the file and place. */
export function parseContractDocument(
  bytes: Uint8Array,
  id: string,
  display: string,
  limits: ContractLimits,
): ContractDocument {
  const text = decodeContractText(bytes, display);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === "") {
    throw new GateError(`${display} is empty`, { location: { file: display }, hint: "expected a contract" });
  }
  if (looksLikeJson(body, id)) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      // JSON.parse refuses control characters too; the slow checks run only to explain a failure.
      checkControlCharacters(body, display);
      value = parseJsonText(body, display, "contract");
    }
    // Depth and size are checked by the one walk that also collects references (LoadedContract).
    return {
      id,
      display,
      format: "json",
      value,
      bytes: bytes.byteLength,
      locate: jsonLocator(body, bytes, limits),
    };
  }
  checkControlCharacters(body, display);
  const yaml = parseContractYaml(body, display, limits);
  return {
    id,
    display,
    format: "yaml",
    value: yaml.value,
    bytes: bytes.byteLength,
    locate: batchLocator(
      (wanted) => {
        const out = new Map<string, number>();
        for (const [pointer, tokens] of wanted) {
          const at = yaml.locate(tokens);
          if (at !== undefined) out.set(pointer, at);
        }
        return out;
      },
      (offsets) => positionsAt(body, offsets),
    ),
  };
}
