/**
 * ONNX models and an eval dataset for the demo's `eval-gate --model` run, made by code so they are
 * the same on every machine. A churn classifier (label 1 = churns) over four standardised
 * features; customers in three regions. The dataset is drawn from a known true model with a seeded
 * generator. The fourth feature barely varies in emea and amer but carries much of the signal in
 * apac, so a model that loses it looks fine overall and is clearly worse in apac.
 *
 * - `baseline.onnx`: production, with somewhat off weights on the first three features.
 * - `candidate.onnx`: closer to the true model: slightly better overall and in every region.
 * - `regressed.onnx`: the candidate with the fourth feature's weight lost: worse in apac.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { logisticRegressionSpec, writeOnnxModel } from "@mlgate/onnx";

export const REGIONS = ["emea", "amer", "apac"] as const;
export const FEATURES = ["tenure", "monthly_charges", "support_tickets", "usage_drop"] as const;
export const EXAMPLE_ROWS = 2000;

/** Logit weights over FEATURES and a bias: P(churn) = sigmoid(x · w + b). */
export interface Logit {
  w: [number, number, number, number];
  b: number;
}

export const TRUE_MODEL: Logit = { w: [1.6, -1.2, 0.8, 1.4], b: -0.4 };
export const MODELS = {
  baseline: { w: [1.25, -0.85, 1.15, 1.4], b: -0.2 },
  candidate: { w: [1.5, -1.1, 0.9, 1.4], b: -0.35 },
  regressed: { w: [1.5, -1.1, 0.9, 0.05], b: -0.35 },
} satisfies Record<string, Logit>;

/** Spread of `usage_drop` per region: nearly constant outside apac. */
const USAGE_DROP_SD: Record<(typeof REGIONS)[number], number> = { emea: 0.15, amer: 0.15, apac: 1.6 };

function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Standard normal draws (Box-Muller) from a uniform stream. */
function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function logit(model: Logit, x: readonly number[]): number {
  return model.b + x.reduce((sum, v, i) => sum + v * (model.w[i] ?? 0), 0);
}

export interface ExampleRow {
  id: string;
  region: (typeof REGIONS)[number];
  label: 0 | 1;
  features: number[];
}

/** The eval set: features rounded to 4 decimals, the label drawn from the true model. */
export function exampleRows(n = EXAMPLE_ROWS, seed = 2026): ExampleRow[] {
  const rand = stream(seed);
  const gauss = normal(rand);
  return Array.from({ length: n }, (_, i) => {
    const region = REGIONS[i % REGIONS.length]!;
    const x = [gauss(), gauss(), gauss(), gauss() * USAGE_DROP_SD[region]].map((v) => Number(v.toFixed(4)));
    const label = rand() < sigmoid(logit(TRUE_MODEL, x)) ? 1 : 0;
    return { id: `cust-${i}`, region, label, features: x };
  });
}

/** A two-class logistic regression whose class-1 logit is `model` (class 0's is 0). */
async function writeModel(path: string, model: Logit, version: string): Promise<string> {
  await writeOnnxModel(
    path,
    logisticRegressionSpec({
      weights: model.w.map((w) => [0, w]),
      bias: [0, model.b],
      metadata: { features: FEATURES.join(","), classes: "stay,churn", version },
    }),
  );
  return path;
}

export interface ExampleModels {
  baseline: string;
  candidate: string;
  regressed: string;
  /** eval.jsonl: id, region, label (0/1), features (FEATURES in order). */
  dataset: string;
  /** eval-gate columns to read the dataset with: the slice is `region`. */
  columns: { slice: string[] };
}

/** Write baseline.onnx, candidate.onnx, regressed.onnx and eval.jsonl into `dir`. */
export async function writeExampleModels(dir: string): Promise<ExampleModels> {
  await mkdir(dir, { recursive: true });
  const dataset = join(dir, "eval.jsonl");
  await writeFile(
    dataset,
    `${exampleRows()
      .map((r) => JSON.stringify(r))
      .join("\n")}\n`,
  );
  return {
    baseline: await writeModel(join(dir, "baseline.onnx"), MODELS.baseline, "2026.1"),
    candidate: await writeModel(join(dir, "candidate.onnx"), MODELS.candidate, "2026.2"),
    regressed: await writeModel(join(dir, "regressed.onnx"), MODELS.regressed, "2026.2-rc1"),
    dataset,
    columns: { slice: ["region"] },
  };
}
