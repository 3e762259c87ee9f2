import type { Dimension } from "../report.js";
import { closestMatches, didYouMean } from "../suggest.js";
import { isOperatorChar, Scanner } from "./lexer.js";
import { ThresholdSyntaxError } from "./syntax-error.js";
import {
  COMPARATORS,
  type Comparator,
  DEFAULT_FUNCTIONS,
  MAX_THRESHOLD_LENGTH,
  type ParseOptions,
  type Threshold,
} from "./types.js";
import { dimensionNoun, lookupUnit, suggestUnits, UNIT_NAMES } from "./unit-names.js";

/*
 * Grammar (whitespace allowed between tokens, never required):
 *
 *   threshold := [ ("warn" | "fail") ":" ] [ "slice" "(" scope ")" ":" ] subject comparator limit
 *   scope     := "*" | quoted | a run of letters, digits and _ . - = /   (one slice, or every slice)
 *   subject   := name | function "(" name ")"
 *   name      := identifier | quoted          (see lexer.ts)
 *   limit     := number [ unit ]              (a space before the unit is fine: `50 MiB`)
 *
 * A leading `warn:` / `fail:` is always the level, so a metric whose name starts that way must be quoted.
 */

const LEVEL_PREFIX = /^(warn|fail)\s*:/i;
const EXAMPLE = "e.g. p95 < 250ms, accuracy >= 0.92, warn: delta(f1) >= -0.005";
const EXPECTED_OPERATORS = `expected one of: ${COMPARATORS.join(", ")}`;

/** Operators from other languages, and what they are spelled as here. */
const OPERATOR_FIXES: Readonly<Record<string, Comparator>> = {
  "=": "==",
  "===": "==",
  "=>": ">=",
  "=<": "<=",
  "<>": "!=",
  "!": "!=",
  "!==": "!=",
  "≤": "<=",
  "≥": ">=",
  "≠": "!=",
};

const NON_FINITE = /^(nan|inf|infinity)$/i;
const CONJUNCTION = /^(and|or|&&|\|\||&|\|)$/i;

interface Subject {
  fn: string | null;
  metric: string;
  /** The subject as written, for messages: `delta(f1)`. */
  text: string;
}

export function parseThreshold(source: string, options: ParseOptions = {}): Threshold {
  if (typeof source !== "string") {
    throw new ThresholdSyntaxError(String(source), 0, 0, `expected text, got ${typeof source}`, {
      notes: [EXAMPLE],
    });
  }
  const text = source.trim();
  if (text.length === 0) throw new ThresholdSyntaxError(text, 0, 0, "empty threshold", { notes: [EXAMPLE] });
  if (text.length > MAX_THRESHOLD_LENGTH) {
    throw new ThresholdSyntaxError(
      text,
      MAX_THRESHOLD_LENGTH,
      text.length - MAX_THRESHOLD_LENGTH,
      `threshold is too long (${text.length} characters, the limit is ${MAX_THRESHOLD_LENGTH})`,
    );
  }

  const s = new Scanner(text);
  let level: Threshold["level"] = "fail";
  const prefix = LEVEL_PREFIX.exec(text);
  if (prefix) {
    level = prefix[1]!.toLowerCase() as Threshold["level"];
    s.pos = prefix[0].length;
    s.skipSpace();
    if (s.done) s.fail(`missing metric after "${prefix[0]}"`, s.pos, 0, [EXAMPLE]);
  }

  const slice = parseSliceScope(s);

  const subject = parseSubject(s, options.functions ?? DEFAULT_FUNCTIONS);
  s.skipSpace();
  const op = parseComparator(s, subject);
  s.skipSpace();
  const limit = parseLimit(s, subject, op);
  s.skipSpace();
  if (!s.done) rejectTrailing(s);

  const threshold: Threshold = {
    source: text,
    level,
    ...(slice === undefined ? {} : { slice }),
    fn: subject.fn,
    metric: subject.metric,
    op,
    value: limit.value,
    dimension: limit.dimension,
  };
  if (limit.unit !== undefined) threshold.unit = limit.unit;
  return threshold;
}

/** Parse a list; the first bad entry throws, labelled with its index. */
export function parseThresholds(sources: readonly string[], options: ParseOptions = {}): Threshold[] {
  return sources.map((source, index) => {
    try {
      return parseThreshold(source, options);
    } catch (e) {
      throw e instanceof ThresholdSyntaxError ? e.withIndex(index) : e;
    }
  });
}

const SLICE_SCOPE = /^slice\s*\(/;
const SLICE_NAME = /^[A-Za-z0-9_.\-=/]+/;

/** `slice(fr):` or `slice(*):` before the subject; undefined when the threshold is not scoped. */
function parseSliceScope(s: Scanner): string | undefined {
  const rest = s.src.slice(s.pos);
  const open = SLICE_SCOPE.exec(rest);
  // `slice` is never a function, so `slice(` always opens a scope.
  if (!open) return undefined;
  const start = s.pos;
  s.pos += open[0].length;
  s.skipSpace();
  let name: string;
  if (s.peek() === "*") {
    name = "*";
    s.pos++;
  } else if (s.peek() === '"') {
    name = s.readQuoted();
  } else {
    const bare = SLICE_NAME.exec(s.src.slice(s.pos))?.[0];
    if (!bare)
      s.fail("expected a slice name or * inside slice(...)", s.pos, 1, [
        "e.g. slice(fr): accuracy >= 0.8, slice(*): delta(f1) >= -0.02",
      ]);
    name = bare;
    s.pos += bare.length;
  }
  s.skipSpace();
  if (s.peek() !== ")") {
    if (s.done) s.fail('unclosed "slice("', start, open[0].length, ["e.g. slice(fr): accuracy >= 0.8"]);
    s.fail('expected ")" after the slice name', s.pos, 1, [
      'quote slice names with unusual characters: slice("age>60")',
    ]);
  }
  s.pos++;
  s.skipSpace();
  if (s.peek() !== ":")
    s.fail('expected ":" after the slice scope', s.pos, 1, ["e.g. slice(fr): accuracy >= 0.8"]);
  s.pos++;
  s.skipSpace();
  if (s.done) s.fail("missing metric after the slice scope", s.pos, 0, [EXAMPLE]);
  return name;
}

function parseName(s: Scanner): string | undefined {
  if (s.peek() === '"') return s.readQuoted();
  if (s.peek() === "'")
    s.fail("metric names are quoted with double quotes", s.pos, 1, ['e.g. "slice:age>60/f1" >= 0.8']);
  return s.readIdent();
}

function parseSubject(s: Scanner, functions: readonly string[]): Subject {
  const start = s.pos;
  const name = parseName(s);
  if (name === undefined) return rejectSubject(s);
  if (s.src[start] === '"') return { fn: null, metric: name, text: s.src.slice(start, s.pos) };

  const afterName = s.pos;
  s.skipSpace();
  if (s.peek() === "(") return parseCall(s, name, start, functions);
  s.pos = afterName;

  // `warning: p99 < 1s` lexes as the metric "warning:"; say what is wrong instead of "expected an operator".
  if (name.endsWith(":")) {
    s.skipSpace();
    const followedByName = s.identStartsHere() || s.peek() === '"';
    s.pos = afterName;
    if (followedByName) {
      const word = name.slice(0, -1);
      const levelTwice = /^(warn|fail)$/i.test(word) && LEVEL_PREFIX.test(s.src);
      s.fail(levelTwice ? "the level is given twice" : `unknown level "${word}"`, start, name.length, [
        "expected one of: warn:, fail:",
      ]);
    }
  }
  return { fn: null, metric: name, text: name };
}

function parseCall(s: Scanner, fn: string, start: number, functions: readonly string[]): Subject {
  if (!functions.includes(fn)) {
    const hint = didYouMean(closestMatches(fn, functions));
    s.fail(`unknown function "${fn}"`, start, fn.length, [
      ...(hint ? [hint] : []),
      functions.length > 0 ? `expected one of: ${functions.join(", ")}` : "no functions are available here",
    ]);
  }
  const open = s.pos;
  s.pos++;
  s.skipSpace();
  if (s.done) s.fail(`unclosed "(" after "${fn}"`, open, 1, [`expected ${fn}(metric)`]);
  if (s.peek() === ")") s.fail(`missing metric inside "${fn}()"`, s.pos, 1, [`expected ${fn}(metric)`]);
  const argStart = s.pos;
  const metric = parseName(s);
  if (metric === undefined) {
    s.fail(`expected a metric name inside "${fn}(", got ${s.describe()}`, s.pos, s.wordLength(), [
      `expected ${fn}(metric)`,
    ]);
  }
  const argEnd = s.pos;
  s.skipSpace();
  const c = s.peek();
  if (c === "(" && s.src[argStart] !== '"') {
    s.fail("functions cannot be nested", argStart, argEnd - argStart, [`expected ${fn}(metric)`]);
  }
  if (c === ",") s.fail(`"${fn}" takes one metric`, s.pos, 1, [`expected ${fn}(metric)`]);
  if (c !== ")") {
    if (s.done || isOperatorChar(c))
      s.fail(`unclosed "(" after "${fn}"`, open, 1, [`expected ")" after ${metric}`]);
    s.fail(`expected ")" after ${metric}, got ${s.describe()}`, s.pos, s.wordLength());
  }
  s.pos++;
  return { fn, metric, text: s.src.slice(start, s.pos) };
}

function rejectSubject(s: Scanner): never {
  if (s.numberStartsHere()) {
    s.fail(`expected a metric name, got ${s.describe()}`, s.pos, s.wordLength(), [
      "the metric comes first: p95 < 250ms, not 250ms > p95",
    ]);
  }
  if (isOperatorChar(s.peek())) s.fail(`missing metric before "${s.peek()}"`, s.pos, 0, [EXAMPLE]);
  if (s.peek() === "(") s.fail('missing function name before "("', s.pos, 1, [EXAMPLE]);
  return s.fail(`expected a metric name, got ${s.describe()}`, s.pos, s.wordLength(), [
    'names start with a letter or _ and go on with letters, digits and _ . : / - [ ]; quote other names: "slice:age>60/f1"',
  ]);
}

function parseComparator(s: Scanner, subject: Subject): Comparator {
  const start = s.pos;
  const run = s.readOperatorRun();
  if (run === "") {
    if (s.done) s.fail(`missing comparison after ${subject.text}`, s.pos, 0, [EXPECTED_OPERATORS]);
    if (s.peek() === ")") s.fail('unmatched ")"', s.pos, 1);
    s.fail(`expected a comparison after ${subject.text}, got ${s.describe()}`, s.pos, s.wordLength(), [
      EXPECTED_OPERATORS,
    ]);
  }
  if ((COMPARATORS as readonly string[]).includes(run)) return run as Comparator;
  const fix = Object.hasOwn(OPERATOR_FIXES, run) ? OPERATOR_FIXES[run] : undefined;
  return s.fail(`unknown operator "${run}"`, start, run.length, [
    ...(fix ? [`did you mean "${fix}"?`] : []),
    EXPECTED_OPERATORS,
  ]);
}

interface Limit {
  value: number;
  dimension: Dimension;
  unit?: string;
}

function parseLimit(s: Scanner, subject: Subject, op: Comparator): Limit {
  const start = s.pos;
  if (s.done) s.fail(`missing limit after "${op}"`, s.pos, 0, [`expected a number, ${EXAMPLE}`]);
  if (!s.numberStartsHere()) rejectLimit(s, subject, op);

  const number = s.readNumber();
  const numberEnd = s.pos;
  if (!Number.isFinite(number)) s.fail("number out of range", start, numberEnd - start);

  s.skipSpace();
  const unitStart = s.pos;
  const unit = s.readUnitRun();
  // `p95 < 250 and ...`: a word after a space that joins thresholds is trailing text, not a unit.
  if (unit === "" || (unitStart > numberEnd && CONJUNCTION.test(unit))) {
    s.pos = numberEnd;
    // `+ 0` turns -0 into 0, so `x >= -0` and `x >= 0` are the same threshold.
    return { value: number + 0, dimension: "none" };
  }
  const def = lookupUnit(unit);
  if (!def) {
    const hint = didYouMean(suggestUnits(unit));
    s.fail(`unknown unit "${unit}"`, unitStart, unit.length, [
      ...(hint ? [hint] : []),
      `expected one of: ${UNIT_NAMES.join(", ")}`,
    ]);
  }
  if (subject.fn === "ratio" && def.dimension !== "ratio") {
    s.fail(
      `${subject.text} is a unitless ratio, but "${unit}" is ${dimensionNoun(def.dimension)} unit`,
      unitStart,
      unit.length,
      [`write the limit as a plain number or a percentage: ${subject.text} ${op} 1.1 or ${op} 110%`],
    );
  }
  const value = number * def.factor + 0;
  if (!Number.isFinite(value)) s.fail("number out of range", start, s.pos - start);
  return { value, dimension: def.dimension, unit };
}

function rejectLimit(s: Scanner, subject: Subject, op: Comparator): never {
  const at = s.pos;
  const signed = s.peek() === "+" || s.peek() === "-";
  const word = s.src.slice(at + (signed ? 1 : 0), at + s.wordLength());
  if (NON_FINITE.test(word)) {
    s.fail(`${s.describe()} is not a valid limit`, at, s.wordLength(), ["use a finite number"]);
  }
  if (signed && /^\s/.test(s.peek(1))) s.fail(`"${s.peek()}" must be followed directly by a number`, at, 1);
  const notes =
    s.identStartsHere() || s.peek() === '"'
      ? [`thresholds compare a metric with a number: ${subject.text} ${op} 0.9`]
      : [`expected a number, ${EXAMPLE}`];
  s.fail(`expected a number after "${op}", got ${s.describe()}`, at, s.wordLength(), notes);
}

function rejectTrailing(s: Scanner): never {
  const word = s.src.slice(s.pos, s.pos + s.wordLength());
  const notes: string[] = [];
  if (/^,\d/.test(s.src.slice(s.pos, s.pos + 2))) notes.push("group digits with _: 1_000");
  else if (CONJUNCTION.test(word)) notes.push("write each threshold as its own entry");
  else if (s.peek() === ")") notes.push('unmatched ")"');
  s.fail(`unexpected ${s.describe()} after the limit`, s.pos, s.wordLength(), notes);
}
