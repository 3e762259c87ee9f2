import { readdirSync } from "node:fs";
import { join } from "node:path";
import { resolveOnnxRuntime } from "@mlgate/onnx";
import { runModelOnDataset } from "../../packages/evaluate/src/model-run/index.js";
const dir = process.argv[2]!;
const runtime = await resolveOnnxRuntime({ cwd: dir });
const t = await runModelOnDataset({ model: join(dir, "mlp.onnx"), dataset: join(dir, "eval.jsonl"), output: join(dir, "o.jsonl"), batchSize: 1024, runtime });
console.log(Math.round(t.rowsPerSecond), t.ms.toFixed(0));
