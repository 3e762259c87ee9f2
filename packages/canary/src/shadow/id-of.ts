import type { PathSegment } from "../metrics/json-path.js";
import { selectPath } from "../metrics/json-path.js";

/** Ids longer than this are not ids. */
export const MAX_ID_LENGTH = 200;

/** The request id at `path` in a log line: a non-empty string or a whole number, else undefined. */
export function idAt(line: unknown, path: readonly PathSegment[]): string | undefined {
  const value = selectPath(line, path)[0];
  if (typeof value === "string" && value !== "" && value.length <= MAX_ID_LENGTH) return value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return undefined;
}
