import { readFile, stat } from "node:fs/promises";
import { GateError } from "./errors.js";
import { findJsonSyntaxError } from "./json-syntax.js";

export interface ReadLimits {
  /** Refuse files larger than this many bytes (read nothing). */
  maxBytes: number;
}

/** What the file is, for messages: "metrics file", "config file". */
type Role = string;

/** Read a UTF-8 text file with a size cap; every failure is a GateError naming the file. */
export async function readTextFile(path: string, role: Role, limits: ReadLimits): Promise<string> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new GateError(`${role} ${path} is not a regular file`);
    size = info.size;
  } catch (e) {
    if (e instanceof GateError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateError(
      code === "ENOENT" ? `${role} not found: ${path}` : `cannot read ${role} ${path}: ${code}`,
      {
        hint:
          code === "ENOENT" ? "check the path (relative paths start at the working directory)" : undefined,
        cause: e,
      },
    );
  }
  if (size > limits.maxBytes) {
    throw new GateError(`${role} ${path} is ${size} bytes, over the limit of ${limits.maxBytes} bytes`);
  }
  const bytes = await readFile(path);
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\uFFFD") || bytes.includes(0)) {
    throw new GateError(`${role} ${path} is not UTF-8 text`, { location: { file: path } });
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** JSON.parse with a GateError that points at the line and column of a syntax error. */
export function parseJsonText(text: string, file: string, role: Role): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    // V8's messages often omit the position; the scanner finds it and names the usual slips.
    const found = findJsonSyntaxError(text);
    const reason = found?.message ?? (e instanceof Error ? e.message : String(e));
    const location = found ? { file, ...lineColumnAt(text, found.offset) } : { file };
    throw new GateError(`${role} is not valid JSON: ${reason}`, { location, cause: e });
  }
}
