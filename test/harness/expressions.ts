/**
 * GitHub Actions expressions (`${{ … }}` and `if:` conditions), evaluated the way the runner does for
 * the part of the language workflows use: context paths (`steps.gate.outputs.sha256`,
 * `needs.build.result`, `github.event_name`), literals, `! == != < <= > >= && ||` with GitHub's loose
 * equality and value-returning `&&`/`||`, parentheses, and the functions `always() success() failure()
 * cancelled() contains() startsWith() endsWith() format() join() toJSON() fromJSON()`. Anything else is
 * a thrown error naming the expression, never a silent guess.
 */

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** What the status functions answer: for a step, the job so far; for a job, its `needs`. */
export interface Status {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

export interface Scope {
  contexts: Record<string, Value>;
  status: Status;
}

/** Expressions longer than this are refused: the workflows hold one-liners. */
const MAX_EXPRESSION_LENGTH = 4096;
const MAX_DEPTH = 64;

type Token =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "word"; value: string }
  | { kind: "op"; value: string };

class ExpressionError extends Error {
  constructor(expression: string, why: string) {
    super(`\${{ ${expression} }}: ${why}`);
  }
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const fail = (why: string) => new ExpressionError(expression, why);
  let i = 0;
  while (i < expression.length) {
    const c = expression[i] ?? "";
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= expression.length) throw fail("unterminated string");
        if (expression[i] === "'") {
          if (expression[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += expression[i];
        i++;
      }
      tokens.push({ kind: "string", value });
    } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(expression[i + 1] ?? ""))) {
      const match = /^-?(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(expression.slice(i));
      if (!match) throw fail(`bad number at ${i}`);
      tokens.push({ kind: "number", value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][\w-]*/.exec(expression.slice(i));
      tokens.push({ kind: "word", value: match?.[0] ?? c });
      i += match?.[0].length ?? 1;
    } else {
      const op = ["==", "!=", "<=", ">=", "&&", "||"].find((o) => expression.startsWith(o, i)) ?? c;
      if (
        !["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ".", ",", "*"].includes(op)
      ) {
        throw fail(`unexpected "${op}" at ${i}`);
      }
      tokens.push({ kind: "op", value: op });
      i += op.length;
    }
  }
  return tokens;
}

function truthy(value: Value): boolean {
  if (value === null || value === false || value === "" || value === 0) return false;
  return !(typeof value === "number" && Number.isNaN(value));
}

function toNumber(value: Value): number {
  if (value === null) return 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  if (typeof value === "string") return value.trim() === "" ? 0 : Number(value);
  return Number.NaN;
}

/** GitHub's loose equality: strings compare case-insensitively; different types compare as numbers. */
function equal(a: Value, b: Value): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  const composite = (v: Value) => v !== null && typeof v === "object";
  if (composite(a) || composite(b)) return a === b;
  if (typeof a === typeof b) return a === b;
  return toNumber(a) === toNumber(b);
}

function compare(a: Value, b: Value): number {
  if (typeof a === "string" && typeof b === "string") {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return toNumber(a) - toNumber(b);
}

/** How a value reads when pasted into text (`with:`, `env:`, outputs). */
export function stringify(value: Value): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value, null, 2);
}

/** A property of an object, case-insensitively as contexts are. */
function property(target: Value, key: string): Value {
  if (target === null || typeof target !== "object" || Array.isArray(target)) return null;
  if (key in target) return target[key] ?? null;
  const found = Object.keys(target).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? null : (target[found] ?? null);
}

class Parser {
  private position = 0;
  private depth = 0;

  constructor(
    private readonly expression: string,
    private readonly tokens: Token[],
    private readonly scope: Scope,
  ) {}

  parse(): Value {
    const value = this.or();
    if (this.position < this.tokens.length) this.fail(`unexpected "${this.peek()?.value}"`);
    return value;
  }

  private fail(why: string): never {
    throw new ExpressionError(this.expression, why);
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private takeOp(op: string): boolean {
    const token = this.peek();
    if (token?.kind === "op" && token.value === op) {
      this.position++;
      return true;
    }
    return false;
  }

  private expectOp(op: string): void {
    if (!this.takeOp(op)) this.fail(`expected "${op}"`);
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail("nested too deeply");
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private or(): Value {
    let left = this.and();
    while (this.takeOp("||")) {
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  private and(): Value {
    let left = this.equality();
    while (this.takeOp("&&")) {
      const right = this.equality();
      left = truthy(left) ? right : left;
    }
    return left;
  }

  private equality(): Value {
    let left = this.comparison();
    for (;;) {
      if (this.takeOp("==")) left = equal(left, this.comparison());
      else if (this.takeOp("!=")) left = !equal(left, this.comparison());
      else return left;
    }
  }

  private comparison(): Value {
    let left = this.unary();
    for (;;) {
      const op = ["<=", ">=", "<", ">"].find((o) => this.takeOp(o));
      if (op === undefined) return left;
      const order = compare(left, this.unary());
      left = op === "<" ? order < 0 : op === "<=" ? order <= 0 : op === ">" ? order > 0 : order >= 0;
    }
  }

  private unary(): Value {
    if (this.takeOp("!")) return this.nested(() => !truthy(this.unary()));
    return this.postfix(this.primary());
  }

  private primary(): Value {
    const token = this.peek();
    if (!token) return this.fail("ends too early");
    this.position++;
    if (token.kind === "string" || token.kind === "number") return token.value;
    if (token.kind === "op") {
      if (token.value !== "(") return this.fail(`unexpected "${token.value}"`);
      const inner = this.nested(() => this.or());
      this.expectOp(")");
      return inner;
    }
    const word = token.value;
    if (word === "true") return true;
    if (word === "false") return false;
    if (word === "null") return null;
    if (this.takeOp("(")) return this.call(word);
    const context = Object.keys(this.scope.contexts).find(
      (name) => name.toLowerCase() === word.toLowerCase(),
    );
    if (context === undefined) this.fail(`unknown context "${word}"`);
    return this.scope.contexts[context] ?? null;
  }

  private postfix(start: Value): Value {
    let value = start;
    for (;;) {
      if (this.takeOp(".")) {
        const token = this.peek();
        if (token?.kind === "op" && token.value === "*") {
          this.position++;
          value = value !== null && typeof value === "object" ? Object.values(value) : [];
        } else if (token?.kind === "word") {
          this.position++;
          value = Array.isArray(value)
            ? value.map((v) => property(v, token.value))
            : property(value, token.value);
        } else {
          this.fail('expected a property name after "."');
        }
      } else if (this.takeOp("[")) {
        const key = this.nested(() => this.or());
        this.expectOp("]");
        value = Array.isArray(value)
          ? (value[toNumber(key)] ?? null)
          : property(value, typeof key === "string" ? key : stringify(key));
      } else {
        return value;
      }
    }
  }

  private call(name: string): Value {
    const args: Value[] = [];
    if (!this.takeOp(")")) {
      do args.push(this.nested(() => this.or()));
      while (this.takeOp(","));
      this.expectOp(")");
    }
    const text = (i: number) => stringify(args[i] ?? null);
    const { status } = this.scope;
    switch (name.toLowerCase()) {
      case "always":
        return true;
      case "success":
        return status.success;
      case "failure":
        return status.failure;
      case "cancelled":
        return status.cancelled;
      case "contains": {
        const haystack = args[0] ?? null;
        if (Array.isArray(haystack)) return haystack.some((item) => equal(item, args[1] ?? null));
        return text(0).toLowerCase().includes(text(1).toLowerCase());
      }
      case "startswith":
        return text(0).toLowerCase().startsWith(text(1).toLowerCase());
      case "endswith":
        return text(0).toLowerCase().endsWith(text(1).toLowerCase());
      case "format":
        return text(0)
          .replace(/\{(\d+)\}/g, (_, i: string) => text(Number(i) + 1))
          .replace(/\{\{/g, "{")
          .replace(/\}\}/g, "}");
      case "join": {
        const list = args[0] ?? null;
        return Array.isArray(list)
          ? list.map(stringify).join(args[1] === undefined ? "," : text(1))
          : text(0);
      }
      case "tojson":
        return JSON.stringify(args[0] ?? null, null, 2);
      case "fromjson":
        return JSON.parse(text(0)) as Value;
      default:
        return this.fail(`unknown function ${name}()`);
    }
  }
}

/** Evaluate one expression (without its `${{ }}`). */
export function evaluate(expression: string, scope: Scope): Value {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(expression.slice(0, 40), `longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  return new Parser(expression, tokenize(expression), scope).parse();
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/** Replace every `${{ … }}` in a text with its value, as the runner does for `with:`, `env:` and outputs. */
export function interpolate(text: string, scope: Scope): string {
  return text.replace(TEMPLATE, (_, inner: string) => stringify(evaluate(inner.trim(), scope)));
}

/**
 * An `if:` condition: the whole text, `${{ }}` optional. Without a status function, `success() &&` is
 * implied, as GitHub does.
 */
export function condition(text: string | boolean | undefined, scope: Scope): boolean {
  if (text === undefined) return scope.status.success;
  if (typeof text === "boolean") return text && scope.status.success;
  const trimmed = text.trim();
  const whole = /^\$\{\{([\s\S]*)\}\}$/.exec(trimmed);
  const expression = whole ? (whole[1] ?? "").trim() : trimmed;
  const usesStatus = /\b(always|success|failure|cancelled)\s*\(/i.test(
    expression.replace(/'(?:[^']|'')*'/g, ""),
  );
  const value = truthy(evaluate(expression, scope));
  return usesStatus ? value : value && scope.status.success;
}
