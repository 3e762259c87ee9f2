import { GateError } from "@mlgate/core";

/**
 * A small subset of JSONPath for picking numbers out of an answer: `$.data.p95`, `result[0].value`,
 * `$['latency ms']`, `items[*].score`, `probabilities[-1]`. No filters or recursive descent:
 * a metric path names one place, or one list of places.
 */
export type PathSegment = { key: string } | { index: number } | { wildcard: true };

export const MAX_PATH_LENGTH = 500;
const MAX_SEGMENTS = 32;
/** Wildcards can fan out; a metric needs no more values than this. */
export const MAX_PATH_RESULTS = 100_000;

function syntax(path: string, offset: number, reason: string): GateError {
  return new GateError(
    `path "${path}": ${reason} at column ${offset + 1}\n  ${path}\n  ${" ".repeat(offset)}^`,
    {
      hint: "write a path such as $.data.p95, result[0].value or items[*].score",
    },
  );
}

/** Parse a path; throws a GateError with a caret under the fault. */
export function parsePath(path: string): PathSegment[] {
  if (path.length > MAX_PATH_LENGTH) throw new GateError(`a path is at most ${MAX_PATH_LENGTH} characters`);
  const segments: PathSegment[] = [];
  let i = 0;
  if (path.startsWith("$")) i = 1;
  const name = /^[A-Za-z_][A-Za-z0-9_-]*/;
  const push = (s: PathSegment) => {
    if (segments.length >= MAX_SEGMENTS) throw syntax(path, i, `more than ${MAX_SEGMENTS} steps`);
    segments.push(s);
  };
  // A bare leading name (`data.p95`) reads as `$.data.p95`.
  if (i === 0 && name.test(path)) {
    const m = name.exec(path)!;
    push({ key: m[0] });
    i = m[0].length;
  }
  while (i < path.length) {
    const c = path[i];
    if (c === ".") {
      i++;
      if (path[i] === "*") {
        push({ wildcard: true });
        i++;
        continue;
      }
      const m = name.exec(path.slice(i));
      if (!m) throw syntax(path, i, "expected a name after the dot");
      push({ key: m[0] });
      i += m[0].length;
    } else if (c === "[") {
      i++;
      if (path[i] === "*" && path[i + 1] === "]") {
        push({ wildcard: true });
        i += 2;
        continue;
      }
      const quote = path[i];
      if (quote === "'" || quote === '"') {
        let key = "";
        i++;
        while (i < path.length && path[i] !== quote) {
          if (path[i] === "\\" && i + 1 < path.length) i++;
          key += path[i];
          i++;
        }
        if (path[i] !== quote) throw syntax(path, i, "unterminated quoted name");
        i++;
        if (path[i] !== "]") throw syntax(path, i, 'expected "]"');
        i++;
        push({ key });
        continue;
      }
      const m = /^-?\d{1,9}/.exec(path.slice(i));
      if (!m) throw syntax(path, i, "expected an index, a quoted name or *");
      i += m[0].length;
      if (path[i] !== "]") throw syntax(path, i, 'expected "]"');
      i++;
      push({ index: Number(m[0]) });
    } else {
      throw syntax(path, i, `unexpected "${c}"`);
    }
  }
  return segments;
}

/** Every value the path reaches in `root` (none when a step is missing). */
export function selectPath(root: unknown, segments: readonly PathSegment[]): unknown[] {
  let current: unknown[] = [root];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of current) {
      if ("wildcard" in segment) {
        if (Array.isArray(value)) next.push(...value);
        else if (value !== null && typeof value === "object") next.push(...Object.values(value));
      } else if ("index" in segment) {
        if (Array.isArray(value)) {
          const at = segment.index < 0 ? value.length + segment.index : segment.index;
          if (at >= 0 && at < value.length) next.push(value[at]);
        }
      } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        if (Object.hasOwn(value, segment.key)) next.push((value as Record<string, unknown>)[segment.key]);
      }
      if (next.length > MAX_PATH_RESULTS) {
        throw new GateError(`the path selects more than ${MAX_PATH_RESULTS} values`);
      }
    }
    current = next;
  }
  return current;
}

/** The numbers at the path: numbers, numeric strings, and the numbers of a list the path ends on. */
export function numbersAt(root: unknown, segments: readonly PathSegment[]): number[] {
  const out: number[] = [];
  const take = (v: unknown) => {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
    if (Number.isFinite(n)) out.push(n);
  };
  for (const value of selectPath(root, segments)) {
    if (Array.isArray(value)) value.slice(0, MAX_PATH_RESULTS).forEach(take);
    else take(value);
  }
  return out;
}
