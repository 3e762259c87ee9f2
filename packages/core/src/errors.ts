import { makeReport, type Report } from "./report.js";

/** Where in an input file a problem sits (1-based line and column). */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

/**
 * Bad input or an unreachable dependency: the gate cannot judge. Becomes an `error` verdict whose
 * headline is `message` and whose finding points at `location`, with `hint` saying what to fix.
 */
export class GateError extends Error {
  readonly hint?: string;
  readonly location?: SourceLocation;

  constructor(message: string, options: { hint?: string; location?: SourceLocation; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GateError";
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.location !== undefined) this.location = options.location;
  }
}

export function isGateError(e: unknown): e is GateError {
  return e instanceof GateError || (e instanceof Error && e.name === "GateError");
}

/** The one-line reason shown for an error verdict: `file:line:col: message — hint`. */
export function describeError(e: unknown): string {
  if (isGateError(e)) {
    const where = formatLocation(e.location);
    return `${where ? `${where}: ` : ""}${firstLine(e.message)}${e.hint ? ` — ${e.hint}` : ""}`;
  }
  if (e instanceof Error) return `internal error: ${firstLine(e.message)}`;
  return `internal error: ${firstLine(String(e))}`;
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc?.file) return "";
  if (loc.line === undefined) return loc.file;
  return `${loc.file}:${loc.line}${loc.column === undefined ? "" : `:${loc.column}`}`;
}

/** Turn anything thrown by a gate into the `error` Report that explains it. */
export function errorReport(gate: string, e: unknown): Report {
  const headline = describeError(e);
  const message = e instanceof Error ? e.message : String(e);
  const loc = isGateError(e) ? e.location : undefined;
  return makeReport({
    gate,
    verdict: "error",
    headline,
    findings: [
      {
        rule: isGateError(e) ? "input" : "internal",
        level: "fail",
        message: firstLine(message),
        ...(loc?.file ? { file: loc.file } : {}),
        ...(loc?.line !== undefined ? { line: loc.line } : {}),
        ...(loc?.column !== undefined ? { column: loc.column } : {}),
      },
    ],
    // Multi-line messages (a caret under the offending character, every problem of a config file) stay whole.
    ...(message.includes("\n") ? { details: message } : {}),
  });
}
