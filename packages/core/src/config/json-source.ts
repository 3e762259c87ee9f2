import { LineCounter } from "yaml";
import { GateError } from "../errors.js";
import { findJsonSyntaxError } from "../json-syntax.js";
import { ConfigError } from "./config-error.js";
import type { ConfigLimits } from "./limits.js";
import type { ConfigSource } from "./source.js";
import { yamlLocator } from "./source.js";
import { lineColumn } from "./text.js";
import { parseYamlDocument, yamlErrorIssues } from "./yaml-source.js";

const HINT = "config files are small and shallow; these limits stop runaway or malicious files";

/** The offending line with a caret under the column. */
function codeFrame(text: string, offset: number): string[] {
  const { column } = lineColumn(text, offset);
  const start = offset - (column - 1);
  const end = text.indexOf("\n", start);
  const line = text.slice(start, end === -1 ? undefined : end).replace(/\r$/, "");
  // Keep long (minified) lines readable: a window around the column.
  const from = Math.max(0, column - 60);
  const shown = (from > 0 ? "…" : "") + line.slice(from, from + 120);
  return [shown, `${" ".repeat(column - 1 - from + (from > 0 ? 1 : 0))}^`];
}

/** Depth and size of a parsed JSON value, iteratively (JSON.parse accepts any nesting). */
function checkValueLimits(value: unknown, file: string, limits: ConfigLimits): void {
  const stack: [unknown, number][] = [[value, 1]];
  let nodes = 0;
  while (stack.length > 0) {
    const [v, level] = stack.pop()!;
    if (++nodes > limits.maxNodes) {
      throw new GateError(`the document has more than ${limits.maxNodes} values`, {
        location: { file },
        hint: HINT,
      });
    }
    if (v === null || typeof v !== "object") continue;
    if (level > limits.maxDepth) {
      throw new GateError(`nesting is deeper than ${limits.maxDepth} levels`, {
        location: { file },
        hint: HINT,
      });
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, level + 1]);
  }
}

export function parseJsonSource(text: string, file: string, limits: ConfigLimits): ConfigSource {
  if (text.trim() === "") return { format: "json", value: {}, locate: () => undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const found = findJsonSyntaxError(text) ?? {
      offset: 0,
      message: e instanceof Error ? e.message : String(e),
    };
    const at = lineColumn(text, found.offset);
    throw new ConfigError(
      file,
      [{ path: [], message: `invalid JSON: ${found.message}`, ...at, detail: codeFrame(text, found.offset) }],
      {
        cause: e,
      },
    );
  }
  checkValueLimits(value, file, limits);
  // JSON is YAML too: its parser gives node positions for messages and catches duplicate keys,
  // which JSON.parse silently lets the last one win.
  const lineCounter = new LineCounter();
  const doc = parseYamlDocument(text, lineCounter);
  const duplicates = doc.errors.filter((e) => e.code === "DUPLICATE_KEY");
  if (duplicates.length > 0) {
    throw new ConfigError(file, yamlErrorIssues(doc, lineCounter, "JSON", duplicates));
  }
  const locate = doc.errors.length === 0 ? yamlLocator(doc, lineCounter, text) : () => undefined;
  return { format: "json", value: value ?? {}, locate };
}
