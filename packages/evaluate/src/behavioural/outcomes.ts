import { GateError } from "@mlgate/core";
import type { BehaviouralRow, BehaviouralSuite, TestOutcome, TestType } from "./types.js";

/** Values are shown in examples up to this many characters. */
const SHOW = 40;

function show(v: unknown): string {
  const text = typeof v === "string" ? JSON.stringify(v.replace(/\s+/g, " ")) : String(v);
  return text.length > SHOW ? `${text.slice(0, SHOW - 1)}…` : text;
}

/** A test name as a metric name part: letters, digits, `_` and `-`, the rest folded to `_`. */
export function testKey(type: TestType, test: string): string {
  const slug = test.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "") || "test";
  return `${type}.${slug}`;
}

/**
 * Judge every test of a suite. An `mft` item fails when its prediction is not its label (or, with a
 * score only, when the score is under 0.5). An `inv` case fails when its rows do not all get the same
 * prediction. A `dir` case fails when a perturbed row's score moves against its `expect` by more than
 * `tolerance` from the original's (the row of the case without `expect`).
 */
export function judgeSuite(suite: BehaviouralSuite, tolerance = 0): Map<string, TestOutcome> {
  const byTest = new Map<string, BehaviouralRow[]>();
  for (const row of suite.rows) {
    const rows = byTest.get(row.test);
    if (rows) {
      const first = rows[0] as BehaviouralRow;
      if (first.type !== row.type) {
        throw new GateError(
          `test "${row.test}" is ${first.type} on line ${first.line} but ${row.type} on line ${row.line}`,
          {
            location: { file: suite.file, line: row.line },
          },
        );
      }
      rows.push(row);
    } else byTest.set(row.test, [row]);
  }
  const outcomes = new Map<string, TestOutcome>();
  const keys = new Map<string, string>();
  for (const [test, rows] of byTest) {
    const type = (rows[0] as BehaviouralRow).type;
    const key = testKey(type, test);
    const clash = keys.get(key);
    if (clash !== undefined) {
      throw new GateError(`tests "${clash}" and "${test}" would both be named ${key}`, {
        location: { file: suite.file, line: (rows[0] as BehaviouralRow).line },
        hint: "test names are folded to letters, digits, _ and - for their metric names; rename one",
      });
    }
    keys.set(key, test);
    const outcome: TestOutcome = {
      test,
      type,
      key,
      units: 0,
      unitKeys: new Set(),
      failed: [],
      reasons: new Map(),
    };
    if (type === "mft") judgeMft(rows, outcome, suite.file);
    else judgeCases(rows, outcome, suite.file, tolerance);
    outcomes.set(test, outcome);
  }
  return outcomes;
}

function fail(outcome: TestOutcome, unit: string, reason: string): void {
  outcome.failed.push(unit);
  outcome.reasons.set(unit, reason);
}

function judgeMft(rows: readonly BehaviouralRow[], outcome: TestOutcome, file: string): void {
  const seen = new Set<string>();
  for (const row of rows) {
    const unit = row.id ?? `line ${row.line}`;
    if (seen.has(unit)) {
      throw new GateError(`test "${row.test}" has item id ${JSON.stringify(unit)} twice`, {
        location: { file, line: row.line },
      });
    }
    seen.add(unit);
    outcome.units++;
    outcome.unitKeys.add(unit);
    if (row.label !== undefined && row.prediction !== undefined) {
      if (row.label !== row.prediction) {
        fail(outcome, unit, `${show(unit)}: expected ${show(row.label)}, got ${show(row.prediction)}`);
      }
    } else if (row.score !== undefined) {
      if (row.score < 0.5) fail(outcome, unit, `${show(unit)}: score ${row.score} (a fail)`);
    } else {
      throw new GateError(
        `mft test "${row.test}" needs a label and a prediction (or a 0/1 score) on every row`,
        {
          location: { file, line: row.line },
        },
      );
    }
  }
}

function judgeCases(
  rows: readonly BehaviouralRow[],
  outcome: TestOutcome,
  file: string,
  tolerance: number,
): void {
  const cases = new Map<string, BehaviouralRow[]>();
  for (const row of rows) {
    if (row.case === undefined) {
      throw new GateError(
        `${row.type} test "${row.test}" needs a case column grouping each original with its perturbations`,
        {
          location: { file, line: row.line },
          hint: "give the original and its perturbed versions the same `case` value",
        },
      );
    }
    const list = cases.get(row.case);
    if (list) list.push(row);
    else cases.set(row.case, [row]);
  }
  for (const [group, members] of cases) {
    outcome.units++;
    outcome.unitKeys.add(group);
    const at = { file, line: (members[0] as BehaviouralRow).line };
    if (members.length < 2) {
      throw new GateError(
        `case ${show(group)} of test "${outcome.test}" has one row; it needs an original and a perturbation`,
        {
          location: at,
        },
      );
    }
    const reason = outcome.type === "inv" ? invariance(members, at) : direction(members, at, tolerance);
    if (reason !== undefined) fail(outcome, group, `case ${show(group)}: ${reason}`);
  }
}

const label = (row: BehaviouralRow) => row.id ?? `line ${row.line}`;

/** Why an invariance case fails (its rows disagree), or undefined when it holds. */
function invariance(
  members: readonly BehaviouralRow[],
  at: { file: string; line: number },
): string | undefined {
  if (members.some((r) => r.prediction === undefined)) {
    throw new GateError(`inv test "${members[0]?.test}" needs a prediction on every row`, { location: at });
  }
  const first = members[0] as BehaviouralRow;
  const changed = members.find((r) => r.prediction !== first.prediction);
  if (!changed) return undefined;
  return `${show(first.prediction)} (${show(label(first))}) became ${show(changed.prediction)} (${show(label(changed))})`;
}

/** Why a directional case fails (a perturbation moved the score the wrong way), or undefined. */
function direction(
  members: readonly BehaviouralRow[],
  at: { file: string; line: number },
  tolerance: number,
): string | undefined {
  const originals = members.filter((r) => r.expect === undefined);
  if (originals.length !== 1) {
    throw new GateError(
      `dir case ${show(members[0]?.case)} of test "${members[0]?.test}" has ${originals.length} rows without \`expect\`; exactly one (the original) is needed`,
      {
        location: at,
        hint: "mark each perturbed row with expect: up or down, and leave the original's empty",
      },
    );
  }
  const original = originals[0] as BehaviouralRow;
  if (members.some((r) => r.score === undefined)) {
    throw new GateError(`dir test "${original.test}" needs a score on every row`, { location: at });
  }
  const base = original.score as number;
  for (const row of members) {
    if (row === original) continue;
    const moved = (row.score as number) - base;
    const wrong = row.expect === "up" ? moved < -tolerance : moved > tolerance;
    if (wrong) {
      return `${show(label(row))} expected ${row.expect}, score ${base} → ${row.score}`;
    }
  }
  return undefined;
}
