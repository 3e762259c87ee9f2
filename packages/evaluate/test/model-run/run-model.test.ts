import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeOnnxModel } from "@mlgate/onnx";
import { beforeAll, describe, expect, it } from "vitest";
import { readItems } from "../../src/items/index.js";
import { B2, B3, type Fixture, makeFixture, SLICES, W2, W3 } from "./fixture.js";
import {
  castInputModel,
  featureRows,
  gateError,
  linearModel,
  lrModel,
  readJsonl,
  softmaxRow,
  twoInputModel,
  writeCsv,
  writeJsonl,
} from "./helpers.js";

let dir: string;
let lr3: string;
let lr2: string;
let rows: number[][];
let dataset: string;
let run: Fixture["run"];
let runtime: Fixture["runtime"];

beforeAll(async () => {
  const fixture = await makeFixture("run");
  ({ dir, lr3, lr2, rows, dataset, run, runtime } = fixture);
});

describe("runModelOnDataset", () => {
  it("writes every row's class probabilities and label as computed by hand", async () => {
    const summary = await run({ model: lr3, dataset });
    const items = await readJsonl(summary.outputFile);
    expect(items).toHaveLength(rows.length);
    items.forEach((item, i) => {
      const want = softmaxRow(rows[i]!, W3, B3);
      expect(item["id"]).toBe(`r${i}`);
      expect(item["slice"]).toBe(SLICES[i % 3]);
      expect(item["prediction"]).toBe(want.label);
      const got = item["probabilities"] as number[];
      expect(got).toHaveLength(3);
      got.forEach((p, c) => {
        expect(Math.abs(p - want.probabilities[c]!)).toBeLessThan(1e-6);
      });
    });
    expect(summary).toMatchObject({
      rows: 300,
      batches: 2,
      batchSize: 256,
      outputsUsed: { label: "label", probabilities: "probabilities" },
      produced: { kind: "classification", classes: ["0", "1", "2"], sliceColumns: ["slice"] },
      runtime: { version: runtime.version, source: runtime.source },
      signature: { inputs: [{ name: "input", dtype: "float32", shape: ["N", 4] }] },
    });
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.datasetSha256).toMatch(/^[0-9a-f]{64}$/);
    // The per-item reader takes the file as it is.
    const table = await readItems(summary.outputFile);
    expect(table.kind).toBe("classification");
    expect(table.sliceColumns).toEqual(["slice"]);
    expect(table.records.every((r) => r.label === r.prediction)).toBe(true);
  });

  it("writes a binary classifier's probability of class 1, which the reader takes as the positive score", async () => {
    const binary = await writeJsonl(
      join(dir, "binary.jsonl"),
      rows.map((x, i) => ({ id: `b${i}`, label: i % 2, features: x })),
    );
    const summary = await run({ model: lr2, dataset: binary });
    const items = await readJsonl(summary.outputFile);
    items.forEach((item, i) => {
      const want = softmaxRow(rows[i]!, W2, B2);
      expect(item["prediction"]).toBe(want.label);
      expect(Math.abs((item["probability"] as number) - want.probabilities[1]!)).toBeLessThan(1e-6);
      expect(item["probabilities"]).toBeUndefined();
    });
    expect(summary.produced.positiveClass).toBe("1");
    const table = await readItems(summary.outputFile);
    expect(table.records[0]?.positiveScore).toBe(items[0]?.["probability"]);
  });

  it("decides a binary model without a label output by the threshold on class 1", async () => {
    const model = await lrModel(join(dir, "probs-only.onnx"), W2, B2, (spec) => {
      spec.graph.outputs = spec.graph.outputs.filter((o) => o.name === "probabilities");
    });
    const data = await writeJsonl(
      join(dir, "threshold.jsonl"),
      rows.slice(0, 60).map((x, i) => ({ id: `t${i}`, label: i % 2, features: x })),
    );
    const summary = await run({ model, dataset: data, threshold: 0.7 });
    const items = await readJsonl(summary.outputFile);
    const p1 = rows.slice(0, 60).map((x) => softmaxRow(x, W2, B2).probabilities[1]!);
    expect(p1.some((p) => p > 0.5 && p < 0.7)).toBe(true);
    items.forEach((item, i) => {
      expect(item["prediction"]).toBe(p1[i]! >= 0.7 ? 1 : 0);
    });
  });

  it("gives byte-identical files for batch sizes 1, 7 and 256", async () => {
    const small = await writeJsonl(
      join(dir, "small.jsonl"),
      rows.slice(0, 40).map((x, i) => ({ id: `s${i}`, label: 0, features: x })),
    );
    const runs = [];
    for (const batchSize of [1, 7, 256]) runs.push(await run({ model: lr3, dataset: small, batchSize }));
    expect(runs.map((r) => r.batches)).toEqual([40, 6, 1]);
    expect(new Set(runs.map((r) => r.sha256)).size).toBe(1);
    const texts = await Promise.all(runs.map((r) => readFile(r.outputFile, "utf8")));
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).toBe(texts[0]);
  });

  it("reads named feature columns from CSV and TSV the same as a features array from JSON Lines", async () => {
    const some = rows.slice(0, 50);
    const header = ["id", "region", "a", "b", "c", "d", "label"];
    const body = some.map((x, i) => [`r${i}`, SLICES[i % 3]!, ...x, softmaxRow(x, W3, B3).label]);
    const csv = await writeCsv(join(dir, "named.csv"), header, body);
    const tsv = await writeCsv(join(dir, "named.tsv"), header, body, "\t");
    const jsonl = await writeJsonl(
      join(dir, "array.jsonl"),
      some.map((x, i) => ({
        id: `r${i}`,
        region: SLICES[i % 3],
        features: x,
        label: softmaxRow(x, W3, B3).label,
      })),
    );
    const named = { features: ["a", "b", "c", "d"], slice: ["region"] };
    const fromCsv = await run({ model: lr3, dataset: csv, columns: named });
    const fromTsv = await run({ model: lr3, dataset: tsv, columns: named });
    const fromJsonl = await run({ model: lr3, dataset: jsonl, columns: { slice: ["region"] } });
    expect(fromCsv.sha256).toBe(fromJsonl.sha256);
    expect(fromTsv.sha256).toBe(fromJsonl.sha256);
    // A different column order changes what the model sees.
    const shuffled = await run({ model: lr3, dataset: csv, columns: { features: ["d", "c", "b", "a"] } });
    expect(shuffled.sha256).not.toBe(fromCsv.sha256);
  });

  it("reads an array written as JSON text in a CSV cell", async () => {
    const some = rows.slice(0, 12);
    const csv = await writeCsv(
      join(dir, "json-cells.csv"),
      ["id", "label", "features"],
      some.map((x, i) => [`j${i}`, 0, `"${JSON.stringify(x)}"`]),
    );
    const items = await readJsonl((await run({ model: lr3, dataset: csv })).outputFile);
    items.forEach((item, i) => {
      expect(item["prediction"]).toBe(softmaxRow(some[i]!, W3, B3).label);
    });
  });

  it("feeds string inputs and reads a string label output", async () => {
    const model = join(dir, "echo.onnx");
    await writeOnnxModel(model, {
      graph: {
        name: "echo",
        inputs: [{ name: "text", dtype: "string", shape: ["N"] }],
        outputs: [{ name: "label", dtype: "string", shape: ["N"] }],
        nodes: [{ opType: "Identity", inputs: ["text"], outputs: ["label"] }],
      },
    });
    const data = await writeJsonl(join(dir, "texts.jsonl"), [
      { id: "a", label: "spam", text: "spam" },
      { id: "b", label: "ham", text: "spam" },
      { id: "c", label: "ham", text: "ham" },
    ]);
    const summary = await run({ model, dataset: data });
    expect(summary.outputsUsed).toEqual({ label: "label" });
    const items = await readJsonl(summary.outputFile);
    expect(items.map((i) => [i["label"], i["prediction"]])).toEqual([
      ["spam", "spam"],
      ["ham", "spam"],
      ["ham", "ham"],
    ]);
  });

  it("feeds each input of a multi-input model from its own columns", async () => {
    const model = await twoInputModel(join(dir, "two.onnx"), W3.slice(0, 3), B3);
    const some = rows.slice(0, 20);
    const data = await writeJsonl(
      join(dir, "two.jsonl"),
      some.map((x, i) => ({ id: `t${i}`, label: 0, pair: [x[0], x[1]], third: x[2] })),
    );
    const summary = await run({ model, dataset: data, columns: { inputs: { a: ["pair"], b: ["third"] } } });
    const items = await readJsonl(summary.outputFile);
    items.forEach((item, i) => {
      const want = softmaxRow(some[i]!.slice(0, 3), W3.slice(0, 3), B3);
      expect(item["prediction"]).toBe(want.label);
      (item["probabilities"] as number[]).forEach((p, c) => {
        expect(Math.abs(p - want.probabilities[c]!)).toBeLessThan(1e-6);
      });
    });
    await gateError(
      run({ model, dataset: data, columns: { inputs: { a: ["pair"] } } }),
      /nothing in the eval dataset feeds model input "b"/,
    );
    await gateError(
      run({ model, dataset: data, columns: { inputs: { a: ["pair"], c: ["third"] } } }),
      /"c" is not an input of the model; its inputs: a, b/,
    );
  });

  it("casts to int64 and float64 inputs, and refuses a fraction for an integer input by row and column", async () => {
    const counts = featureRows(12, 4, 3).map((x) => x.map((v) => Math.round(v)));
    const data = await writeJsonl(
      join(dir, "counts.jsonl"),
      counts.map((x, i) => ({ id: `c${i}`, label: 1, features: x })),
    );
    for (const dtype of ["int64", "float64"] as const) {
      const model = await castInputModel(join(dir, `${dtype}.onnx`), dtype, W3, B3);
      const items = await readJsonl((await run({ model, dataset: data })).outputFile);
      items.forEach((item, i) => {
        expect(item["prediction"]).toBe(softmaxRow(counts[i]!, W3, B3).label);
      });
    }
    const fractions = await writeJsonl(join(dir, "fractions.jsonl"), [
      { id: "a", label: 1, features: [1, 2, 3, 4] },
      { id: "b", label: 1, features: [1, 2.5, 3, 4] },
    ]);
    const model = join(dir, "int64.onnx");
    const e = await gateError(
      run({ model, dataset: fractions }),
      /line 2 \(id "b"\), column "features": 2.5 is not a whole number; model input "x" is int64/,
    );
    expect(e.location).toEqual({ file: fractions, line: 2 });
  });

  it("uses the model's fixed batch size, padding the last batch", async () => {
    const fixed1 = await lrModel(join(dir, "fixed1.onnx"), W3, B3, (spec) => {
      spec.graph.inputs[0] = { name: "input", dtype: "float32", shape: [1, 4] };
      spec.graph.outputs = [
        { name: "probabilities", dtype: "float32", shape: [1, 3] },
        { name: "label", dtype: "int64", shape: [1] },
      ];
    });
    const fixed4 = await lrModel(join(dir, "fixed4.onnx"), W3, B3, (spec) => {
      spec.graph.inputs[0] = { name: "input", dtype: "float32", shape: [4, 4] };
      spec.graph.outputs = [
        { name: "probabilities", dtype: "float32", shape: [4, 3] },
        { name: "label", dtype: "int64", shape: [4] },
      ];
    });
    const ten = await writeJsonl(
      join(dir, "ten.jsonl"),
      rows.slice(0, 10).map((x, i) => ({ id: `f${i}`, label: 0, features: x })),
    );
    const free = await run({ model: lr3, dataset: ten });
    const one = await run({ model: fixed1, dataset: ten, batchSize: 64 });
    const four = await run({ model: fixed4, dataset: ten });
    expect([one.batchSize, one.batches]).toEqual([1, 10]);
    expect(one.notes).toContain("batches of 1 rows: the model's batch dimension is fixed at 1");
    expect([four.batchSize, four.batches, four.rows]).toEqual([4, 3, 10]);
    expect(one.sha256).toBe(free.sha256);
    expect(four.sha256).toBe(free.sha256);
  });

  it("reads a single [N, 1] output as a regression prediction when the labels are numbers", async () => {
    const w = [0.5, -0.25, 1, 0.125];
    const model = await linearModel(join(dir, "linear.onnx"), w, 0.75);
    const data = await writeJsonl(
      join(dir, "regression.jsonl"),
      rows.slice(0, 30).map((x, i) => ({ id: `y${i}`, label: 10 + i / 4, features: x })),
    );
    const summary = await run({ model, dataset: data });
    expect(summary.produced.kind).toBe("regression");
    expect(summary.outputsUsed).toEqual({ score: "y" });
    const items = await readJsonl(summary.outputFile);
    items.forEach((item, i) => {
      const want = 0.75 + rows[i]!.reduce((s, v, f) => s + v * w[f]!, 0);
      expect(Math.abs((item["prediction"] as number) - want)).toBeLessThan(1e-5);
      expect(item["label"]).toBe(10 + i / 4);
    });
    expect((await readItems(summary.outputFile)).kind).toBe("regression");
  });

  it("reads a single sigmoid output as the probability of class 1 when the labels are 0 and 1", async () => {
    const w = [1.5, -2, 0.75, 0.5];
    const model = await linearModel(join(dir, "sigmoid.onnx"), w, 0.25, { sigmoid: true });
    const data = await writeJsonl(
      join(dir, "sigmoid.jsonl"),
      rows.slice(0, 40).map((x, i) => ({ id: `p${i}`, label: i % 2, features: x })),
    );
    const summary = await run({ model, dataset: data });
    expect(summary.produced).toMatchObject({ kind: "classification", positiveClass: "1" });
    expect(summary.notes.join("\n")).toMatch(/output "y" is read as the probability of class 1/);
    const items = await readJsonl(summary.outputFile);
    items.forEach((item, i) => {
      const p = 1 / (1 + Math.exp(-(0.25 + rows[i]!.reduce((s, v, f) => s + v * w[f]!, 0))));
      expect(Math.abs((item["probability"] as number) - p)).toBeLessThan(1e-6);
      expect(item["prediction"]).toBe(p >= 0.5 ? 1 : 0);
    });
    // Told it is a regression, the same output is a prediction.
    const asRegression = await run({ model, dataset: data, task: "regression" });
    expect(asRegression.produced.kind).toBe("regression");
  });

  it("names classes with class labels, and writes the probability of the class that sorts second", async () => {
    const data = await writeJsonl(
      join(dir, "named-classes.jsonl"),
      rows.slice(0, 30).map((x, i) => ({ id: `n${i}`, label: i % 3 === 0 ? "churn" : "stay", features: x })),
    );
    // Model index 0 is "stay", 1 is "churn"; sorted, "stay" comes second and is the positive class.
    const summary = await run({ model: lr2, dataset: data, classLabels: ["stay", "churn"] });
    expect(summary.produced).toMatchObject({ classes: ["stay", "churn"], positiveClass: "stay" });
    const items = await readJsonl(summary.outputFile);
    items.forEach((item, i) => {
      const want = softmaxRow(rows[i]!, W2, B2);
      expect(item["prediction"]).toBe(want.label === 1 ? "churn" : "stay");
      expect(Math.abs((item["probability"] as number) - want.probabilities[0]!)).toBeLessThan(1e-6);
    });
    await gateError(
      run({ model: lr2, dataset: data }),
      /line 1 \(id "n0"\), column "label": label "churn" is not one of the model's classes \(0, 1\)/,
    );
  });

  it("reports progress with rows per second", async () => {
    const lines: string[] = [];
    await run({ model: lr3, dataset, batchSize: 16, log: (l) => lines.push(l), progressIntervalMs: 0 });
    expect(lines[0]).toMatch(/lr3\.onnx: running on eval\.jsonl with onnxruntime-node .*, 16 rows per batch/);
    expect(
      lines.some((l) => /lr3\.onnx: [\d,]+ rows · [\d,]+ rows\/s · \d+% of the dataset read/.test(l)),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/300 rows in .* rows\/s\) → /);
  });
});
