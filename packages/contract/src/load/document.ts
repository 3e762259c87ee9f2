import { GateError, parseJsonText } from "@mlgate/core";
import type { ContractLimits } from "../limits.js";
import { locateJsonPointers } from "./json-locator.js";
import { parsePointer } from "./pointer.js";
import { checkControlCharacters, decodeContractText, LineIndex } from "./text.js";
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

/** Turn offset lookups into a batch locator with nearest-ancestor fallback and caching. */
function batchLocator(
  text: string,
  find: (pointers: Map<string, string[]>) => Map<string, number>,
): ContractDocument["locate"] {
  let lines: LineIndex | undefined;
  const cache = new Map<string, Position | null>();
  return (requested) => {
    const wanted = new Map<string, string[]>();
    const asked: [string, string[]][] = [];
    for (const pointer of requested) {
      const tokens = parsePointer(pointer);
      if (!tokens) continue;
      asked.push([pointer, tokens]);
      for (let n = 0; n <= tokens.length; n++) {
        const prefix = n === tokens.length ? pointer : tokensToKey(tokens, n);
        if (!cache.has(prefix) && !wanted.has(prefix)) wanted.set(prefix, tokens.slice(0, n));
      }
    }
    if (wanted.size > 0) {
      const offsets = find(wanted);
      lines ??= new LineIndex(text);
      for (const key of wanted.keys()) {
        const offset = offsets.get(key);
        cache.set(key, offset === undefined ? null : lines.at(offset));
      }
    }
    const out = new Map<string, Position>();
    for (const [pointer, tokens] of asked) {
      for (let n = tokens.length; n >= 0; n--) {
        const hit = cache.get(n === tokens.length ? pointer : tokensToKey(tokens, n));
        if (hit) {
          out.set(pointer, hit);
          break;
        }
      }
    }
    return out;
  };
}

function tokensToKey(tokens: readonly string[], n: number): string {
  return tokens
    .slice(0, n)
    .map((t) => `/${t.replace(/~/g, "~0").replace(/\//g, "~1")}`)
    .join("");
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
      locate: batchLocator(body, (wanted) => locateJsonPointers(body, wanted)),
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
    locate: batchLocator(body, (wanted) => {
      const out = new Map<string, number>();
      for (const [pointer, tokens] of wanted) {
        const at = yaml.locate(tokens);
        if (at !== undefined) out.set(pointer, at);
      }
      return out;
    }),
  };
}
