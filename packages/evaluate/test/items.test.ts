import { randomBytes } from "node:crypto";
import { mkdtemp, open, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GateError } from "@mlgate/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type ItemTable, pairItems, type ReadItemsOptions, readItems } from "../src/items/index.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "items");
const fixture = (name: string) => join(FIXTURES, name);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-items-"));
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

/** The GateError a read fails with. */
async function failure(path: string, options?: ReadItemsOptions): Promise<GateError> {
  try {
    await readItems(path, options);
  } catch (e) {
    expect(e).toBeInstanceOf(GateError);
    return e as GateError;
  }
  throw new Error(`reading ${path} did not fail`);
}

describe("readItems: JSON Lines and CSV", () => {
  it("reads a classification JSONL; its default score column is the positive-class score", async () => {
    const table = await readItems(fixture("sentiment-candidate.jsonl"));
    expect(table.format).toBe("jsonl");
    expect(table.kind).toBe("classification");
    expect(table.sliceColumns).toEqual(["slice"]);
    expect(table.warnings).toEqual([]);
    expect(table.records).toHaveLength(6);
    expect(table.records[0]).toEqual({
      id: "rev-0001",
      slices: { slice: "en" },
      label: "positive",
      prediction: "positive",
      positiveScore: 0.94,
    });
    expect(table.records.map((r) => r.id)).toEqual([
      "rev-0001",
      "rev-0002",
      "rev-0003",
      "rev-0004",
      "rev-0005",
      "rev-0006",
    ]);
  });

  it("reads the same shape from CSV", async () => {
    const table = await readItems(fixture("sentiment-baseline.csv"));
    expect(table.format).toBe("csv");
    expect(table.kind).toBe("classification");
    expect(table.records[1]).toEqual({
      id: "rev-0002",
      slices: { slice: "en" },
      label: "negative",
      prediction: "positive",
      positiveScore: 0.62,
    });
  });

  it("keeps score as a score when a probability column holds the positive-class score", async () => {
    const path = await file(
      "proba.jsonl",
      jsonl([
        { id: "a", label: 1, prediction: 1, probability: 0.9, score: 0.5 },
        { id: "b", label: 0, prediction: 1, probability: 0.7, score: 0.25 },
      ]),
    );
    const table = await readItems(path);
    expect(table.kind).toBe("classification");
    expect(table.records[1]).toEqual({
      id: "b",
      slices: {},
      label: 0,
      prediction: 1,
      score: 0.25,
      positiveScore: 0.7,
    });
  });

  it("maps columns by name, including several slice columns", async () => {
    const table = await readItems(fixture("house-prices.csv"), {
      columns: { id: "sale_id", label: "price", prediction: "predicted_price", slice: ["neighborhood"] },
    });
    expect(table.kind).toBe("regression");
    expect(table.warnings).toEqual([]);
    expect(table.records[0]).toEqual({
      id: "S-1001",
      slices: { neighborhood: "Ames North" },
      label: 208500,
      prediction: 201320.5,
    });
  });

  it("reads nested JSON fields by dotted path", async () => {
    const path = await file(
      "nested.jsonl",
      jsonl([
        { item: { id: 7, lang: "de" }, eval: { correct: true } },
        { item: { id: 8, lang: "fr" }, eval: { correct: false } },
      ]),
    );
    const table = await readItems(path, {
      columns: { id: "item.id", score: "eval.correct", slice: ["item.lang"] },
    });
    expect(table.kind).toBe("score");
    expect(table.records).toEqual([
      { id: "7", slices: { "item.lang": "de" }, score: 1 },
      { id: "8", slices: { "item.lang": "fr" }, score: 0 },
    ]);
  });

  it("reads TSV, and finds the delimiter of a file with another extension", async () => {
    const tsv = await file("items.tsv", "id\tscore\tslice\nq1\t0.5\ta,b\nq2\t1\tc\n");
    expect((await readItems(tsv)).records[0]).toEqual({ id: "q1", slices: { slice: "a,b" }, score: 0.5 });
    const txt = await file("items.txt", "id\tscore\nq1\t0.5\n");
    expect((await readItems(txt)).records).toEqual([{ id: "q1", slices: {}, score: 0.5 }]);
  });

  it("reads quoted CSV values with delimiters, quotes and line breaks, and reports the right lines after them", async () => {
    const path = await file(
      "quoted.csv",
      'id,label,prediction,note\nq1,"a, b","a, b","said ""hi""\nthen left"\n\nq2,c,d,x\nq3,c,,x\n',
    );
    const e = await failure(path);
    expect(e.message).toMatch(/empty prediction/);
    expect(e.location).toMatchObject({ line: 6, column: 6 });
    const ok = await file("quoted-ok.csv", 'id,label,prediction\nq1,"a, b","a, b"\nq2,"x\ny",z\n');
    expect((await readItems(ok)).records.map((r) => r.label)).toEqual(["a, b", "x\ny"]);
  });

  it("handles a byte order mark and CRLF line ends", async () => {
    const csv = await file("bom.csv", "\uFEFFid,label,prediction\r\nq1,cat,dog\r\nq2,dog,dog\r\n");
    expect((await readItems(csv)).records).toEqual([
      { id: "q1", slices: {}, label: "cat", prediction: "dog" },
      { id: "q2", slices: {}, label: "dog", prediction: "dog" },
    ]);
    const lines = await file("bom.jsonl", '\uFEFF{"id": "q1", "score": 1}\r\n{"id": "q2", "score": 0}\r\n');
    expect((await readItems(lines)).records.map((r) => r.score)).toEqual([1, 0]);
  });

  it("skips blank lines and reads a last line without a line end", async () => {
    const path = await file("blank.jsonl", '\n{"id": "a", "score": 1}\n   \n{"id": "b", "score": 0.5}');
    expect((await readItems(path)).records.map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("reads JSON Lines saved as .json", async () => {
    const path = await file(
      "lines.json",
      jsonl([
        { id: "a", score: 1 },
        { id: "b", score: 0 },
      ]),
    );
    expect((await readItems(path)).format).toBe("jsonl");
  });
});

describe("readItems: kind", () => {
  const read = async (rows: unknown[], options?: ReadItemsOptions) =>
    readItems(await file(`kind-${Math.random()}.jsonl`, jsonl(rows)), options);

  it("reads integer class ids as a classification", async () => {
    const table = await read([
      { id: "a", label: 0, prediction: 2 },
      { id: "b", label: 1, prediction: "1" },
    ]);
    expect(table.kind).toBe("classification");
    expect(table.records.map((r) => [r.label, r.prediction])).toEqual([
      [0, 2],
      [1, 1],
    ]);
  });

  it("reads numeric labels and predictions with fractions as a regression", async () => {
    expect((await read([{ id: "a", label: 2.5, prediction: 2 }])).kind).toBe("regression");
  });

  it("reads a score-only file as a score table", async () => {
    expect(
      (
        await read([
          { id: "a", score: true },
          { id: "b", score: "0.5" },
        ])
      ).kind,
    ).toBe("score");
  });

  it("warns when 0/1 labels meet predictions that look like probabilities", async () => {
    const table = await read([
      { id: "a", label: 1, prediction: 0.8 },
      { id: "b", label: 0, prediction: 0.1 },
    ]);
    expect(table.kind).toBe("regression");
    expect(table.warnings[0]).toMatch(/predictions are fractions between 0 and 1.*--column probability=NAME/);
  });

  it("takes the kind given, keeping an explicit score column as the score", async () => {
    const table = await readItems(fixture("sentiment-candidate.jsonl"), { kind: "score" });
    expect(table.kind).toBe("score");
    expect(table.records[0]).toMatchObject({ score: 0.94 });
    expect(table.records[0]?.positiveScore).toBeUndefined();
  });

  it("refuses a kind the columns cannot support", async () => {
    const e = await failure(fixture("house-prices.csv"), {
      kind: "classification",
      columns: { id: "sale_id", score: "price" },
    });
    expect(e.message).toMatch(/kind "classification" needs label and prediction columns/);
    const path = await file(
      "not-numeric.jsonl",
      jsonl([
        { id: "a", label: 1, prediction: 2 },
        { id: "b", label: "x", prediction: 2 },
      ]),
    );
    const bad = await failure(path, { kind: "regression" });
    expect(bad.message).toMatch(/regression needs numbers, got "x" in "label"/);
    expect(bad.location).toMatchObject({ line: 2 });
  });
});

describe("readItems: tool formats", () => {
  it("reads lm-evaluation-harness samples, one filter at a time", async () => {
    const path = fixture("samples_gsm8k_2024-05-13T10-02-11.482913.jsonl");
    const table = await readItems(path);
    expect(table.format).toBe("lm-eval-samples");
    expect(table.kind).toBe("score");
    expect(table.records.map((r) => [r.id, r.score])).toEqual([
      ["0", 1],
      ["1", 0],
      ["2", 1],
    ]);
    expect(table.records[0]?.label).toMatch(/#### 72$/);
    expect(table.warnings).toEqual([
      'skipped 3 lines of lm-eval filter "flexible-extract" and read filter "strict-match" (choose with the filter option)',
    ]);
    const flexible = await readItems(path, { filter: "flexible-extract" });
    expect(flexible.records.map((r) => r.score)).toEqual([1, 1, 1]);
    const e = await failure(path, { filter: "majority-vote" });
    expect(e.message).toBe(
      'no lm-eval samples of filter "majority-vote"; filters found: "strict-match", "flexible-extract"',
    );
  });

  it("picks acc from multiple-choice samples, or the metric asked for", async () => {
    const path = fixture("samples_arc_easy_2024-05-13T10-02-11.482913.jsonl");
    const table = await readItems(path, { columns: { slice: ["doc.answerKey"] } });
    expect(table.records).toEqual([
      { id: "0", slices: { "doc.answerKey": "C" }, label: 2, score: 1 },
      { id: "1", slices: { "doc.answerKey": "B" }, label: 1, score: 0 },
      { id: "2", slices: { "doc.answerKey": "C" }, label: 2, score: 0 },
    ]);
    expect((await readItems(path, { metric: "acc_norm" })).records.map((r) => r.score)).toEqual([1, 1, 0]);
    const e = await failure(path, { metric: "bleu" });
    expect(e.message).toBe(
      'lm-eval metric "bleu" is not in the samples; per-item metrics found: "acc", "acc_norm"',
    );
    expect(e.location).toEqual({ file: path, line: 1 });
  });

  it("reads lm-eval samples by content whatever the file is called", async () => {
    const path = await file(
      "mmlu-run.jsonl",
      jsonl([{ doc_id: 0, target: 1, filtered_resps: [["-1.5", "False"]], metrics: ["acc"], acc: 1.0 }]),
    );
    expect((await readItems(path)).format).toBe("lm-eval-samples");
  });

  it("keeps a list of gold answers as the label's JSON", async () => {
    const path = await file(
      "samples_triviaqa_2024-05-13T10-02-11.482913.jsonl",
      jsonl([
        {
          doc_id: 4,
          target: ["Paris", "paris"],
          resps: [["Paris"]],
          filtered_resps: ["Paris"],
          filter: "remove_whitespace",
          metrics: ["exact_match"],
          exact_match: 1.0,
        },
      ]),
    );
    expect((await readItems(path)).records).toEqual([
      { id: "4", slices: {}, label: '["Paris","paris"]', score: 1 },
    ]);
  });

  it("reads promptfoo output: success as 1/0, or the score", async () => {
    const path = fixture("promptfoo-output.json");
    const table = await readItems(path, { columns: { slice: ["topic"] } });
    expect(table.format).toBe("promptfoo");
    expect(table.kind).toBe("score");
    expect(table.records).toEqual([
      { id: "0", slices: { topic: "account" }, score: 1 },
      { id: "1", slices: { topic: "orders" }, score: 0 },
      { id: "2", slices: { topic: "orders" }, score: 1 },
      { id: "3", slices: { topic: "billing" }, score: 0 },
    ]);
    expect(table.warnings).toEqual(["1 promptfoo result is a provider error, counted as a failure"]);
    const graded = await readItems(path, { metric: "score" });
    expect(graded.records.map((r) => r.score)).toEqual([1, 0.2, 1, 0]);
  });

  it("identifies promptfoo results by test and prompt when a run has several prompts", async () => {
    const result = (testIdx: number, promptIdx: number, success: boolean) => ({
      testIdx,
      promptIdx,
      success,
      score: success ? 1 : 0,
      vars: { q: `question ${testIdx}` },
      namedScores: { tone: success ? 0.9 : 0.4 },
    });
    const doc = {
      results: {
        version: 3,
        results: [result(0, 0, true), result(0, 1, false), result(1, 0, true), result(1, 1, true)],
      },
    };
    const path = await file("output.json", JSON.stringify(doc, null, 2));
    const table = await readItems(path, { metric: "tone" });
    expect(table.records.map((r) => [r.id, r.score])).toEqual([
      ["0:0", 0.9],
      ["0:1", 0.4],
      ["1:0", 0.9],
      ["1:1", 0.9],
    ]);
    const e = await failure(path, { metric: "politeness" });
    expect(e.message).toBe('results.results[0] has no named score "politeness"; named scores found: "tone"');
  });

  it("reads an MLflow evaluation table by row index, or by a mapped id column", async () => {
    const path = fixture("eval_results_table.json");
    const table = await readItems(path);
    expect(table.format).toBe("mlflow-eval");
    expect(table.kind).toBe("score");
    expect(table.records.map((r) => r.id)).toEqual(["0", "1", "2", "3"]);
    expect(table.records[1]).toMatchObject({
      label:
        "Apache Spark is an open-source, distributed computing system for big data processing and analytics.",
      prediction: "Spark is a database made by Databricks.",
      score: 0.00034,
    });
    expect(table.warnings[0]).toMatch(/no id column, so items are identified by row index/);

    const byQuestion = await readItems(path, { columns: { id: "inputs" }, metric: "answer_correctness/v1" });
    expect(byQuestion.records.map((r) => [r.id, r.score])).toEqual([
      ["What is MLflow?", 5],
      ["What is Spark?", 2],
      ["What is a feature store?", 5],
      ["What does MLflow Tracking record?", 3],
    ]);
    expect(byQuestion.warnings).toEqual([]);
    const e = await failure(path, { metric: "faithfulness/v1" });
    expect(e.message).toMatch(
      /^no column "faithfulness\/v1\/score" \(the metric column\); columns found: "inputs"/,
    );
  });

  it("refuses a JSON document of another tool", async () => {
    const path = await file("other.json", JSON.stringify({ accuracy: 0.9 }));
    expect((await failure(path)).message).toMatch(/is not promptfoo output .* or an MLflow evaluation table/);
  });

  it("reads the format asked for", async () => {
    const path = await file(
      "samples.data",
      jsonl([
        { id: "a", score: 1 },
        { id: "b", score: 0 },
      ]),
    );
    expect((await readItems(path, { format: "jsonl" })).format).toBe("jsonl");
    const e = await failure(path, { format: "mlflow-eval" });
    expect(e.message).toMatch(/not valid JSON/);
  });
});

describe("readItems: errors", () => {
  it("names the missing id column, the columns found and how to map them", async () => {
    const e = await failure(fixture("house-prices.csv"));
    expect(e.message).toBe(
      'no column "id"; columns found: "sale_id", "neighborhood", "sqft", "price", "predicted_price"',
    );
    expect(e.hint).toMatch(/--column id=NAME/);
    expect(e.location).toEqual({ file: fixture("house-prices.csv"), line: 1 });
  });

  it("names a mapped column that is not there", async () => {
    const e = await failure(fixture("sentiment-baseline.csv"), { columns: { slice: ["language"] } });
    expect(e.message).toBe(
      'no column "language" (the slice column); columns found: "id", "label", "prediction", "score", "slice"',
    );
  });

  it("refuses a file with nothing to compare", async () => {
    const e = await failure(await file("ids.csv", "id,label,text\nq1,a,hello\n"));
    expect(e.message).toMatch(/has a label but no prediction column to compare/);
  });

  it("reports a duplicate id with both lines", async () => {
    const path = await file(
      "dup.jsonl",
      jsonl([
        { id: "a", score: 1 },
        { id: "b", score: 1 },
        { id: "a", score: 0 },
      ]),
    );
    const e = await failure(path);
    expect(e.message).toBe('duplicate id "a" (first on line 1)');
    expect(e.location).toEqual({ file: path, line: 3, column: 2 });
    const csv = await failure(await file("dup.csv", "id,score\nx,1\ny,1\n\nx,1\n"));
    expect(csv.message).toBe('duplicate id "x" (first on line 2)');
    expect(csv.location?.line).toBe(5);
  });

  it("refuses NaN, infinities and text where a number is required", async () => {
    const py = await file("nan.jsonl", '{"id": "a", "score": 1.0}\n{"id": "b", "score": NaN}\n');
    const e = await failure(py);
    expect(e.message).toBe("line 2 holds NaN, which is not a JSON number");
    expect(e.location).toEqual({ file: py, line: 2, column: 22 });
    expect((await failure(await file("inf.jsonl", '{"id": "b", "score": -Infinity}\n'))).message).toMatch(
      /holds -Infinity/,
    );

    const csv = await file("nan.csv", "id,score\na,0.5\nb,nan\n");
    const c = await failure(csv);
    expect(c.message).toBe('score is "nan", a finite number is required (column "score")');
    expect(c.location).toEqual({ file: csv, line: 3, column: 3 });
    const inf = await failure(await file("inf.csv", "id,score\na,1e999\n"));
    expect(inf.message).toMatch(/overflows to infinity/);
    const text = await failure(await file("text.jsonl", '{"id": "a", "score": "high"}\n'));
    expect(text.message).toBe('score is "high", not a number (column "score")');
    expect(text.location).toMatchObject({ line: 1, column: 13 });
    const empty = await failure(await file("empty-score.csv", "id,score\na,\n"));
    expect(empty.message).toBe('empty score, a number is required (column "score")');
  });

  it("refuses an empty id, and an id that is not a string or number", async () => {
    const csv = await file("empty-id.csv", "id,score\na,1\n ,1\n");
    const e = await failure(csv);
    expect(e.message).toBe('empty id (column "id")');
    expect(e.location).toEqual({ file: csv, line: 3, column: 1 });
    const obj = await failure(await file("obj-id.jsonl", '{"id": {"n": 1}, "score": 1}\n'));
    expect(obj.message).toBe('id must be a string or a number, got {"n":1} (column "id")');
    const missing = await failure(await file("no-id.jsonl", '{"id": "a", "score": 1}\n{"score": 1}\n'));
    expect(missing.message).toBe('empty id (column "id")');
    expect(missing.location?.line).toBe(2);
  });

  it("points at malformed JSON by line and column", async () => {
    const path = await file("bad.jsonl", '{"id": "a", "score": 1}\n{"id": "b", "score": 0,}\n');
    const e = await failure(path);
    expect(e.message).toBe("line 2 is not valid JSON: trailing comma is not allowed in JSON");
    expect(e.location).toEqual({ file: path, line: 2, column: 23 });
    const arr = await failure(await file("array.jsonl", "[1, 2]\n"));
    expect(arr.message).toBe("line 1 of the items file is an array, not a JSON object");
  });

  it("refuses a ragged CSV row and an unclosed quote", async () => {
    const path = await file("ragged.csv", "id,label,prediction\na,x,y\nb,x,y,z\n");
    const e = await failure(path);
    expect(e.message).toBe("ragged CSV: line 3 has 4 fields, the header has 3");
    expect(e.location).toEqual({ file: path, line: 3 });
    const short = await failure(await file("short.csv", "id,label,prediction\na,x\n"));
    expect(short.message).toBe("ragged CSV: line 2 has 2 fields, the header has 3");
    const quote = await failure(await file("quote.csv", 'id,score\na,1\nb,"2\nc,3\n'));
    expect(quote.message).toBe("a quoted value opened on line 3 is never closed");
    expect(quote.location?.line).toBe(3);
    const stray = await failure(await file("stray.csv", 'id,score\na,"1"x\n'));
    expect(stray.message).toMatch(/^malformed CSV on line 2: Invalid Closing Quote/);
  });

  it("refuses a column named twice when it is read", async () => {
    const e = await failure(await file("twice.csv", "id,score,score\na,1,2\n"));
    expect(e.message).toBe('column "score" appears twice in the header (fields 2 and 3)');
  });

  it("validates UTF-8, and refuses UTF-16 and binary data", async () => {
    const bad = Buffer.concat([
      Buffer.from('{"id": "a", "score": 1}\n{"id": "caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('", "score": 1}\n'),
    ]);
    const path = await file("latin.jsonl", bad);
    const e = await failure(path);
    expect(e.message).toBe("items file is not valid UTF-8 text");
    expect(e.location).toEqual({ file: path, line: 2, column: 12 });
    const utf16 = await failure(await file("utf16.csv", Buffer.from("\uFEFFid,score\r\na,1\r\n", "utf16le")));
    expect(utf16.message).toBe("items file is UTF-16 text, not UTF-8");
    const nul = await failure(await file("nul.csv", Buffer.from("id,score\na,1\0\n")));
    expect(nul.message).toMatch(/NUL byte/);
    expect(nul.location).toMatchObject({ line: 2, column: 4 });
  });

  it("stops at each limit, naming it and how to raise it", async () => {
    const rows = await file(
      "rows.jsonl",
      jsonl([
        { id: "a", score: 1 },
        { id: "b", score: 1 },
        { id: "c", score: 1 },
      ]),
    );
    const e = await failure(rows, { limits: { maxRows: 2 } });
    expect(e.message).toBe("items file has more than 2 rows, over the maxRows limit of 2");
    expect(e.hint).toBe("the maxRows limit (2) guards against runaway input; split or sample the file");
    expect(e.location).toEqual({ file: rows, line: 3 });

    const long = await file(
      "long.jsonl",
      `{"id": "a", "score": 1}\n{"id": "${"x".repeat(300)}", "score": 1}\n`,
    );
    const l = await failure(long, { limits: { maxLineBytes: 100 } });
    expect(l.message).toBe("items file line 2 is longer than 100 bytes, over the maxLineBytes limit of 100");
    expect(l.location?.line).toBe(2);

    const big = await failure(rows, { limits: { maxBytes: 10 } });
    expect(big.message).toMatch(/^items file is \d+ bytes, over the maxBytes limit of 10$/);

    const wide = await failure(await file("wide.csv", "id,score,a,b\nx,1,2,3\n"), {
      limits: { maxColumns: 3 },
    });
    expect(wide.message).toBe("the header has 4 columns, over the maxColumns limit of 3");
    const wideJson = await failure(await file("wide.jsonl", '{"id": "x", "score": 1, "a": 2, "b": 3}\n'), {
      limits: { maxColumns: 3 },
    });
    expect(wideJson.message).toBe("line 1 has 4 fields, over the maxColumns limit of 3");
    expect((await failure(rows, { limits: { maxRows: 0 } })).message).toMatch(
      /maxRows must be a positive integer/,
    );
  });

  it("fails fast on a gigabyte of garbage", async () => {
    for (const ext of [".jsonl", ".csv", ".json", ".bin"]) {
      const path = join(dir, `garbage${ext}`);
      const handle = await open(path, "w");
      // Sparse: a gigabyte on paper without writing one; the garbage sits at the start.
      await handle.truncate(1024 ** 3);
      await handle.write(randomBytes(4 * 1024 ** 2), 0, 4 * 1024 ** 2, 0);
      await handle.close();
      const started = performance.now();
      const e = await failure(path);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(e.message).toMatch(
        /not valid UTF-8|NUL byte|UTF-16|too large to read as one JSON document|not valid JSON/,
      );
    }
    // Text garbage without line ends stops at the line limit, not at the end of the file.
    const text = join(dir, "one-line.csv");
    await writeFile(text, "abc,".repeat(8 * 1024 ** 2));
    const started = performance.now();
    expect((await failure(text)).message).toMatch(/maxLineBytes/);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("refuses an empty file and a missing one", async () => {
    expect((await failure(await file("empty.jsonl", ""))).message).toBe("items file holds no items");
    expect((await failure(await file("header.csv", "id,score\n"))).message).toBe("items file holds no items");
    expect((await failure(await file("empty.csv", ""))).message).toBe("items file is empty: no header row");
    expect((await failure(join(dir, "nope.jsonl"))).message).toMatch(/^items file not found: /);
    expect((await failure(dir, { format: "csv" })).message).toMatch(/is not a regular file/);
  });
});

describe("readItems: scale", () => {
  it("streams a 200,000-row JSONL file", async () => {
    const n = 200_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      lines.push(
        `{"id":"item-${i}","label":"${i % 3 === 0 ? "cat" : "dog"}","prediction":"${i % 5 === 0 ? "cat" : "dog"}","probability":${(i % 1000) / 1000},"slice":"s${i % 7}"}`,
      );
    }
    const path = await file("big.jsonl", `${lines.join("\n")}\n`);
    const started = performance.now();
    const table = await readItems(path);
    const seconds = (performance.now() - started) / 1000;
    expect(table.records).toHaveLength(n);
    expect(table.records[n - 1]).toEqual({
      id: `item-${n - 1}`,
      slices: { slice: `s${(n - 1) % 7}` },
      label: "dog",
      prediction: "dog",
      positiveScore: 0.999,
    });
    expect(seconds).toBeLessThan(20);
  });
});

describe("pairItems", () => {
  const table = (records: ItemTable["records"], extra: Partial<ItemTable> = {}): ItemTable => ({
    file: "t.jsonl",
    format: "jsonl",
    records,
    kind: "classification",
    sliceColumns: ["lang"],
    warnings: [],
    ...extra,
  });
  const rec = (id: string, lang: string, label = "a", prediction = "a") => ({
    id,
    slices: { lang },
    label,
    prediction,
  });

  it("pairs a JSONL candidate with a CSV baseline, reporting ids only one side has", async () => {
    const candidate = await readItems(fixture("sentiment-candidate.jsonl"));
    const baseline = await readItems(fixture("sentiment-baseline.csv"));
    const paired = pairItems(candidate, baseline);
    expect(paired.ids).toEqual(["rev-0001", "rev-0002", "rev-0003", "rev-0004", "rev-0006"]);
    expect(paired.candidate.map((r) => r.prediction)).toEqual([
      "positive",
      "negative",
      "positive",
      "positive",
      "positive",
    ]);
    expect(paired.baseline.map((r) => r.prediction)).toEqual([
      "positive",
      "positive",
      "positive",
      "positive",
      "negative",
    ]);
    expect(paired.onlyInCandidate).toEqual(["rev-0005"]);
    expect(paired.onlyInBaseline).toEqual(["rev-0007"]);
    expect(paired.sliceColumns).toEqual(["slice"]);
    expect(paired.warnings).toEqual([
      '1 item only in the candidate ("rev-0005") is not compared',
      '1 item only in the baseline ("rev-0007") is not compared',
    ]);
  });

  it("keeps the candidate's order and slices, and warns when the baseline disagrees", () => {
    const candidate = table([rec("1", "en"), rec("2", "de", "b"), rec("3", "fr")]);
    const baseline = table([rec("3", "fr"), rec("2", "en", "c"), rec("1", "en")]);
    const paired = pairItems(candidate, baseline);
    expect(paired.ids).toEqual(["1", "2", "3"]);
    expect(paired.baseline.map((r) => r.slices.lang)).toEqual(["en", "de", "fr"]);
    expect(paired.baseline[1]?.label).toBe("c");
    expect(baseline.records[1]?.slices.lang).toBe("en");
    expect(paired.warnings).toEqual([
      '1 item in a different slice in the baseline, the candidate\'s slice is used ("2" lang: "de" vs "en")',
      '1 item with a different label in the baseline, candidate vs baseline ("2": "b" vs "c"): were both evaluated on the same data?',
    ]);
  });

  it("gives paired baseline items the candidate's slices even where the baseline has none", () => {
    const paired = pairItems(
      table([rec("1", "en")]),
      table([{ id: "1", slices: {}, label: "a", prediction: "b" }], { sliceColumns: [] }),
    );
    expect(paired.baseline).toEqual([{ id: "1", slices: { lang: "en" }, label: "a", prediction: "b" }]);
    expect(paired.warnings).toEqual([]);
  });

  it("lists a few examples of many unpaired ids", () => {
    const ids = Array.from({ length: 10 }, (_, i) => String(i));
    const paired = pairItems(table(ids.map((id) => rec(id, "en"))), table([rec("0", "en")]));
    expect(paired.onlyInCandidate).toHaveLength(9);
    expect(paired.warnings).toEqual(['9 items only in the candidate ("1", "2", "3", ...) are not compared']);
  });

  it("refuses tables with no id in common, or of different kinds", () => {
    expect(() => pairItems(table([rec("0", "en")]), table([rec("q0", "en")]))).toThrow(
      /no item id in common \(candidate ids such as "0"; baseline ids such as "q0"\)/,
    );
    expect(() => pairItems(table([rec("0", "en")]), table([rec("0", "en")], { kind: "score" }))).toThrow(
      /candidate items are classification but baseline items are score/,
    );
  });
});
