/**
 * JSON.parse keeps the last of two equal keys and says nothing, so a header could hold two entries
 * for one tensor and different readers would disagree on which one counts. This scanner walks the
 * text once, decodes each object key (escapes included: "a" and "\u0061" are the same key) and
 * reports the first key seen twice in one object, and nesting deeper than a limit. It never throws
 * and always terminates; JSON.parse still decides whether the text is valid JSON.
 */

export type KeyScan =
  | { kind: "ok" }
  | { kind: "duplicate"; key: string; path: string[]; offset: number }
  | { kind: "too-deep"; depth: number; offset: number };

interface Frame {
  object: boolean;
  keys: Set<string>;
  expectKey: boolean;
  /** The key under which this container sits in its parent, for messages. */
  name: string | undefined;
  /** The last key read in this object. */
  lastKey: string | undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Index just past the closing quote of the string starting at `start`, or -1 when unterminated. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return -1;
}

function decodeKey(raw: string): string | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

export function scanJsonKeys(text: string, maxDepth: number): KeyScan {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === "{" || c === "[") {
      if (stack.length >= maxDepth) return { kind: "too-deep", depth: stack.length + 1, offset: i };
      stack.push({
        object: c === "{",
        keys: new Set(),
        expectKey: c === "{",
        name: top?.object ? top.lastKey : undefined,
        lastKey: undefined,
      });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      if (top?.object) top.expectKey = true;
    } else if (c === ":") {
      if (top?.object) top.expectKey = false;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (end === -1) return { kind: "ok" };
      if (top?.object && top.expectKey) {
        const key = decodeKey(text.slice(i, end));
        if (key !== undefined) {
          if (top.keys.has(key)) {
            const path = stack.slice(1).map((f) => f.name ?? "?");
            return { kind: "duplicate", key, path: [...path, key], offset: i };
          }
          top.keys.add(key);
          top.lastKey = key;
        }
        top.expectKey = false;
      }
      i = end - 1;
    }
  }
  return { kind: "ok" };
}
