import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { B3, type Fixture, makeFixture, W3 } from "./fixture.js";
import { gateError, lcg, linearModel, lrModel, writeCsv, writeJsonl } from "./helpers.js";

let dir: string;
let lr3: string;
let lr2: string;
let rows: number[][];
let dataset: string;
let run: Fixture["run"];

beforeAll(async () => {
  const fixture = await makeFixture("errors");
  ({ dir, lr3, lr2, rows, dataset, run } = fixture);
});

describe("runModelOnDataset refuses", () => {
  const bad = async (name: string, lines: object[]) => writeJsonl(join(dir, name), lines);

  it("a row with the wrong number of features, naming its line, id and column", async () => {
    const data = await bad("short.jsonl", [
      { id: "a", label: 0, features: [1, 2, 3, 4] },
      { id: "b", label: 0, features: [1, 2, 3] },
    ]);
    await gateError(
      run({ model: lr3, dataset: data }),
      /eval dataset line 2 \(id "b"\), column "features": model input "input" \(shape \[N, 4\]\) takes 4 values per row, but the column gives 3/,
    );
  });

  it("named columns that do not give the input's width", async () => {
    const csv = await writeCsv(join(dir, "three.csv"), ["id", "label", "a", "b", "c"], [["x", 0, 1, 2, 3]]);
    await gateError(
      run({ model: lr3, dataset: csv, columns: { features: ["a", "b", "c"] } }),
      /line 2 \(id "x"\): model input "input" \(shape \[N, 4\]\) takes 4 values per row, but columns "a", "b", "c" give 3/,
    );
  });

  it("a value that is not a number, naming line and column", async () => {
    const csv = await writeCsv(
      join(dir, "text.csv"),
      ["id", "label", "a", "b", "c", "d"],
      [
        ["x", 0, 1, 2, 3, 4],
        ["y", 0, 1, "n/a", 3, 4],
      ],
    );
    const e = await gateError(
      run({ model: lr3, dataset: csv, columns: { features: ["a", "b", "c", "d"] } }),
      /eval dataset line 3 \(id "y"\), column "b": "n\/a" is not a number/,
    );
    expect(e.location).toEqual({ file: csv, line: 3 });
  });

  it("missing columns, listing those found", async () => {
    const data = await bad("nofeatures.jsonl", [{ id: "a", label: 0, x1: 1 }]);
    const e = await gateError(
      run({ model: lr3, dataset: data }),
      /no "features" column .*columns found: "id", "label", "x1"/,
    );
    expect(e.hint).toMatch(/--feature-columns/);
    await gateError(
      run({ model: lr3, dataset: data, columns: { features: ["x1", "x2"] } }),
      /has no column "x2" \(for model input "input"\)/,
    );
    await gateError(
      run({ model: lr3, dataset: data, columns: { label: "target" } }),
      /has no label column "target"/,
    );
    await gateError(
      run({ model: lr3, dataset: data, columns: { features: ["label"] } }),
      /column "label" is the label; it cannot also feed model input "input"/,
    );
  });

  it("a row missing a column the first row had", async () => {
    const data = await bad("gap.jsonl", [
      { id: "a", label: 0, features: [1, 2, 3, 4] },
      { id: "b", label: 0 },
    ]);
    await gateError(
      run({ model: lr3, dataset: data }),
      /line 2 \(id "b"\), column "features": the column is missing/,
    );
  });

  it("duplicate ids and empty labels", async () => {
    const dup = await bad("dup.jsonl", [
      { id: "a", label: 0, features: [1, 2, 3, 4] },
      { id: "a", label: 0, features: [1, 2, 3, 4] },
    ]);
    await gateError(
      run({ model: lr3, dataset: dup }),
      /line 2 \(id "a"\), column "id": duplicate id \(first on line 1\)/,
    );
    const empty = await bad("nolabel.jsonl", [{ id: "a", label: "", features: [1, 2, 3, 4] }]);
    await gateError(run({ model: lr3, dataset: empty }), /line 1 \(id "a"\), column "label": empty label/);
  });

  it("a model that does not load, or is not there, and leaves no output behind", async () => {
    const garbage = join(dir, "garbage.onnx");
    await writeFile(garbage, Buffer.from("this is not an onnx model at all"));
    const output = join(dir, "never", "written.jsonl");
    const e = await gateError(
      run({ model: garbage, dataset, output }),
      /ONNX Runtime cannot load .*garbage\.onnx/,
    );
    expect(e.location?.file).toBe(garbage);
    expect(await readdir(join(dir, "never")).catch(() => [])).toEqual([]);
    await gateError(run({ model: join(dir, "missing.onnx"), dataset }), /model not found: .*missing\.onnx/);
    await gateError(run({ model: lr3, dataset: join(dir, "missing.jsonl") }), /eval dataset not found/);
  });

  it("a row the model cannot take, without leaving a partial file", async () => {
    const data = await bad("late.jsonl", [
      ...rows.slice(0, 20).map((x, i) => ({ id: `ok${i}`, label: 0, features: x })),
      { id: "late", label: 0, features: [1, 2, 1e39, 4] },
    ]);
    const output = join(dir, "late-out", "items.jsonl");
    await gateError(
      run({ model: lr3, dataset: data, output, batchSize: 8 }),
      /line 21 \(id "late"\), column "features": 1e\+39 overflows float32; model input "input" is float32/,
    );
    expect(await readdir(join(dir, "late-out"))).toEqual([]);
  });

  it("outputs it cannot tell apart, listing them", async () => {
    const model = await lrModel(join(dir, "logits.onnx"), W3, B3, (spec) => {
      spec.graph.outputs.push({ name: "logits", dtype: "float32", shape: ["N", 3] });
    });
    const e = await gateError(
      run({ model, dataset }),
      /cannot tell which output of the model to read: more than one could be the prediction; outputs: "probabilities" float32 \[N, 3\], "label" int64 \[N\], "logits" float32 \[N, 3\]/,
    );
    expect(e.hint).toMatch(/--model-output/);
    const named = await run({ model, dataset, outputs: { probabilities: "probabilities", label: "label" } });
    expect(named.outputsUsed).toEqual({ label: "label", probabilities: "probabilities" });
    await gateError(
      run({ model, dataset, outputs: { label: "logits" } }),
      /model output "logits" is float32 \[N, 3\], but a label output must be integer or string/,
    );
    await gateError(
      run({ model, dataset, outputs: { probabilities: "nope" } }),
      /the model has no output "nope"/,
    );
  });

  it("a non-tensor output such as ZipMap, saying how to export without it", async () => {
    const model = await lrModel(join(dir, "zipmap.onnx"), W3, B3, (spec) => {
      spec.opsetImports = [
        { domain: "", version: 17 },
        { domain: "ai.onnx.ml", version: 1 },
      ];
      spec.graph.nodes.push({
        opType: "ZipMap",
        domain: "ai.onnx.ml",
        inputs: ["probabilities"],
        outputs: ["output_probability"],
        attributes: { classlabels_int64s: { ints: [0, 1, 2] } },
      });
      spec.graph.outputs.push({
        name: "output_probability",
        type: {
          kind: "sequence",
          elem: { kind: "map", key: "int64", value: { kind: "tensor", dtype: "float32", shape: [] } },
        },
      });
    });
    const e = await gateError(run({ model, dataset }), /model output "output_probability" is not a tensor/);
    expect(e.hint).toMatch(/zipmap/);
  });

  it("class names in the labels when the model predicts indices", async () => {
    const model = await lrModel(join(dir, "label-only.onnx"), W3, B3, (spec) => {
      spec.graph.outputs = spec.graph.outputs.filter((o) => o.name === "label");
    });
    const data = await bad("names.jsonl", [{ id: "a", label: "cat", features: [1, 2, 3, 4] }]);
    const e = await gateError(
      run({ model, dataset: data }),
      /label "cat" is a class name, but the model predicts class indices/,
    );
    expect(e.hint).toMatch(/--class-labels/);
  });

  it("a probability output outside [0, 1] once the first batch settled it", async () => {
    const model = await linearModel(join(dir, "drift.onnx"), [1, 0, 0, 0], 0);
    const rand = lcg(5);
    const data = await bad("drift.jsonl", [
      ...Array.from({ length: 8 }, (_, i) => ({
        id: `d${i}`,
        label: i % 2,
        features: [rand() * 0.9, 0, 0, 0],
      })),
      { id: "big", label: 1, features: [3, 0, 0, 0] },
    ]);
    const e = await gateError(
      run({ model, dataset: data, batchSize: 8 }),
      /line 9 \(id "big"\): model output "y" \(read as a probability from the first batch\) is 3 for this row/,
    );
    expect(e.hint).toMatch(/kind regression/);
  });

  it("a runtime process over its time or memory bound", async () => {
    await gateError(
      run({ model: lr3, dataset, memoryLimitMb: 8 }),
      /used [\d.]+ MiB, over the limit of 8\.0 MiB; it was stopped/,
    );
    await gateError(
      run({ model: lr3, dataset, timeoutMs: 1 }),
      /took longer than 1 ms; the ONNX Runtime process was stopped/,
    );
  });

  it("bad options", async () => {
    await gateError(run({ model: lr3, dataset, batchSize: 0 }), /batch size must be a whole number from 1/);
    await gateError(run({ model: lr3, dataset, threshold: 1.5 }), /threshold must lie between 0 and 1/);
    await gateError(run({ model: lr2, dataset, classLabels: ["a", "a"] }), /at least two distinct classes/);
    await gateError(
      run({ model: lr3, dataset, classLabels: ["a", "b"] }),
      /the model gives 3 class probabilities, but 2 class labels were given/,
    );
    await gateError(
      run({ model: lr3, dataset, task: "regression" }),
      /kind regression was given, but the model's outputs \("label", "probabilities"\) are a classifier's/,
    );
  });
});
