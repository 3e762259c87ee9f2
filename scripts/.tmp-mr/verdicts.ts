import { join } from "node:path";
import { resolveOnnxRuntime } from "@mlgate/onnx";
import { writeExampleModels } from "../../examples/eval/models.js";
import { runEvalGate } from "../../packages/evaluate/src/eval-gate.js";
import { runModelsForEvalGate } from "../../packages/evaluate/src/model-run/index.js";
const dir = "/tmp/mr-probe/verdicts";
const runtime = await resolveOnnxRuntime({ cwd: dir });
const ex = await writeExampleModels(dir);
for (const m of ["candidate", "regressed"] as const) {
  const p = await runModelsForEvalGate({ candidateModel: ex[m], baselineModel: ex.baseline, dataset: ex.dataset, outDir: join(dir, m), columns: ex.columns, runtime, log: console.log });
  const r = await runEvalGate({ candidate: p.candidate, baseline: p.baseline, columns: p.columns, kind: p.kind, baselineMeta: false,
    gates: ["delta(accuracy) >= -0.01", "slice(*): delta(accuracy) >= -0.05", "accuracy >= 0.75", "delta(roc_auc) >= -0.01"] });
  console.log(m, r.verdict, r.headline);
  for (const c of r.checks) console.log("  ", c.status, c.name, "|", c.actual, "|", c.message ?? "");
  console.log(p.notes.join("\n"));
}
