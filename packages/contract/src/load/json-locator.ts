/**
 * Positions in a JSON text for a batch of JSON pointers, found in one pass that skips every
 * subtree no pointer enters. Parsing positions for a whole multi-megabyte description would cost
 * more than the diff itself; findings need only a handful of them.
 */

/** Pointers by their tokens: a batch is placed in one walk down the text's structure. */
export interface Trie {
  /** The pointer ending here, when one does. */
  pointer?: string;
  children: Map<string, Trie>;
}

export function buildTrie(pointers: Iterable<readonly [string, readonly string[]]>): {
  trie: Trie;
  count: number;
} {
  const root: Trie = { children: new Map() };
  let count = 0;
  for (const [pointer, tokens] of pointers) {
    let node = root;
    for (const token of tokens) {
      let next = node.children.get(token);
      if (!next) {
        next = { children: new Map() };
        node.children.set(token, next);
      }
      node = next;
    }
    if (node.pointer === undefined) count++;
    node.pointer = pointer;
  }
  return { trie: root, count };
}

/** Past the closing quote of the JSON string whose opening quote is at `from`. */
export function stringEnd(text: string, from: number): number {
  let j = from + 1;
  for (;;) {
    const end = text.indexOf('"', j);
    if (end === -1) return text.length;
    // An odd run of backslashes before the quote escapes it.
    let backslashes = 0;
    for (let k = end - 1; k > from && text.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return end + 1;
    j = end + 1;
  }
}

/** The decoded value of the JSON string whose opening quote is at `from`. */
export function stringAt(text: string, from: number): string {
  return decodeString(text.slice(from, stringEnd(text, from)));
}

/** A JSON string literal, quotes included, decoded (escapes only when there are any). */
function decodeString(raw: string): string {
  if (!raw.includes("\\")) return raw.slice(1, -1);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

/** JSON whitespace, compared directly: this runs once per character of indentation. */
function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

class Scanner {
  i = 0;
  constructor(readonly text: string) {}

  ws(): void {
    const t = this.text;
    while (this.i < t.length && isWs(t.charCodeAt(this.i))) this.i++;
  }

  /** Past the closing quote of the string starting at `i`. */
  skipString(): void {
    this.i = stringEnd(this.text, this.i);
  }

  /** Past the closing quote of the string starting at `i`; returns its decoded value. */
  string(): string {
    const start = this.i;
    this.skipString();
    return decodeString(this.text.slice(start, this.i));
  }

  /** Past the value starting at `i`, without looking inside it. */
  skip(): void {
    const t = this.text;
    const c = t.charCodeAt(this.i);
    if (c === 0x22) {
      this.skipString();
      return;
    }
    if (c !== 0x7b && c !== 0x5b) {
      while (this.i < t.length) {
        const d = t.charCodeAt(this.i);
        if (d === 0x2c || d === 0x7d || d === 0x5d || isWs(d)) break;
        this.i++;
      }
      return;
    }
    this.skipToClose(0);
  }

  /**
   * Past the bracket that closes `depth` containers opened before `i` (with `depth` 0, the
   * container starting at `i`). Jumps from one structural character to the next with the regex
   * engine: most of a JSON text is string content and indentation, never looked at one by one.
   */
  skipToClose(depth: number): void {
    const t = this.text;
    STRUCTURE.lastIndex = this.i;
    // `test` moves lastIndex past the match without allocating a match array.
    while (STRUCTURE.test(t)) {
      const at = STRUCTURE.lastIndex - 1;
      const d = t.charCodeAt(at);
      if (d === 0x22) {
        // Strings are skipped with indexOf, not a regex: a regex over a megabyte-long string with
        // many escapes can exhaust the regex engine's backtracking stack.
        this.i = at;
        this.skipString();
        STRUCTURE.lastIndex = this.i;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (--depth === 0) {
        this.i = at + 1;
        return;
      }
    }
    this.i = t.length;
  }
}

const STRUCTURE = /["{}[\]]/g;

/**
 * Offsets of the values (for members: of their keys, where a reader looks) that the pointers name.
 * Pointers that name nothing in the text are left out of the result.
 */
export function locateJsonPointers(
  text: string,
  pointers: Iterable<readonly [string, readonly string[]]>,
): Map<string, number> {
  const found = new Map<string, number>();
  const { trie, count } = buildTrie(pointers);
  const s = new Scanner(text);
  s.ws();
  if (trie.pointer !== undefined) found.set(trie.pointer, s.i);

  const visit = (node: Trie): void => {
    const c = text.charCodeAt(s.i);
    if (node.children.size === 0 || (c !== 0x7b && c !== 0x5b)) {
      s.skip();
      return;
    }
    s.i++;
    s.ws();
    let index = 0;
    let remaining = node.children.size;
    while (s.i < text.length) {
      const d = text.charCodeAt(s.i);
      if (d === 0x7d || d === 0x5d) {
        s.i++;
        return;
      }
      if (d === 0x2c) {
        s.i++;
        s.ws();
        continue;
      }
      if (remaining === 0) {
        // Nothing more is wanted in this container: jump to its end without reading its members.
        s.skipToClose(1);
        return;
      }
      let token: string;
      let at = s.i;
      if (c === 0x7b) {
        token = s.string();
        s.ws();
        s.i++; // the colon
        s.ws();
      } else {
        token = String(index++);
      }
      const child = node.children.get(token);
      if (child) {
        remaining--;
        if (c === 0x5b) at = s.i;
        if (child.pointer !== undefined) found.set(child.pointer, at);
        visit(child);
        // Every pointer placed: the rest of the text (often megabytes) need not be scanned.
        if (found.size === count) return;
      } else {
        s.skip();
      }
      s.ws();
    }
  };
  visit(trie);
  return found;
}
