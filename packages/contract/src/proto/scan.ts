import { GateError } from "@mlgate/core";
import protobuf from "protobufjs";
import type { ProtoLimits } from "./limits.js";

/** `proto2`, `proto3`, or `edition 2023` (and later editions). */
export type ProtoSyntax = string;

export interface ScannedImport {
  path: string;
  line: number;
  weak: boolean;
}

/** What a light pass over the tokens of one file finds: the header, and the line of every declaration. */
export interface ScannedFile {
  syntax: ProtoSyntax;
  package: string;
  packageLine?: number;
  imports: ScannedImport[];
  /** Line of each declaration by dotted path: `pkg.Msg`, `pkg.Msg.field`, `pkg.Enum.VALUE`, `pkg.Svc.Rpc`. */
  lines: Map<string, number>;
}

type ScopeKind = "file" | "message" | "enum" | "service" | "oneof" | "extend" | "block";

interface Scope {
  kind: ScopeKind;
  /** Dotted path of the enclosing declaration (the message for a oneof). */
  path: string;
}

interface Token {
  text: string;
  /** A string literal's contents, not a keyword or a name. */
  literal: boolean;
  line: number;
}

const KNOWN_SYNTAX = new Set(["proto2", "proto3"]);

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

/**
 * The protobuf parser does not keep positions, so this walks the same token stream (protobufjs's own
 * tokenizer, which knows comments and strings) statement by statement and notes where each
 * declaration starts. It also enforces the nesting and declaration limits before the real parse.
 */
export function scanProtoFile(text: string, file: string, limits: ProtoLimits): ScannedFile {
  const tn = protobuf.tokenize(text, false);
  const out: ScannedFile = { syntax: "proto2", package: "", imports: [], lines: new Map() };
  const scopes: Scope[] = [{ kind: "file", path: "" }];
  let depth = 0;
  let declarations = 0;

  const fail = (message: string, line: number, hint?: string): never => {
    throw new GateError(message, { location: { file, line }, ...(hint ? { hint } : {}) });
  };
  const raw = (): string | null => {
    try {
      return tn.next();
    } catch (e) {
      // Unterminated strings and comments: the tokenizer's message names the line.
      const reason = e instanceof Error ? e.message.replace(/\s*\(line \d+\)$/, "") : String(e);
      return fail(`cannot read ${file}: ${reason}`, tn.line);
    }
  };
  const next = (): Token | null => {
    const text = raw();
    if (text === null) return null;
    const line = tn.line;
    if (text === '"' || text === "'") {
      // The tokenizer hands out a string literal as quote, contents, quote.
      const contents = raw();
      raw();
      return { text: contents ?? "", literal: true, line };
    }
    return { text, literal: false, line };
  };
  const open = (line: number): void => {
    depth++;
    if (depth > limits.maxDepth) {
      fail(
        `${file} nests deeper than ${limits.maxDepth} levels`,
        line,
        "protoc refuses messages nested more than 32 deep; these limits stop runaway or malicious files",
      );
    }
  };
  const record = (path: string, line: number): void => {
    declarations++;
    if (declarations > limits.maxDeclarations) {
      fail(`${file} declares more than ${limits.maxDeclarations} elements`, line);
    }
    if (!out.lines.has(path)) out.lines.set(path, line);
  };

  for (;;) {
    const first = next();
    if (first === null) break;
    const scope = scopes.at(-1)!;
    if (!first.literal && first.text === "}") {
      if (scopes.length > 1) scopes.pop();
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (!first.literal && first.text === ";") continue;

    // Read one statement up to `;` or the `{` that opens its body; braces inside `[...]` options
    // and after `option x =` are values, not bodies.
    const statement: Token[] = [first];
    const isOption = first.text === "option" && !first.literal;
    let brackets = 0;
    let valueBraces = 0;
    let terminator: ";" | "{" | null = null;
    for (;;) {
      const token = next();
      if (token === null) break;
      if (!token.literal) {
        const t = token.text;
        if (t === "[") brackets++;
        else if (t === "]") brackets = Math.max(0, brackets - 1);
        else if (t === "{" && (brackets > 0 || isOption || valueBraces > 0)) {
          valueBraces++;
          open(token.line);
        } else if (t === "}" && valueBraces > 0) {
          valueBraces--;
          depth = Math.max(0, depth - 1);
        } else if (brackets === 0 && valueBraces === 0 && (t === ";" || t === "{")) {
          terminator = t;
          if (t === "{") open(token.line);
          break;
        }
      }
      statement.push(token);
    }

    const kind = classify(statement, scope);
    const line = first.line;
    let pushed: Scope = { kind: "block", path: scope.path };
    switch (kind.type) {
      case "syntax": {
        const value = statement.find((t) => t.literal)?.text ?? "";
        if (first.text === "edition") out.syntax = `edition ${value}`;
        else if (KNOWN_SYNTAX.has(value)) out.syntax = value;
        else fail(`${file}: unknown syntax "${value}"`, line, 'expected syntax = "proto2" or "proto3"');
        break;
      }
      case "package": {
        out.package = statement
          .slice(1)
          .map((t) => t.text)
          .join("");
        out.packageLine = line;
        scopes[0]!.path = out.package;
        break;
      }
      case "import": {
        const path = statement.find((t) => t.literal)?.text;
        if (path !== undefined) {
          out.imports.push({ path, line, weak: statement.some((t) => !t.literal && t.text === "weak") });
        }
        break;
      }
      case "declaration": {
        const path = join(scope.path, kind.name);
        record(path, line);
        if (kind.keyword === "message") pushed = { kind: "message", path };
        else if (kind.keyword === "enum") pushed = { kind: "enum", path };
        else if (kind.keyword === "service") pushed = { kind: "service", path };
        break;
      }
      case "oneof":
        record(join(scope.path, kind.name), line);
        pushed = { kind: "oneof", path: scope.path };
        break;
      case "extend":
        pushed = { kind: "extend", path: scope.path };
        break;
      case "member":
        record(join(scope.path, kind.name), line);
        if (kind.group) {
          // `optional group Result = 1 { ... }` declares the field `result` and the message `Result`.
          const path = join(scope.path, kind.group);
          record(path, line);
          pushed = { kind: "message", path };
        }
        break;
      case "other":
        break;
    }
    if (terminator === "{") scopes.push(pushed);
  }
  return out;
}

type Statement =
  | { type: "syntax" | "package" | "import" | "extend" | "other" }
  | { type: "declaration"; keyword: "message" | "enum" | "service" | "rpc"; name: string }
  | { type: "oneof"; name: string }
  | { type: "member"; name: string; group?: string };

function classify(statement: Token[], scope: Scope): Statement {
  const words = statement.map((t) => (t.literal ? "" : t.text));
  let [head, second] = words;
  // Edition 2024 visibility prefixes.
  if ((head === "export" || head === "local") && (second === "message" || second === "enum")) {
    head = second;
    second = words[2];
  }
  if (head === "syntax" || head === "edition")
    return scope.kind === "file" ? { type: "syntax" } : { type: "other" };
  if (head === "package" || head === "import")
    return scope.kind === "file" ? { type: head } : { type: "other" };
  if (head === "option" || head === "reserved" || head === "extensions") return { type: "other" };
  if ((head === "message" || head === "enum" || head === "service") && second && second !== "=") {
    return { type: "declaration", keyword: head, name: second };
  }
  if (head === "rpc" && scope.kind === "service" && second)
    return { type: "declaration", keyword: "rpc", name: second };
  if (head === "oneof" && second && second !== "=" && scope.kind === "message")
    return { type: "oneof", name: second };
  if (head === "extend") return { type: "extend" };
  const equals = words.indexOf("=");
  if (equals < 1) return { type: "other" };
  const name = words[equals - 1]!;
  if (scope.kind === "enum") return equals === 1 ? { type: "member", name } : { type: "other" };
  if (scope.kind !== "message" && scope.kind !== "oneof") return { type: "other" };
  const groupAt = words.indexOf("group");
  if (groupAt !== -1 && groupAt < equals - 1)
    return { type: "member", name: name.toLowerCase(), group: name };
  return { type: "member", name };
}
