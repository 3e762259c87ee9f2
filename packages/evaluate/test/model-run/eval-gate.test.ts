import { join } from "node:path";
import { type ResolvedRuntime, resolveOnnxRuntime } from "@mlgate/onnx";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ExampleModels,
  exampleRows,
  logit,
  MODELS,
  writeExampleModels,
} from "../../../../examples/eval/models.js";
import { runEvalGate } from "../../src/eval-gate.js";
import { describeModelRun, modelRunPaths, runModelsForEvalGate } from "../../src/model-run/index.js";
import { readJsonl, tempDir } from "./helpers.js";

const GATES = ["delta(accuracy) >= -0.01", "slice(*): delta(accuracy) >= -0.05", "accuracy >= 0.75"];

let dir: string;
let runtime: ResolvedRuntime;
let example: ExampleModels;

beforeAll(async () => {
  dir = await tempDir("gate");
  runtime = await resolveOnnxRuntime({ cwd: dir });
  example = await writeExampleModels(join(dir, "example"));
});

async function gate(candidateModel: string, outDir: string) {
  const produced = await runModelsForEvalGate({
    candidateModel,
    baselineModel: example.baseline,
    dataset: example.dataset,
    outDir,
    columns: example.columns,
    runtime,
    intraOpThreads: 1,
  });
  const report = await runEvalGate({
    candidate: produced.candidate,
    ...(produced.baseline ? { baseline: produced.baseline } : {}),
    columns: produced.columns,
    kind: produced.kind,
    gates: GATES,
    baselineMeta: false,
  });
  return { produced, report };
}

describe("models run for eval-gate", () => {
  it("writes paired files the gate reads, and passes the better candidate", async () => {
    const outDir = join(dir, "candidate-run");
    const { produced, report } = await gate(example.candidate, outDir);
    expect(produced.candidate).toBe(modelRunPaths(outDir).candidate);
    expect(produced.baseline).toBe(modelRunPaths(outDir).baseline);
    expect(produced.columns).toEqual({ slice: ["slice"] });
    expect(produced.kind).toBe("classification");
    const [cand, base] = await Promise.all([readJsonl(produced.candidate), readJsonl(produced.baseline!)]);
    expect(cand.map((r) => r["id"])).toEqual(base.map((r) => r["id"]));
    expect(cand).toHaveLength(2000);
    // The runtime agrees with the models' own arithmetic on every row.
    const rows = exampleRows();
    cand.forEach((item, i) => {
      const z = logit(MODELS.candidate, rows[i]!.features);
      expect(item["prediction"]).toBe(z > 0 ? 1 : 0);
      expect(Math.abs((item["probability"] as number) - 1 / (1 + Math.exp(-z)))).toBeLessThan(1e-6);
    });
    expect(report.verdict).toBe("pass");
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        "slice(apac): delta(accuracy) >= -0.05",
        "slice(emea): delta(accuracy) >= -0.05",
      ]),
    );
    expect(produced.notes[0]).toBe(describeModelRun(produced.runs.candidate, "candidate"));
    expect(produced.notes[0]).toMatch(/candidate: ran .*candidate\.onnx on .*eval\.jsonl: 2,000 rows in/);
  });

  it("fails the candidate that is worse in one region, on that region's slice", async () => {
    const { report } = await gate(example.regressed, join(dir, "regressed-run"));
    expect(report.verdict).toBe("fail");
    const failing = report.checks.filter((c) => c.status === "fail").map((c) => c.name);
    expect(failing).toContain("slice(apac): delta(accuracy) >= -0.05");
    expect(failing).not.toContain("slice(emea): delta(accuracy) >= -0.05");
    expect(failing).not.toContain("slice(amer): delta(accuracy) >= -0.05");
  });

  it("runs the candidate alone for absolute gates, and refuses the score kind", async () => {
    const produced = await runModelsForEvalGate({
      candidateModel: example.candidate,
      dataset: example.dataset,
      outDir: join(dir, "alone"),
      runtime,
    });
    expect(produced.baseline).toBeUndefined();
    // Without a slice mapping the region is not a slice.
    expect(produced.columns).toEqual({});
    const report = await runEvalGate({
      candidate: produced.candidate,
      gates: ["accuracy >= 0.8"],
      baselineMeta: false,
    });
    expect(report.verdict).toBe("pass");
    await expect(
      runModelsForEvalGate({
        candidateModel: example.candidate,
        dataset: example.dataset,
        outDir: dir,
        runtime,
        kind: "score",
      }),
    ).rejects.toThrow(/kind score does not apply to a model run/);
  });
});
