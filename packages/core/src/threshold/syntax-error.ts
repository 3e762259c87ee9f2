import { GateError } from "../errors.js";

export interface SyntaxErrorDetails {
  /** Lines printed under the caret: `did you mean "ms"?`, `expected one of: ...`. */
  notes?: readonly string[];
  /** Position in a list of thresholds, set by `parseThresholds`. */
  index?: number;
}

/**
 * A threshold that does not parse. `position` is a 0-based index into `source` (the trimmed text)
 * and `length` the number of characters at fault (0 when something is missing at that point).
 */
export class ThresholdSyntaxError extends GateError {
  readonly source: string;
  readonly position: number;
  readonly length: number;
  /** The bare reason, without the source or the caret: `unknown unit "xs"`. */
  readonly reason: string;
  readonly notes: readonly string[];
  readonly index?: number;

  constructor(
    source: string,
    position: number,
    length: number,
    reason: string,
    details: SyntaxErrorDetails = {},
  ) {
    const pos = Math.min(Math.max(0, position), source.length);
    const len = Math.min(Math.max(0, length), source.length - pos);
    const notes = details.notes ?? [];
    super(renderMessage(source, pos, len, reason, notes, details.index));
    this.name = "ThresholdSyntaxError";
    this.source = source;
    this.position = pos;
    this.length = len;
    this.reason = reason;
    this.notes = notes;
    if (details.index !== undefined) this.index = details.index;
  }

  /** 1-based column in characters (code points), as shown in the message. */
  get column(): number {
    return codePoints(this.source.slice(0, this.position)) + 1;
  }

  /** The same error, labelled as entry `index` of a list. */
  withIndex(index: number): ThresholdSyntaxError {
    return new ThresholdSyntaxError(this.source, this.position, this.length, this.reason, {
      notes: this.notes,
      index,
    });
  }
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Control characters would break the caret alignment (and the terminal); show them as spaces. */
function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

const WINDOW = 72;

/** The source line and a caret line under the offending characters, windowed around long input. */
export function caretLines(
  source: string,
  position: number,
  length: number,
  indent = "  ",
): [string, string] {
  let start = 0;
  let end = source.length;
  if (source.length > WINDOW) {
    start = Math.max(0, Math.min(position - WINDOW / 2, source.length - WINDOW));
    end = Math.min(source.length, start + WINDOW);
  }
  const before = (start > 0 ? "…" : "") + printable(source.slice(start, position));
  const shown = before + printable(source.slice(position, end)) + (end < source.length ? "…" : "");
  const marked = Math.max(1, codePoints(source.slice(position, Math.min(position + length, end))));
  return [indent + shown, indent + " ".repeat(codePoints(before)) + "^".repeat(marked)];
}

function quoteSource(source: string): string {
  const shown = printable(source);
  return `"${shown.length > 80 ? `${shown.slice(0, 77)}…` : shown}"`;
}

function renderMessage(
  source: string,
  position: number,
  length: number,
  reason: string,
  notes: readonly string[],
  index: number | undefined,
): string {
  const column = codePoints(source.slice(0, position)) + 1;
  const prefix = index === undefined ? "" : `thresholds[${index}]: `;
  const head = `${prefix}invalid threshold ${quoteSource(source)}: ${reason} (column ${column})`;
  return [head, ...(source.length > 0 ? caretLines(source, position, length) : []), ...notes].join("\n");
}
