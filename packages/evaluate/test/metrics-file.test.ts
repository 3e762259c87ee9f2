import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { extractMetrics, readMetricsFile, selectMetrics } from "../src/metrics-file.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-metrics-"));
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe("readMetricsFile", () => {
  it("flattens nested numbers into dotted names and ignores other leaves", async () => {
    const path = await file(
      "m.json",
      JSON.stringify({ model: "x", accuracy: 0.9, slices: { a: { f1: 0.8 } }, ok: true }),
    );
    expect(await readMetricsFile(path)).toEqual({ accuracy: 0.9, "slices.a.f1": 0.8 });
  });

  it("reads YAML", async () => {
    const path = await file("m.yaml", "accuracy: 0.9\nloss: 1.5\n");
    expect(await readMetricsFile(path)).toEqual({ accuracy: 0.9, loss: 1.5 });
  });

  it("reads MLflow's [{key, value, step}] list keeping the latest step", async () => {
    const path = await file(
      "mlflow.json",
      JSON.stringify([
        { key: "loss", value: 2, step: 1 },
        { key: "loss", value: 1, step: 3 },
        { key: "loss", value: 1.5, step: 2 },
        { key: "acc", value: 0.7, step: 0 },
      ]),
    );
    expect(await readMetricsFile(path)).toEqual({ loss: 1, acc: 0.7 });
  });

  it("selects metrics with JSONPath from another tool's file", async () => {
    const lmEval = {
      results: { mmlu: { "acc,none": 0.61, "acc_stderr,none": 0.004 }, hellaswag: { "acc,none": 0.8 } },
    };
    const path = await file("results.json", JSON.stringify(lmEval));
    expect(await readMetricsFile(path, { select: { mmlu: "$.results.mmlu['acc,none']" } })).toEqual({
      mmlu: 0.61,
    });
  });

  it("rejects a JSONPath that selects several values or a non-number", () => {
    const doc = { a: [{ v: 1 }, { v: 2 }], s: "text" };
    expect(() => selectMetrics(doc, "f.json", { x: "$.a[*].v" })).toThrow(/selects 2 values/);
    expect(() => selectMetrics(doc, "f.json", { x: "$.s" })).toThrow(/expected a number/);
    expect(() => selectMetrics(doc, "f.json", { x: "$.missing" })).toThrow(/selects 0 values/);
  });

  it("points at the line and column of a JSON syntax error", async () => {
    const path = await file("bad.json", '{\n  "accuracy": 0.9,\n  "f1": ,\n}');
    const error = await readMetricsFile(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GateError);
    expect((error as GateError).location).toMatchObject({ file: path, line: 3 });
  });

  it("refuses files over the size limit without reading them", async () => {
    const path = await file("big.json", JSON.stringify({ a: 1, pad: "x".repeat(2000) }));
    await expect(readMetricsFile(path, { limits: { maxBytes: 1000 } })).rejects.toThrow(
      /over the limit of 1000 bytes/,
    );
  });

  it("refuses nesting deeper than the limit", () => {
    let doc: unknown = 1;
    for (let i = 0; i < 100; i++) doc = { n: doc };
    expect(() => extractMetrics(doc, "deep.json", { maxBytes: 1e9, maxDepth: 64, maxMetrics: 10 })).toThrow(
      /deeper than 64 levels/,
    );
  });

  it("refuses more metrics than the limit", () => {
    const doc = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`m${i}`, i]));
    expect(() => extractMetrics(doc, "many.json", { maxBytes: 1e9, maxDepth: 64, maxMetrics: 10 })).toThrow(
      /more than 10 metrics/,
    );
  });

  it("says so when a file holds no numbers, and when it is missing", async () => {
    const path = await file("empty.json", '{"model": "x"}');
    await expect(readMetricsFile(path)).rejects.toThrow(/holds no numeric metrics/);
    await expect(readMetricsFile(join(dir, "nope.json"))).rejects.toThrow(/metrics file not found/);
  });

  it("never throws anything but GateError on arbitrary JSON documents", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        try {
          const metrics = extractMetrics(doc, "any.json");
          for (const value of Object.values(metrics)) expect(typeof value).toBe("number");
        } catch (e) {
          expect(e).toBeInstanceOf(GateError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("hostile metric names", () => {
  it("keeps __proto__ and constructor as ordinary metric names", () => {
    const doc = JSON.parse('{"__proto__": 0.5, "constructor": 2, "a": {"__proto__": 3}}');
    const metrics = extractMetrics(doc, "m.json");
    expect(Object.entries(metrics).sort()).toEqual([
      ["__proto__", 0.5],
      ["a.__proto__", 3],
      ["constructor", 2],
    ]);
  });

  // Counting keys per metric once made this quadratic (minutes); the suite's timeout is the guard.
  it("reads 200,000 metrics", () => {
    const doc = { results: Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`t${i}`, i])) };
    expect(
      Object.keys(extractMetrics(doc, "big.json", { maxBytes: 1e9, maxDepth: 64, maxMetrics: 300_000 })),
    ).toHaveLength(200_000);
  });
});

describe("lm-evaluation-harness results.json", () => {
  it("names metrics task.metric, keeps non-default filters and stderr", async () => {
    // The shape lm-eval 0.4 writes: results and groups keyed "metric,filter", beside run metadata.
    const doc = {
      results: {
        hellaswag: {
          alias: "hellaswag",
          "acc,none": 0.5712,
          "acc_stderr,none": 0.0049,
          "acc_norm,none": 0.7504,
        },
        gsm8k: { alias: "gsm8k", "exact_match,strict-match": 0.312, "exact_match,flexible-extract": 0.334 },
        mmlu_abstract_algebra: { alias: " - abstract_algebra", "acc,none": 0.29 },
      },
      groups: { mmlu: { alias: "mmlu", "acc,none": 0.5921, "acc_stderr,none": 0.0039 } },
      configs: { hellaswag: { task: "hellaswag", num_fewshot: 0 } },
      versions: { hellaswag: 1, gsm8k: 3 },
      "n-shot": { hellaswag: 0, gsm8k: 5 },
      config: { model: "hf", batch_size: 8 },
      git_hash: "a1b2c3d",
    };
    const path = await file("results.json", JSON.stringify(doc));
    expect(await readMetricsFile(path)).toEqual({
      "hellaswag.acc": 0.5712,
      "hellaswag.acc_stderr": 0.0049,
      "hellaswag.acc_norm": 0.7504,
      "gsm8k.exact_match.strict-match": 0.312,
      "gsm8k.exact_match.flexible-extract": 0.334,
      "mmlu_abstract_algebra.acc": 0.29,
      "mmlu.acc": 0.5921,
      "mmlu.acc_stderr": 0.0039,
    });
  });
});
