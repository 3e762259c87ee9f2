import { GateError, UNITS } from "@mlgate/core";

/** A step as written, before scaling: weight in percent, bake time in ms (undefined when not given). */
export interface WrittenStep {
  weight: number;
  bakeMs?: number;
}

/** Plans are one line; anything longer is a paste accident. */
export const MAX_STEPS_TEXT = 2000;
export const MAX_STEPS = 50;
/** Longest bake time of one step: a day. */
export const MAX_BAKE_MS = 24 * 3_600_000;

class StepSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

/** The text with a caret under `offset`, for messages. */
function caret(text: string, offset: number): string {
  const shown = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return `  ${shown}\n  ${" ".repeat(Math.min(offset, shown.length))}^`;
}

const NUMBER = /^(?:\d+(?:\.\d+)?|\.\d+)/;
const UNIT = /^(?:ms|us|µs|ns|min|s|m|h)/;

/**
 * Parse a compact plan such as `5% 5m, 25% 10m, 50% 10m, 100%`. Steps are separated by commas
 * (or `->`); each is a weight with `%`, optionally followed by a bake time (`5m`, `for 30s`).
 * Throws a GateError with a caret under the offending character; `where` names the setting.
 */
export function parseSteps(text: string, where: string): WrittenStep[] {
  if (text.length > MAX_STEPS_TEXT) {
    throw new GateError(`${where} is ${text.length} characters long; the limit is ${MAX_STEPS_TEXT}`);
  }
  try {
    return parseOrThrow(text);
  } catch (e) {
    if (!(e instanceof StepSyntaxError)) throw e;
    throw new GateError(
      `${where} "${text.length > 60 ? `${text.slice(0, 57)}...` : text}": ${e.reason} at column ${e.offset + 1}\n${caret(text, e.offset)}`,
      { hint: "write steps as WEIGHT% DURATION separated by commas, e.g. 5% 5m, 25% 10m, 50% 10m, 100%" },
    );
  }
}

function parseOrThrow(text: string): WrittenStep[] {
  const steps: WrittenStep[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skipSpace();
  if (i >= text.length) throw new StepSyntaxError("no steps", 0);
  for (;;) {
    if (steps.length >= MAX_STEPS) throw new StepSyntaxError(`more than ${MAX_STEPS} steps`, i);
    steps.push(parseOne());
    skipSpace();
    if (i >= text.length) return steps;
    if (text[i] === ",") i++;
    else if (text.startsWith("->", i)) i += 2;
    else if (text[i] === "→") i++;
    else throw new StepSyntaxError(`expected "," between steps, found "${text[i]}"`, i);
    skipSpace();
    if (i >= text.length) throw new StepSyntaxError("expected a step after the separator", i);
  }

  function parseOne(): WrittenStep {
    const start = i;
    const number = NUMBER.exec(text.slice(i));
    if (!number) throw new StepSyntaxError("expected a weight such as 5%", i);
    const weight = Number(number[0]);
    i += number[0].length;
    if (text[i] !== "%") throw new StepSyntaxError('expected "%" after the weight', i);
    i++;
    if (!(weight > 0 && weight <= 100)) {
      throw new StepSyntaxError(`weight ${weight}% is out of range (above 0%, at most 100%)`, start);
    }
    const afterWeight = i;
    skipSpace();
    if (text.startsWith("for", i) && /\s/.test(text[i + 3] ?? "")) {
      i += 3;
      skipSpace();
    }
    if (i >= text.length || text[i] === "," || text[i] === "→" || text.startsWith("->", i)) {
      if (i > afterWeight && text.slice(afterWeight, i).trim() !== "")
        throw new StepSyntaxError("expected a duration after for", i);
      return { weight };
    }
    const durationStart = i;
    const value = NUMBER.exec(text.slice(i));
    if (!value) throw new StepSyntaxError("expected a duration such as 5m or 30s", i);
    i += value[0].length;
    const unit = UNIT.exec(text.slice(i));
    if (!unit) throw new StepSyntaxError("expected a time unit (ms, s, m, h) after the number", i);
    i += unit[0].length;
    if (i < text.length && /[A-Za-z]/.test(text[i]!))
      throw new StepSyntaxError("expected a time unit (ms, s, m, h) after the number", i - unit[0].length);
    const bakeMs = Number(value[0]) * UNITS[unit[0]]!.factor;
    if (bakeMs > MAX_BAKE_MS) throw new StepSyntaxError("a bake time is at most 24h", durationStart);
    return { weight, bakeMs };
  }
}

/** The plan back as text: `5% 5m, 25% 10m, 100%` (durations in the largest whole unit). */
export function formatSteps(steps: readonly WrittenStep[]): string {
  return steps.map((s) => `${s.weight}%${s.bakeMs ? ` ${formatDuration(s.bakeMs)}` : ""}`).join(", ");
}

/** A duration in the largest whole unit: `10m`, `30s`, `1500ms`. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
