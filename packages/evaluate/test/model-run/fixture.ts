/** The models and dataset both runModelOnDataset test files start from. */
import { join } from "node:path";
import { type ResolvedRuntime, resolveOnnxRuntime } from "@mlgate/onnx";
import { type RunModelOptions, runModelOnDataset } from "../../src/model-run/index.js";
import { featureRows, lrModel, softmaxRow, tempDir, writeJsonl } from "./helpers.js";

export const W3 = [
  [0.5, -1.25, 2],
  [1.5, 0.25, -0.75],
  [-0.5, 1, 0.25],
  [0.75, -0.5, -1],
];
export const B3 = [0.1, -0.2, 0.05];
export const W2 = [
  [0, 1.5],
  [0, -2],
  [0, 0.75],
  [0, 0.5],
];
export const B2 = [0, 0.25];
export const SLICES = ["emea", "amer", "apac"];

export interface Fixture {
  dir: string;
  runtime: ResolvedRuntime;
  /** Three-class logistic regression over 4 features. */
  lr3: string;
  /** Two-class logistic regression over 4 features. */
  lr2: string;
  /** 300 feature rows, exact in float32. */
  rows: number[][];
  /** eval.jsonl: id, label (lr3's own prediction), slice, features. */
  dataset: string;
  run(
    options: Partial<RunModelOptions> & Pick<RunModelOptions, "model" | "dataset">,
  ): ReturnType<typeof runModelOnDataset>;
}

export async function makeFixture(name: string): Promise<Fixture> {
  const dir = await tempDir(name);
  const runtime = await resolveOnnxRuntime({ cwd: dir });
  const rows = featureRows(300, 4, 7);
  let count = 0;
  return {
    dir,
    runtime,
    lr3: await lrModel(join(dir, "lr3.onnx"), W3, B3),
    lr2: await lrModel(join(dir, "lr2.onnx"), W2, B2),
    rows,
    dataset: await writeJsonl(
      join(dir, "eval.jsonl"),
      rows.map((x, i) => ({
        id: `r${i}`,
        label: softmaxRow(x, W3, B3).label,
        slice: SLICES[i % 3],
        features: x,
      })),
    ),
    run: (options) =>
      runModelOnDataset({
        output: join(dir, `out-${count++}.jsonl`),
        runtime,
        intraOpThreads: 1,
        ...options,
      }),
  };
}
