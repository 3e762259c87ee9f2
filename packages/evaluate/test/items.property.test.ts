import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ItemFormat,
  type ItemRecord,
  type ItemTable,
  type ReadItemsOptions,
  readItems,
} from "../src/items/index.js";

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-items-prop-"));
});

async function file(ext: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, `f${count++}${ext}`);
  await writeFile(path, content);
  return path;
}

/** What every table read must satisfy. */
function checkTable(table: ItemTable): void {
  expect(table.records.length).toBeGreaterThan(0);
  expect(new Set(table.records.map((r) => r.id)).size).toBe(table.records.length);
  for (const r of table.records) {
    expect(r.id.trim()).not.toBe("");
    if (r.score !== undefined) expect(Number.isFinite(r.score)).toBe(true);
    if (r.positiveScore !== undefined) expect(Number.isFinite(r.positiveScore)).toBe(true);
    expect(Object.keys(r.slices)).toEqual(table.sliceColumns);
  }
  if (table.kind === "score") expect(table.records.every((r) => r.score !== undefined)).toBe(true);
  if (table.kind === "regression") {
    expect(table.records.every((r) => typeof r.label === "number" && typeof r.prediction === "number")).toBe(
      true,
    );
  }
}

/** Read, and accept only a well-formed table or a GateError. */
async function readOrGateError(path: string, options?: ReadItemsOptions): Promise<void> {
  let table: ItemTable;
  try {
    table = await readItems(path, options);
  } catch (e) {
    if (!isGateError(e)) throw e;
    return;
  }
  checkTable(table);
}

const extension = fc.constantFrom(".jsonl", ".ndjson", ".csv", ".tsv", ".json", ".txt", "");
const COLUMN_NAMES = [
  "id",
  "label",
  "prediction",
  "score",
  "probability",
  "slice",
  "doc_id",
  "target",
  "acc",
  "x",
];
const columnName = fc.constantFrom(...COLUMN_NAMES);

/** Options, mostly none: mapping columns that are not there fails early and hides the rest. */
const options: fc.Arbitrary<ReadItemsOptions> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        columns: fc.record(
          {
            id: columnName,
            label: columnName,
            prediction: columnName,
            score: columnName,
            slice: fc.array(columnName, { maxLength: 2 }),
          },
          { requiredKeys: [] },
        ),
        kind: fc.constantFrom<ItemTable["kind"]>("classification", "regression", "score"),
        format: fc.constantFrom<ItemFormat>("jsonl", "csv", "lm-eval-samples", "promptfoo", "mlflow-eval"),
        limits: fc.record(
          { maxRows: fc.integer({ min: 1, max: 20 }), maxLineBytes: fc.integer({ min: 1, max: 200 }) },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
  },
);

/** Values as files hold them, bad now and then. */
const junk = fc.oneof(
  fc.constantFrom("", " ", "1e999", "NaN", "inf", '"', "x,y", "a\nb"),
  fc.double(),
  fc.constant(null),
  fc.string({ maxLength: 4 }),
);
const numeric = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constantFrom("0.5", "1", 0, 1, true),
    ),
  },
  { weight: 1, arbitrary: junk },
);
const classy = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.oneof(
      fc.constantFrom("cat", "dog", "1", 0, 2, false),
      fc.double({ min: -5, max: 5, noNaN: true }),
    ),
  },
  { weight: 1, arbitrary: junk },
);
const value = fc.oneof(numeric, classy, junk);
const NUMERIC_COLUMNS = new Set(["score", "probability", "acc", "x"]);
const valueFor = (column: string) =>
  NUMERIC_COLUMNS.has(column) ? numeric : column === "label" || column === "prediction" ? classy : value;

function csvField(value: unknown): string {
  const s = value === null ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The columns of a table: mostly an id and something to compare, and a few others. */
const header = fc
  .tuple(
    fc.constantFrom(
      ["id", "score"],
      ["id", "label", "prediction"],
      ["id", "label", "prediction", "score"],
      [],
    ),
    fc.uniqueArray(columnName, { maxLength: 3 }),
  )
  .map(([base, more]) => [...new Set([...base, ...more])])
  .filter((names) => names.length > 0);

/**
 * A header and rows of its width (one more, now and then), as CSV or JSON Lines, in a file named for
 * its format or not. Ids are unique but for an odd duplicate or blank one among generated values.
 */
const table = header.chain((names) =>
  fc
    .tuple(
      fc.array(fc.tuple(...names.map(valueFor)), { maxLength: 8 }),
      fc.constantFrom("csv", "csv", "csv-ragged", "jsonl"),
      fc.constantFrom(true, true, true, false),
    )
    .map(([rows, shape, named]) => {
      const cells = rows.map((row, i) =>
        names.map((h, j) => (h === "id" && typeof row[j] !== "string" ? `item-${i}` : row[j])),
      );
      if (shape === "jsonl") {
        const text = cells
          .map((row) => JSON.stringify(Object.fromEntries(names.map((h, i) => [h, row[i]]))))
          .join("\n");
        return { text, ext: named ? ".jsonl" : ".txt" };
      }
      const extra = (i: number) => (shape === "csv-ragged" && i % 3 === 2 ? ["z"] : []);
      const text = [
        names.join(","),
        ...cells.map((row, i) => [...row, ...extra(i)].map(csvField).join(",")),
      ].join("\n");
      return { text, ext: named ? ".csv" : ".jsonl" };
    }),
);

/** Loose lines near the formats: headers, CSV rows, JSON objects, junk. */
const line = fc.oneof(
  fc.array(columnName, { minLength: 1, maxLength: 5 }).map((names) => names.join(",")),
  fc.array(value, { minLength: 1, maxLength: 5 }).map((fields) => fields.map(csvField).join(",")),
  fc.dictionary(columnName, value, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "",
    '\uFEFF{"id": 1, "score": 1}',
    '{"id": "a", "score": NaN}',
    '{"id": "a",}',
    "[1,2]",
    "null",
  ),
);

describe("readItems on arbitrary input", () => {
  it("throws nothing but GateError on arbitrary bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), extension, async (bytes, ext) => {
        await readOrGateError(await file(ext, bytes));
      }),
      { numRuns: 300 },
    );
  });

  it("throws nothing but GateError on arbitrary lines and options", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: table },
          {
            weight: 1,
            arbitrary: fc.record({
              text: fc.array(line, { maxLength: 12 }).map((l) => l.join("\n")),
              ext: extension,
            }),
          },
        ),
        fc.oneof(
          { weight: 3, arbitrary: fc.constant([]) },
          { weight: 1, arbitrary: fc.array(line, { maxLength: 2 }) },
        ),
        fc.constantFrom("\n", "\r\n"),
        options,
        async ({ text, ext }, extra, end, opts) => {
          const content = [text, ...extra].join("\n").replaceAll("\n", end);
          await readOrGateError(await file(ext, content), opts);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("throws nothing but GateError on arbitrary tool documents", async () => {
    const entry = fc.record(
      {
        testIdx: fc.oneof({ weight: 5, arbitrary: fc.nat(5) }, { weight: 1, arbitrary: fc.constant("x") }),
        promptIdx: fc.nat(1),
        success: fc.oneof(
          { weight: 5, arbitrary: fc.boolean() },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
        score: fc.oneof(
          { weight: 5, arbitrary: fc.double() },
          { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
        ),
        vars: fc.dictionary(columnName, fc.jsonValue({ maxDepth: 1 })),
        namedScores: fc.dictionary(columnName, fc.double()),
      },
      { requiredKeys: ["testIdx", "success"] },
    );
    // Mostly distinct tests, so reads get past the duplicate check.
    const promptfoo = fc
      .array(entry, { maxLength: 6 })
      .map((results) =>
        results.map((r, i) => (typeof r.testIdx === "number" && r.testIdx < 4 ? { ...r, testIdx: i } : r)),
      )
      .map((results) => ({ results: { version: 3, results } }));
    const mlflow = fc.array(columnName, { maxLength: 5 }).chain((columns) =>
      fc.record({
        columns: fc.constant(columns as unknown[]),
        data: fc.array(fc.array(value, { minLength: columns.length, maxLength: columns.length }), {
          maxLength: 6,
        }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(promptfoo, mlflow), options, async (doc, opts) => {
        const { format: _, ...rest } = opts;
        await readOrGateError(await file(".json", JSON.stringify(doc)), rest);
      }),
      { numRuns: 300 },
    );
  });
});

/** Text a label, prediction or slice can hold and read back as the same text: not blank, not numeric, no NUL. */
const text = fc
  .oneof(
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
    // What CSV quoting is for. (A line end reaches the parser as \n, so \r\n inside a value reads back as \n.)
    fc.constantFrom(
      "a,b",
      'say "hi"',
      '"',
      "two\nlines",
      "\n",
      " padded ",
      "tab\there",
      "é",
      "😀",
      "\uFEFFbom",
    ),
  )
  .filter(
    (s) => s.trim() !== "" && !s.includes("\0") && !/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(s),
  );
const classValue = fc.oneof(
  text,
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
/** A slice value; empty is allowed (and counted in a warning). */
const sliceValue = fc.oneof(text, fc.constant(""), fc.constantFrom("1", "007", " eu "));

interface Generated {
  sliceColumns: string[];
  records: ItemRecord[];
}

const generated: fc.Arbitrary<Generated> = fc
  .subarray(["region", "lang"])
  .chain((sliceColumns) =>
    fc.record({
      sliceColumns: fc.constant(sliceColumns),
      records: fc.uniqueArray(
        fc.record({
          id: fc.oneof(text, fc.constantFrom("1", "01", "1.0", " padded ")),
          label: classValue,
          prediction: classValue,
          quality: fc.double({ noNaN: true, noDefaultInfinity: true }),
          slices: fc.tuple(sliceValue, sliceValue),
        }),
        { minLength: 1, maxLength: 25, selector: (r) => r.id },
      ),
    }),
  )
  .map(({ sliceColumns, records }) => ({
    sliceColumns,
    records: records.map((r) => ({
      id: r.id,
      slices: Object.fromEntries(sliceColumns.map((c, i) => [c, r.slices[i] ?? ""])),
      // -0 reads back as 0: the same result.
      label: typeof r.label === "number" && r.label === 0 ? 0 : r.label,
      prediction: typeof r.prediction === "number" && r.prediction === 0 ? 0 : r.prediction,
      score: r.quality === 0 ? 0 : r.quality,
    })),
  }));

function toCsv({ sliceColumns, records }: Generated): string {
  const header = ["id", "label", "prediction", "quality", ...sliceColumns];
  const rows = records.map((r) =>
    [r.id, r.label!, r.prediction!, r.score!, ...sliceColumns.map((c) => r.slices[c] ?? "")]
      .map(csvField)
      .join(","),
  );
  return `${[header.join(","), ...rows].join("\n")}\n`;
}

function toJsonl({ sliceColumns, records }: Generated): string {
  return records
    .map((r) =>
      JSON.stringify({
        id: r.id,
        label: r.label,
        prediction: r.prediction,
        quality: r.score,
        ...Object.fromEntries(sliceColumns.map((c) => [c, r.slices[c]])),
      }),
    )
    .join("\n");
}

describe("readItems round trip", () => {
  it("reads back generated records written as JSONL and as CSV", async () => {
    await fc.assert(
      fc.asyncProperty(generated, async (g) => {
        const opts: ReadItemsOptions = { columns: { score: "quality", slice: g.sliceColumns } };
        const fromJsonl = await readItems(await file(".jsonl", toJsonl(g)), opts);
        const fromCsv = await readItems(await file(".csv", toCsv(g)), opts);
        expect(fromJsonl.records).toEqual(g.records);
        expect(fromCsv.records).toEqual(g.records);
        expect(fromCsv.kind).toBe(fromJsonl.kind);
        expect(fromCsv.sliceColumns).toEqual(g.sliceColumns);
        expect(fromCsv.warnings).toEqual(fromJsonl.warnings);
      }),
      { numRuns: 200 },
    );
  });
});
