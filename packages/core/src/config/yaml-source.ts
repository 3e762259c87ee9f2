import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from "yaml";
import { GateError } from "../errors.js";
import { ConfigError, type ConfigIssue } from "./config-error.js";
import type { ConfigLimits } from "./limits.js";
import type { KeyPath } from "./paths.js";
import { type ConfigSource, yamlLocator } from "./source.js";
import { checkStructure } from "./structure.js";
import { lineColumn } from "./text.js";

// Markers the lexer inserts that are not source text (document, scalar and flow-error starts).
const LEXER_MARKERS = new Set(["\u0002", "\u0018", "\u001f"]);

/**
 * The YAML parser slows down badly on pathologically deep input (`[[[[…`, `- - - …`), so refuse it
 * from the token stream first. Both counts are lower bounds of the real depth, so nothing the later
 * exact check would accept is refused here.
 */
export function prescanYamlDepth(
  text: string,
  file: string,
  maxDepth: number,
  hint = "config files are small and shallow; these limits stop runaway or malicious files",
): void {
  let flow = 0;
  let onLine = 0;
  let offset = 0;
  let scalar = false;
  for (const token of new Lexer().lex(text)) {
    if (LEXER_MARKERS.has(token)) {
      // After the scalar marker comes a value, even one spelt like an indicator (`a: -`).
      scalar = token === "\u001f";
      continue;
    }
    const start = offset;
    offset += token.length;
    const value = scalar;
    scalar = false;
    if (value) continue;
    if (token === "[" || token === "{") flow++;
    else if (token === "]" || token === "}") flow = Math.max(0, flow - 1);
    else if ((token === "-" || token === "?") && flow === 0) onLine++;
    else if (token.includes("\n")) onLine = 0;
    if (flow > maxDepth || onLine > maxDepth) {
      throw new GateError(`nesting is deeper than ${maxDepth} levels`, {
        location: { file, ...lineColumn(text, start) },
        hint,
      });
    }
  }
}

/** Strict parse options shared by YAML and (for positions) JSON files. */
export function parseYamlDocument(text: string, lineCounter: LineCounter): Document.Parsed {
  return parseDocument(text, {
    lineCounter,
    prettyErrors: true,
    uniqueKeys: true,
    // Keys are always strings in a config; `? [a, b]: x` is an error rather than a stringified key.
    stringKeys: true,
    // `<<: *defaults` is the one YAML 1.1 idiom people still use to share settings between gates.
    merge: true,
    // No Dates, Sets or binary blobs from `!!timestamp`-style tags: plain JSON-like values only.
    resolveKnownTags: false,
    version: "1.2",
    keepSourceTokens: false,
  });
}

/** `yaml`'s pretty message is `text at line L, column C:\n\n<frame>`; split the parts apart. */
function splitYamlMessage(error: YAMLError): { text: string; frame: string[] } {
  const [head = "", ...rest] = error.message.split("\n");
  const text = head.replace(/ at line \d+, column \d+:?$/, "");
  const frame = [...rest];
  while (frame[0]?.trim() === "") frame.shift();
  while (frame.at(-1)?.trim() === "") frame.pop();
  return { text: text.charAt(0).toLowerCase() + text.slice(1), frame };
}

/** Walk the mappings of the document with their key paths (iteratively, depth is already bounded). */
function* mappings(doc: Document): Generator<{ node: Node; path: KeyPath }> {
  const stack: { node: unknown; path: KeyPath }[] = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (isMap(node)) {
      yield { node, path };
      for (const pair of node.items) {
        if (isScalar(pair.key)) stack.push({ node: pair.value, path: [...path, String(pair.key.value)] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        stack.push({ node: item, path: [...path, i] });
      });
    }
  }
}

/** Turn `Map keys must be unique` into an issue naming the key, its path and both lines. */
function duplicateKeyIssue(
  doc: Document,
  lineCounter: LineCounter,
  error: YAMLError,
): ConfigIssue | undefined {
  const offset = error.pos[0];
  for (const { node, path } of mappings(doc)) {
    if (!isMap(node)) continue;
    const second = node.items.findIndex((p) => isScalar(p.key) && p.key.range?.[0] === offset);
    if (second === -1) continue;
    const key = node.items[second]!.key as Node & { value: unknown };
    const first = node.items.find(
      (p, i) => i < second && isScalar(p.key) && String(p.key.value) === String(key.value),
    );
    const at = lineCounter.linePos(offset);
    const was =
      first && isScalar(first.key) && first.key.range ? lineCounter.linePos(first.key.range[0]) : undefined;
    const where = !was
      ? ""
      : was.line === at.line
        ? ` (line ${at.line}, columns ${was.col} and ${at.col})`
        : ` (lines ${was.line} and ${at.line})`;
    return {
      path,
      message: `duplicate key ${JSON.stringify(String(key.value))}${where}`,
      line: at.line,
      column: at.col,
    };
  }
  return undefined;
}

/** Every parse error of the document as issues, duplicate keys named with both of their lines. */
export function yamlErrorIssues(
  doc: Document,
  lineCounter: LineCounter,
  label: string,
  errors: readonly YAMLError[] = doc.errors,
): ConfigIssue[] {
  return errors.map((error) => {
    if (error.code === "DUPLICATE_KEY") {
      const issue = duplicateKeyIssue(doc, lineCounter, error);
      if (issue) return issue;
    }
    const { text, frame } = splitYamlMessage(error);
    const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    return { path: [], message: `invalid ${label}: ${text}`, line: pos.line, column: pos.col, detail: frame };
  });
}

export function parseYamlSource(text: string, file: string, limits: ConfigLimits): ConfigSource {
  prescanYamlDepth(text, file, limits.maxDepth);
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, lineCounter);
  if (doc.errors.length > 0) throw new ConfigError(file, yamlErrorIssues(doc, lineCounter, "YAML"));
  checkStructure(doc, lineCounter, file, limits);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxNodes });
  } catch (e) {
    // Only the alias guard is expected here; anything else is still a fault of the input.
    throw new GateError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, {
      location: { file },
      cause: e,
    });
  }
  return { format: "yaml", value: value ?? {}, locate: yamlLocator(doc, lineCounter, text) };
}
