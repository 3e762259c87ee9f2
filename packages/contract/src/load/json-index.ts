/**
 * A positional index of a JSON text: where every value starts, where every member's key starts,
 * where each subtree ends, and where each line starts. One scan builds it (on a second thread for
 * large documents, see json-index-thread.ts); afterwards any batch of JSON pointers is placed by
 * walking only the containers on their paths, jumping over every subtree in one step.
 */
import { buildTrie, stringAt, type Trie } from "./json-locator.js";
import { LineIndex } from "./text.js";

export interface JsonIndex {
  /** Values in the text, in document order (a container before its members). */
  count: number;
  /** Offset of each value's first character. */
  start: Int32Array;
  /** Offset of the opening quote of the member's key; -1 for the root and for list items. */
  key: Int32Array;
  /** The first value after each value's subtree: its next sibling, when there is one. */
  next: Int32Array;
  /** Offset at which each line starts. */
  lines: Int32Array;
}

/**
 * Build the index of a text that JSON.parse accepted; `undefined` past `maxValues` values.
 *
 * This function's source text is what the index thread runs, so it must stay self-contained:
 * no imports, no helpers from this module, nothing but its own parameters and locals.
 */
export function scanJsonIndex(text: string, maxValues: number): JsonIndex | undefined {
  const length = text.length;
  let capacity = 1024;
  let start = new Int32Array(capacity);
  let key = new Int32Array(capacity);
  let next = new Int32Array(capacity);
  let count = 0;
  /** Open containers: their value index, and whether each is an object. */
  const open: number[] = [];
  const isObject: boolean[] = [];
  let wantKey = false;
  let pendingKey = -1;
  let i = 0;

  /** Past the closing quote of the string whose opening quote is at `from` (json-locator's
   * `stringEnd`, repeated here because this function must stand alone). */
  const skipString = (from: number): number => {
    let j = from + 1;
    for (;;) {
      const end = text.indexOf('"', j);
      if (end === -1) return length;
      // An odd run of backslashes before the quote escapes it.
      let backslashes = 0;
      for (let k = end - 1; k > from && text.charCodeAt(k) === 0x5c; k--) backslashes++;
      if (backslashes % 2 === 0) return end + 1;
      j = end + 1;
    }
  };

  while (i < length) {
    const c = text.charCodeAt(i);
    // Whitespace, colons and commas: commas decide whether a key comes next.
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a) {
      i++;
      continue;
    }
    if (c === 0x2c) {
      wantKey = isObject[isObject.length - 1] === true;
      i++;
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      next[open.pop()!] = count;
      isObject.pop();
      wantKey = false;
      i++;
      continue;
    }
    if (wantKey) {
      pendingKey = i;
      i = skipString(i);
      wantKey = false;
      continue;
    }
    if (count >= maxValues) return undefined;
    if (count === capacity) {
      capacity *= 2;
      const grow = (old: Int32Array) => {
        const bigger = new Int32Array(capacity);
        bigger.set(old);
        return bigger;
      };
      start = grow(start);
      key = grow(key);
      next = grow(next);
    }
    const value = count++;
    start[value] = i;
    key[value] = pendingKey;
    pendingKey = -1;
    if (c === 0x7b || c === 0x5b) {
      open.push(value);
      isObject.push(c === 0x7b);
      wantKey = c === 0x7b;
      i++;
    } else if (c === 0x22) {
      i = skipString(i);
      next[value] = count;
    } else {
      // A number or a literal runs to the next delimiter.
      while (i < length) {
        const d = text.charCodeAt(i);
        if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09)
          break;
        i++;
      }
      next[value] = count;
    }
  }
  const lineStarts = [0];
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lineStarts.push(at + 1);
  return {
    count,
    start: start.slice(0, count),
    key: key.slice(0, count),
    next: next.slice(0, count),
    lines: Int32Array.from(lineStarts),
  };
}

/**
 * Offsets of the values (for members: of their keys, where a reader looks) that the pointers name.
 * Pointers that name nothing in the text are left out. A key given twice is placed at its last
 * occurrence, the one JSON.parse keeps.
 */
export function locateInIndex(
  text: string,
  index: JsonIndex,
  pointers: Iterable<readonly [string, readonly string[]]>,
): Map<string, number> {
  const found = new Map<string, number>();
  const { trie } = buildTrie(pointers);
  if (index.count === 0) return found;
  if (trie.pointer !== undefined) found.set(trie.pointer, index.start[0]!);
  const { start, key, next } = index;
  const visit = (value: number, node: Trie): void => {
    if (node.children.size === 0) return;
    const open = text.charCodeAt(start[value]!);
    if (open !== 0x7b && open !== 0x5b) return;
    const end = next[value]!;
    let item = 0;
    for (let member = value + 1; member < end; member = next[member]!) {
      const token = open === 0x7b ? stringAt(text, key[member]!) : String(item++);
      const child = node.children.get(token);
      if (!child) continue;
      if (child.pointer !== undefined)
        found.set(child.pointer, open === 0x7b ? key[member]! : start[member]!);
      visit(member, child);
    }
  };
  visit(0, trie);
  return found;
}

/** 1-based line and column of an offset, from the index's line starts. */
export function positionInIndex(index: JsonIndex, offset: number): { line: number; column: number } {
  return new LineIndex(index.lines).at(offset);
}
