import { extname } from "node:path";
import { GateError, readTextFile } from "@mlgate/core";
import { parse } from "csv-parse/sync";
import { Problem, toClassValue, toId, toScore } from "../items/values.js";
import {
  type BehaviouralLimits,
  type BehaviouralRow,
  type BehaviouralSuite,
  DEFAULT_BEHAVIOURAL_LIMITS,
  type TestType,
} from "./types.js";

const ROLE = "behavioural results";

/** Columns, with the other names people use for them. */
const COLUMNS = {
  test: ["test", "test_name"],
  type: ["test_type", "type"],
  case: ["case", "group"],
  id: ["id"],
  label: ["label", "expected"],
  prediction: ["prediction"],
  score: ["score"],
  expect: ["expect", "direction"],
} as const;

const TYPE_NAMES: Record<string, TestType> = {
  mft: "mft",
  inv: "inv",
  dir: "dir",
  minimum_functionality: "mft",
  invariance: "inv",
  directional: "dir",
};

/**
 * Read behavioural test results: JSON Lines (one object per line) or CSV/TSV with a header, one row
 * per test item with `test`, `test_type` (mft, inv, dir) and, as the type needs, `id`, `case`,
 * `label`, `prediction`, `score` and `expect` (up, down). Every problem names the file and line.
 */
export async function readBehavioural(
  path: string,
  limits: Partial<BehaviouralLimits> = {},
): Promise<BehaviouralSuite> {
  const bounds = { ...DEFAULT_BEHAVIOURAL_LIMITS, ...limits };
  const text = await readTextFile(path, ROLE, { maxBytes: bounds.maxBytes });
  const ext = extname(path).toLowerCase();
  const csv =
    ext === ".csv" ||
    ext === ".tsv" ||
    (ext !== ".jsonl" && ext !== ".ndjson" && !text.trimStart().startsWith("{"));
  const records = csv
    ? csvRecords(text, path, ext === ".tsv" ? "\t" : sniff(text), bounds)
    : jsonRecords(text, path, bounds);
  if (records.length === 0)
    throw new GateError(`${ROLE} ${path} holds no rows`, { location: { file: path } });
  const tests = new Set<string>();
  const rows = records.map(({ line, fields }) => {
    const row = toRow(fields, path, line);
    tests.add(row.test);
    if (tests.size > bounds.maxTests) {
      throw new GateError(`${ROLE} has more than ${bounds.maxTests} tests`, {
        location: { file: path, line },
      });
    }
    return row;
  });
  return { file: path, rows };
}

interface RawRecord {
  line: number;
  fields: Record<string, unknown>;
}

function jsonRecords(text: string, file: string, limits: BehaviouralLimits): RawRecord[] {
  const out: RawRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    if (out.length >= limits.maxRows) {
      throw new GateError(`${ROLE} has more than ${limits.maxRows} rows`, {
        location: { file, line: i + 1 },
      });
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new GateError(`line ${i + 1} is not valid JSON: ${(e as Error).message}`, {
        location: { file, line: i + 1 },
        hint: "behavioural results in JSON Lines hold one object per line",
      });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new GateError(`line ${i + 1} is not a JSON object`, { location: { file, line: i + 1 } });
    }
    out.push({ line: i + 1, fields: value as Record<string, unknown> });
  }
  return out;
}

function sniff(text: string): string {
  const header = text.split("\n", 1)[0] ?? "";
  return header.split("\t").length > header.split(",").length ? "\t" : ",";
}

function csvRecords(text: string, file: string, delimiter: string, limits: BehaviouralLimits): RawRecord[] {
  let parsed: { info: { lines: number }; record: Record<string, string> }[];
  try {
    parsed = parse(text, {
      columns: true,
      delimiter,
      info: true,
      skip_empty_lines: true,
      bom: true,
      relax_quotes: delimiter === "\t",
      max_record_size: 1024 * 1024,
      to: limits.maxRows + 1,
    }) as unknown as typeof parsed;
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    throw new GateError(`malformed CSV: ${(err.message ?? String(e)).replace(/ (?:at|on) line \d+/, "")}`, {
      location: { file, ...(typeof err.lines === "number" ? { line: err.lines } : {}) },
      hint: 'quote values that contain the delimiter or a line break, and double quotes inside them ("")',
    });
  }
  if (parsed.length > limits.maxRows) {
    throw new GateError(`${ROLE} has more than ${limits.maxRows} rows`, { location: { file } });
  }
  return parsed.map(({ info, record }) => ({ line: info.lines, fields: record }));
}

function pick(fields: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) {
    if (Object.hasOwn(fields, name)) {
      const v = fields[name];
      if (!(v === undefined || v === null || (typeof v === "string" && v.trim() === ""))) return v;
    }
  }
  return undefined;
}

function toRow(fields: Record<string, unknown>, file: string, line: number): BehaviouralRow {
  const at = { file, line };
  const bad = (message: string, hint?: string) =>
    new GateError(`line ${line}: ${message}`, { location: at, ...(hint ? { hint } : {}) });
  const text = (names: readonly string[], what: string): string | undefined => {
    const raw = pick(fields, names);
    if (raw === undefined) return undefined;
    const v = toId(raw);
    if (v instanceof Problem) throw bad(`${what}: ${v.text}`);
    if (v.length > 200) throw bad(`${what} is longer than 200 characters`);
    return v;
  };
  const test = text(COLUMNS.test, "test");
  if (test === undefined) {
    throw bad(
      'no test name (column "test")',
      "each row names its test in a `test` column and its type in `test_type`",
    );
  }
  const rawType = text(COLUMNS.type, "test_type");
  const type = rawType === undefined ? undefined : TYPE_NAMES[rawType.toLowerCase()];
  if (type === undefined) {
    throw bad(
      rawType === undefined
        ? 'no test type (column "test_type")'
        : `test_type must be mft, inv or dir, got ${JSON.stringify(rawType)}`,
      "mft: minimum functionality; inv: invariance under a perturbation; dir: directional expectation",
    );
  }
  const row: BehaviouralRow = { line, test, type };
  const id = text(COLUMNS.id, "id");
  if (id !== undefined) row.id = id;
  const group = text(COLUMNS.case, "case");
  if (group !== undefined) row.case = group;
  for (const [part, names] of [
    ["label", COLUMNS.label],
    ["prediction", COLUMNS.prediction],
  ] as const) {
    const raw = pick(fields, names);
    if (raw === undefined) continue;
    const v = toClassValue(raw, part);
    if (v instanceof Problem) throw bad(v.text);
    row[part] = v;
  }
  const rawScore = pick(fields, COLUMNS.score);
  if (rawScore !== undefined) {
    const score = toScore(rawScore, "score");
    if (score instanceof Problem) throw bad(score.text);
    row.score = score;
  }
  const rawExpect = text(COLUMNS.expect, "expect");
  if (rawExpect !== undefined) {
    const e = rawExpect.toLowerCase();
    if (e !== "up" && e !== "down") throw bad(`expect must be up or down, got ${JSON.stringify(rawExpect)}`);
    row.expect = e;
  }
  return row;
}
