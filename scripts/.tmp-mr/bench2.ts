import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mlpSpec, resolveOnnxRuntime, writeOnnxModel } from "@mlgate/onnx";
import { writeFile } from "node:fs/promises";
import { runModelOnDataset } from "../../packages/evaluate/src/model-run/index.js";
const dir = mkdtempSync(join(tmpdir(), "b2-"));
let s = 11; const rand = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
const m = (r: number, c: number) => Array.from({ length: r }, () => Array.from({ length: c }, () => (rand() * 2 - 1) / Math.sqrt(r)));
const layers = [{ weights: m(32, 64), bias: Array(64).fill(0.01) }, { weights: m(64, 64), bias: Array(64).fill(0.01) }, { weights: m(64, 3), bias: [0, 0, 0] }];
await writeOnnxModel(join(dir, "mlp.onnx"), mlpSpec({ layers }));
const lines = [];
for (let i = 0; i < 100000; i++) lines.push(JSON.stringify({ id: `row-${i}`, label: i % 3, slice: `s${i % 4}`, features: Array.from({ length: 32 }, () => Number((rand() * 4 - 2).toFixed(4))) }));
await writeFile(join(dir, "eval.jsonl"), lines.join("\n") + "\n");
const runtime = await resolveOnnxRuntime({ cwd: dir });
for (const [bs, threads] of [[1024, undefined], [1024, 1], [64, undefined], [64, 1], [4096, 1]] as const) {
  const t = await runModelOnDataset({ model: join(dir, "mlp.onnx"), dataset: join(dir, "eval.jsonl"), output: join(dir, "o.jsonl"), batchSize: bs, runtime, ...(threads ? { intraOpThreads: threads } : {}) });
  console.log(bs, threads, Math.round(t.rowsPerSecond), t.ms.toFixed(0));
}
