/**
 * Strings that match a regular expression, for the common subset of ECMAScript patterns API
 * descriptions use (classes, groups, alternation, quantifiers, anchors). Patterns with
 * lookarounds or back-references yield nothing; every sample is checked with RegExp anyway.
 */

type Node =
  | { t: "chars"; set: string[] }
  | { t: "seq"; items: Node[] }
  | { t: "alt"; options: Node[] }
  | { t: "repeat"; node: Node; min: number; max: number };

const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
const DIGITS = PRINTABLE.filter((c) => /\d/.test(c));
const WORD = PRINTABLE.filter((c) => /\w/.test(c));
const SPACE = [" ", "\t"];
/** Open-ended quantifiers are sampled up to this many repetitions. */
const OPEN_MAX = 3;
const MAX_LENGTH = 64;

class Unsupported extends Error {}

class Parser {
  i = 0;
  constructor(readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new Unsupported("unbalanced");
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { t: "alt", options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const atom = this.atom();
      if (atom) items.push(this.quantified(atom));
    }
    return { t: "seq", items };
  }

  private quantified(node: Node): Node {
    const c = this.src[this.i];
    let min = 1;
    let max = 1;
    if (c === "*") [min, max] = [0, OPEN_MAX];
    else if (c === "+") [min, max] = [1, OPEN_MAX];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return node;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? min + OPEN_MAX : Number(m[3]);
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    if (this.src[this.i] === "?") this.i++;
    if (min > MAX_LENGTH) throw new Unsupported("too long");
    return { t: "repeat", node, min, max: Math.min(max, min + MAX_LENGTH) };
  }

  private atom(): Node | undefined {
    const c = this.src[this.i++]!;
    switch (c) {
      case "^":
      case "$":
        return undefined;
      case ".":
        return { t: "chars", set: PRINTABLE };
      case "(": {
        if (this.src[this.i] === "?") {
          if (this.src[this.i + 1] !== ":") throw new Unsupported("lookaround or named group");
          this.i += 2;
        }
        const inner = this.alternation();
        if (this.src[this.i++] !== ")") throw new Unsupported("unclosed group");
        return inner;
      }
      case "[":
        return this.charClass();
      case "\\":
        return { t: "chars", set: this.escape(false) };
      default:
        return { t: "chars", set: [c] };
    }
  }

  private escape(inClass: boolean): string[] {
    const c = this.src[this.i++];
    switch (c) {
      case "d":
        return DIGITS;
      case "D":
        return PRINTABLE.filter((x) => !DIGITS.includes(x));
      case "w":
        return WORD;
      case "W":
        return PRINTABLE.filter((x) => !WORD.includes(x));
      case "s":
        return SPACE;
      case "S":
        return PRINTABLE.filter((x) => x !== " ");
      case "b":
        if (inClass) return ["\b"];
        return [];
      case "n":
        return ["\n"];
      case "t":
        return ["\t"];
      case "u": {
        const hex = /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.i));
        if (!hex) throw new Unsupported("bad \\u");
        this.i += 4;
        return [String.fromCharCode(Number.parseInt(hex[0], 16))];
      }
      case undefined:
        throw new Unsupported("trailing backslash");
      default:
        if (/[1-9]/.test(c)) throw new Unsupported("back-reference");
        return [c];
    }
  }

  private charClass(): Node {
    const negate = this.src[this.i] === "^";
    if (negate) this.i++;
    const chosen = new Set<string>();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== "]" || first)) {
      first = false;
      let part: string[];
      if (this.src[this.i] === "\\") {
        this.i++;
        part = this.escape(true);
      } else part = [this.src[this.i++]!];
      if (
        part.length === 1 &&
        this.src[this.i] === "-" &&
        this.src[this.i + 1] !== "]" &&
        this.i + 1 < this.src.length
      ) {
        this.i++;
        let end: string[];
        if (this.src[this.i] === "\\") {
          this.i++;
          end = this.escape(true);
        } else end = [this.src[this.i++]!];
        const from = part[0]!.charCodeAt(0);
        const to = end[0]!.charCodeAt(0);
        if (to < from || to - from > 0xffff) throw new Unsupported("bad range");
        for (let code = from; code <= Math.min(to, from + 512); code++) chosen.add(String.fromCharCode(code));
      } else for (const ch of part) chosen.add(ch);
    }
    if (this.src[this.i++] !== "]") throw new Unsupported("unclosed class");
    const set = negate ? PRINTABLE.filter((c) => !chosen.has(c)) : [...chosen];
    if (set.length === 0) throw new Unsupported("empty class");
    return { t: "chars", set };
  }
}

/** Draw one string, choices steered by `k` so different k give different strings. */
function draw(node: Node, k: number, out: string[], budget: { left: number }): void {
  if (budget.left <= 0) return;
  switch (node.t) {
    case "chars": {
      const set = node.set;
      if (set.length === 0) return;
      // k = 0 takes the first character, others spread over the set.
      out.push(set[(k * 7919) % set.length]!);
      budget.left--;
      return;
    }
    case "seq":
      node.items.forEach((item, i) => {
        draw(item, k === 0 ? 0 : k + i, out, budget);
      });
      return;
    case "alt":
      draw(node.options[k % node.options.length]!, k, out, budget);
      return;
    case "repeat": {
      const span = node.max - node.min;
      const times = node.min + (k === 0 || span === 0 ? 0 : k % (span + 1));
      for (let n = 0; n < times; n++) draw(node.node, k === 0 ? 0 : k + n, out, budget);
    }
  }
}

/** Up to `count` distinct strings that match `pattern`, or none when it cannot be sampled. */
export function sampleRegex(pattern: string, count = 8): string[] {
  let re: RegExp;
  let ast: Node;
  try {
    re = new RegExp(pattern, "u");
    ast = new Parser(pattern).parse();
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (let k = 0; k < count * 3 && out.size < count; k++) {
    const parts: string[] = [];
    draw(ast, k, parts, { left: MAX_LENGTH });
    const s = parts.join("");
    if (re.test(s)) out.add(s);
  }
  return [...out];
}

/** The pattern as a RegExp (JSON Schema patterns are ECMAScript with Unicode), or undefined when invalid. */
export function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}

const GENERIC = [
  "",
  "a",
  "A",
  "0",
  "1",
  "abc",
  "ABC",
  "123",
  "a1",
  "A1",
  "-",
  "_",
  " ",
  "a b",
  "user@example.com",
  "2024-01-01",
  "https://example.com",
  "00000000-0000-4000-8000-000000000000",
  "abcdefghijklmnopqrstuvwxyz",
];

/**
 * Strings that `accept` matches (any string when undefined) and `reject` does not: proof that a
 * pattern change lets something through, or keeps something out, that it did not before.
 */
export function patternWitnesses(
  accept: string | undefined,
  reject: string,
  extra: readonly string[],
): string[] {
  const yes = accept === undefined ? undefined : compilePattern(accept);
  const no = compilePattern(reject);
  if (!no || (accept !== undefined && !yes)) return [];
  const candidates = [
    ...(accept === undefined ? [] : sampleRegex(accept)),
    ...extra,
    ...GENERIC,
    ...sampleRegex(reject).map((s) => `${s}!`),
  ];
  const out: string[] = [];
  for (const s of new Set(candidates)) {
    if (s.length > MAX_LENGTH) continue;
    if ((yes === undefined || yes.test(s)) && !no.test(s)) out.push(s);
    if (out.length >= 5) break;
  }
  return out;
}
