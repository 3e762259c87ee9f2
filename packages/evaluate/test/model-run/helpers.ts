/** Models built by code and datasets generated from a seed, for the model-run tests. */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import { logisticRegressionSpec, type OnnxModelSpec, writeOnnxModel } from "@mlgate/onnx";
import { expect } from "vitest";

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `mlgate-model-run-${prefix}-`));
}

/** A small deterministic stream so every fixture is the same on every run. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** softmax(x·W + b) in float64, and its argmax. */
export function softmaxRow(x: readonly number[], weights: number[][], bias: number[]) {
  const logits = bias.map((b, c) => b + x.reduce((sum, v, f) => sum + v * weights[f]![c]!, 0));
  const top = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - top));
  const total = exps.reduce((a, b) => a + b, 0);
  const probabilities = exps.map((e) => e / total);
  return { probabilities, label: probabilities.indexOf(Math.max(...probabilities)) };
}

/** Feature rows with values that are exact in float32 (multiples of 1/64), so hand and runtime see the same inputs. */
export function featureRows(n: number, features: number, seed: number): number[][] {
  const rand = lcg(seed);
  return Array.from({ length: n }, () =>
    Array.from({ length: features }, () => Math.round((rand() * 8 - 4) * 64) / 64),
  );
}

export async function writeJsonl(path: string, rows: readonly object[]): Promise<string> {
  await writeFile(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}

export async function writeCsv(
  path: string,
  header: string[],
  rows: readonly (string | number)[][],
  sep = ",",
): Promise<string> {
  await writeFile(path, [header.join(sep), ...rows.map((r) => r.join(sep))].join("\n") + "\n");
  return path;
}

export async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export async function lrModel(
  path: string,
  weights: number[][],
  bias: number[],
  edit?: (spec: OnnxModelSpec) => void,
) {
  const spec = logisticRegressionSpec({ weights, bias });
  edit?.(spec);
  await writeOnnxModel(path, spec);
  return path;
}

/** y = x·w + b as [N, 1]: a regression model (with `sigmoid`, the probability of class 1). */
export async function linearModel(
  path: string,
  w: number[],
  b: number,
  options: { sigmoid?: boolean; rank1?: boolean } = {},
) {
  const nodes: OnnxModelSpec["graph"]["nodes"] = [
    { opType: "MatMul", inputs: ["x", "W"], outputs: ["xw"] },
    { opType: "Add", inputs: ["xw", "B"], outputs: [options.sigmoid ? "z" : "y"] },
  ];
  if (options.sigmoid) nodes.push({ opType: "Sigmoid", inputs: ["z"], outputs: ["y"] });
  await writeOnnxModel(path, {
    graph: {
      name: "linear",
      inputs: [{ name: "x", dtype: "float32", shape: ["N", w.length] }],
      outputs: [{ name: "y", dtype: "float32", shape: ["N", 1] }],
      initializers: [
        { name: "W", dtype: "float32", dims: [w.length, 1], data: Float32Array.from(w) },
        { name: "B", dtype: "float32", dims: [1], data: Float32Array.from([b]) },
      ],
      nodes,
    },
  });
  return path;
}

/** Two inputs, `a` [N, 2] and `b` [N, 1], concatenated into a logistic regression over 3 features. */
export async function twoInputModel(path: string, weights: number[][], bias: number[]) {
  const spec = logisticRegressionSpec({ weights, bias, inputName: "joined" });
  spec.graph.inputs = [
    { name: "a", dtype: "float32", shape: ["N", 2] },
    { name: "b", dtype: "float32", shape: ["N", 1] },
  ];
  spec.graph.nodes.unshift({
    opType: "Concat",
    inputs: ["a", "b"],
    outputs: ["joined"],
    attributes: { axis: { int: 1 } },
  });
  await writeOnnxModel(path, spec);
  return path;
}

/** A logistic regression whose input has another element type, cast to float32 first. */
export async function castInputModel(
  path: string,
  dtype: "int64" | "float64",
  weights: number[][],
  bias: number[],
) {
  const spec = logisticRegressionSpec({ weights, bias, inputName: "as_float" });
  spec.graph.inputs = [{ name: "x", dtype, shape: ["N", weights.length] }];
  spec.graph.nodes.unshift({
    opType: "Cast",
    inputs: ["x"],
    outputs: ["as_float"],
    attributes: { to: { int: 1 } },
  });
  await writeOnnxModel(path, spec);
  return path;
}

/** Expect a GateError whose message matches every pattern; returns it. */
export async function gateError(promise: Promise<unknown>, ...patterns: RegExp[]) {
  const e = await promise.then(
    () => {
      throw new Error("expected a GateError");
    },
    (err: unknown) => err,
  );
  if (!isGateError(e)) throw e;
  for (const p of patterns) expect(e.message).toMatch(p);
  return e;
}
