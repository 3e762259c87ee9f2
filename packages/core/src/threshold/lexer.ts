import { type SyntaxErrorDetails, ThresholdSyntaxError } from "./syntax-error.js";

/*
 * Character classes of the language.
 *
 * Metric and function names: a letter or `_`, then letters, digits and `_ . : / - [ ]`
 * (`eval/accuracy`, `slice:en.f1`, `loss[val]`, `bert-base/f1`). None of these can start or appear in an
 * operator, a number or a parenthesis, so `p95<250ms` splits without spaces. Any other name is written
 * in double quotes with backslash escapes: `"slice:age>60/f1"`, `"say \"hi\""`.
 */
export const IDENT_START = /[A-Za-z_]/;
export const IDENT_PART = /[A-Za-z0-9_.:/\-[\]]/;
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.:/\-[\]]*$/;

const DIGIT = /[0-9]/;
const SPACE = /\s/;
const OPERATOR_CHAR = /[<>=!≤≥≠]/;
/** Units start with a letter (µ included), `%` or `/`: `ms`, `%`, `/s`, `µs`. */
const UNIT_START = /[\p{L}%/]/u;
const UNIT_PART = /[\p{L}\p{N}_%/]/u;
/** Where a "word" quoted in an error message ends. */
const WORD_END = /[\s()"'<>=!≤≥≠,]/;

export function isOperatorChar(c: string): boolean {
  return c !== "" && OPERATOR_CHAR.test(c);
}

/** A cursor over the (trimmed) threshold text; readers advance it and throw positioned errors. */
export class Scanner {
  pos = 0;

  constructor(readonly src: string) {}

  get done(): boolean {
    return this.pos >= this.src.length;
  }

  peek(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  fail(reason: string, at = this.pos, length = 1, notes?: readonly string[]): never {
    const details: SyntaxErrorDetails = notes ? { notes } : {};
    throw new ThresholdSyntaxError(this.src, at, length, reason, details);
  }

  skipSpace(): void {
    while (!this.done && SPACE.test(this.peek())) this.pos++;
  }

  /** Length of the word starting at `at`, for quoting it in a message (at least one character). */
  wordLength(at = this.pos): number {
    if (at >= this.src.length) return 0;
    let end = at;
    while (end < this.src.length && !WORD_END.test(this.src[end]!)) end++;
    if (end > at) return end - at;
    return (this.src.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
  }

  /** `"250ms"` or `end of input`, describing what stands at `at`. */
  describe(at = this.pos): string {
    return at >= this.src.length ? "end of input" : `"${this.src.slice(at, at + this.wordLength(at))}"`;
  }

  identStartsHere(): boolean {
    return IDENT_START.test(this.peek());
  }

  readIdent(): string | undefined {
    if (!this.identStartsHere()) return undefined;
    const start = this.pos;
    this.pos++;
    while (!this.done && IDENT_PART.test(this.peek())) this.pos++;
    return this.src.slice(start, this.pos);
  }

  /** A double-quoted name; a backslash takes the next character literally (`\"`, `\\`). */
  readQuoted(): string {
    const start = this.pos;
    this.pos++;
    let out = "";
    while (!this.done) {
      const c = this.peek();
      if (c === '"') {
        this.pos++;
        if (out.length === 0) this.fail("empty metric name", start, 2);
        return out;
      }
      if (c === "\\") {
        if (this.pos + 1 >= this.src.length) break;
        out += this.peek(1);
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
    return this.fail("unclosed quote", start, this.src.length - start, [
      'close the name with ", and escape quotes inside it as \\"',
    ]);
  }

  /** The run of operator characters here (`<=`, `=>`, `===`), so bad ones are reported whole. */
  readOperatorRun(): string {
    const start = this.pos;
    while (this.pos - start < 3 && isOperatorChar(this.peek())) this.pos++;
    return this.src.slice(start, this.pos);
  }

  numberStartsHere(): boolean {
    const c = this.peek();
    const next = c === "+" || c === "-" ? this.peek(1) : c;
    return DIGIT.test(next) || (next === "." && DIGIT.test(this.peek(c === next ? 1 : 2)));
  }

  /**
   * A decimal literal: optional sign, digits grouped by single `_` between digits, optional
   * fraction and exponent (`-1_000.5e-3`). Call only when {@link numberStartsHere}.
   */
  readNumber(): number {
    const start = this.pos;
    if (this.peek() === "+" || this.peek() === "-") this.pos++;
    if (DIGIT.test(this.peek())) this.readDigits();
    if (this.peek() === ".") {
      this.pos++;
      if (!DIGIT.test(this.peek())) this.fail("expected digits after the decimal point", this.pos, 1);
      this.readDigits();
    }
    const e = this.peek();
    if (e === "e" || e === "E") {
      const sign = this.peek(1) === "+" || this.peek(1) === "-" ? 1 : 0;
      if (DIGIT.test(this.peek(1 + sign))) {
        this.pos += 1 + sign;
        this.readDigits();
      } else if (sign) {
        this.fail("expected digits in the exponent", this.pos + 2, 1);
      }
    }
    return Number(this.src.slice(start, this.pos).replaceAll("_", ""));
  }

  private readDigits(): void {
    while (!this.done) {
      const c = this.peek();
      if (DIGIT.test(c)) this.pos++;
      else if (c === "_") {
        if (!DIGIT.test(this.peek(1))) {
          this.fail('misplaced "_" in number', this.pos, 1, [
            "_ groups digits and goes between two digits: 1_000",
          ]);
        }
        this.pos++;
      } else break;
    }
  }

  /** A unit word right here (`ms`, `%`, `/s`, `MiB`), or "" when none starts here. */
  readUnitRun(): string {
    if (!UNIT_START.test(this.peek())) return "";
    const start = this.pos;
    this.pos++;
    while (!this.done && UNIT_PART.test(this.peek())) this.pos++;
    return this.src.slice(start, this.pos);
  }
}
