/**
 * eval-gate's model run: a small MLP (32 features → 64 → 64 → 3 classes) over an eval set of
 * 100,000 rows read from JSON Lines, per-item file written, at batch sizes 1, 64 and 1024. Each
 * size runs in its own process (this file, started with `--eval-onnx-worker`) so peak memory is
 * that of one run: the gate's process and the runtime's child process are reported apart. Python's
 * onnxruntime is the side-by-side anchor when /usr/bin/python3 has it; a numpy forward pass over
 * the same file (what a hand-written Python step would do) is printed beside it when numpy is there.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const ROWS = 100_000;
const FEATURES = 32;
const HIDDEN = 64;
const CLASSES = 3;
const BATCH_SIZES = [1, 64, 1024];
const PYTHON = "/usr/bin/python3";
const WORKER_FLAG = "--eval-onnx-worker";
const SELF = fileURLToPath(import.meta.url);

interface WorkerResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  gatePeakMiB: number;
  runtimePeakMiB: number;
}

/** Deterministic weights and rows (an LCG), so every run measures the same work. */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function matrix(rand: () => number, rows: number, cols: number): number[][] {
  const scale = 1 / Math.sqrt(rows);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rand() * 2 - 1) * scale));
}

async function generate(dir: string): Promise<{ model: string; dataset: string; weights: string }> {
  const { mlpSpec, writeOnnxModel } = await import("@mlgate/onnx");
  const rand = stream(11);
  const layers = [
    { weights: matrix(rand, FEATURES, HIDDEN), bias: Array.from({ length: HIDDEN }, () => rand() * 0.1) },
    { weights: matrix(rand, HIDDEN, HIDDEN), bias: Array.from({ length: HIDDEN }, () => rand() * 0.1) },
    { weights: matrix(rand, HIDDEN, CLASSES), bias: Array.from({ length: CLASSES }, () => rand() * 0.1) },
  ];
  const model = join(dir, "mlp.onnx");
  await writeOnnxModel(model, mlpSpec({ layers }));
  const weights = join(dir, "weights.json");
  await writeFile(weights, JSON.stringify(layers));
  const lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    const features = Array.from({ length: FEATURES }, () => Number((rand() * 4 - 2).toFixed(4)));
    lines.push(JSON.stringify({ id: `row-${i}`, label: i % CLASSES, slice: `s${i % 4}`, features }));
  }
  const dataset = join(dir, "eval.jsonl");
  await writeFile(dataset, `${lines.join("\n")}\n`);
  return { model, dataset, weights };
}

/** One run in this process: what `mlgate eval-gate --model` does before judging. */
async function worker(model: string, dataset: string, batchSize: number, output: string): Promise<void> {
  const { resolveOnnxRuntime } = await import("@mlgate/onnx");
  const { runModelOnDataset } = await import("../packages/evaluate/src/model-run/index.js");
  const runtime = await resolveOnnxRuntime({ cwd: process.cwd() });
  const summary = await runModelOnDataset({ model, dataset, output, batchSize, runtime });
  const result: WorkerResult = {
    rows: summary.rows,
    seconds: summary.ms / 1000,
    rowsPerSecond: summary.rowsPerSecond,
    gatePeakMiB: process.resourceUsage().maxRSS / 1024,
    runtimePeakMiB: summary.peakRssBytes / 1024 ** 2,
  };
  console.log(JSON.stringify(result));
}

/** The same forward pass in numpy over the same JSON Lines, batch by batch: a hand-written Python step. */
const NUMPY_STEP = String.raw`
import json, sys, time, resource
import numpy as np
started = time.perf_counter()
layers = [(np.array(l["weights"], dtype=np.float32), np.array(l["bias"], dtype=np.float32)) for l in json.load(open(sys.argv[1]))]
batch = int(sys.argv[3])
out = open(sys.argv[4], "w")
def flush(rows):
    x = np.array([r["features"] for r in rows], dtype=np.float32)
    for i, (w, b) in enumerate(layers):
        x = x @ w + b
        if i < len(layers) - 1:
            x = np.maximum(x, 0)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    for r, probs in zip(rows, p):
        out.write(json.dumps({"id": r["id"], "slice": r["slice"], "label": r["label"], "prediction": int(probs.argmax()), "probabilities": probs.tolist()}) + "\n")
n = 0
rows = []
for line in open(sys.argv[2]):
    rows.append(json.loads(line))
    if len(rows) == batch:
        flush(rows); n += len(rows); rows = []
if rows:
    flush(rows); n += len(rows)
out.close()
seconds = time.perf_counter() - started
print(json.dumps({"rows": n, "seconds": seconds, "peakMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;

function pythonHas(module: string): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" }).status === 0;
}

const bench: Benchmark = {
  name: "eval-onnx",
  description: `eval-gate --model: an MLP (${FEATURES}→${HIDDEN}→${HIDDEN}→${CLASSES}) over ${ROWS.toLocaleString("en-US")} JSON Lines rows, per-item file written, batch sizes ${BATCH_SIZES.join(", ")}`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), "mlgate-bench-eval-onnx-"));
    try {
      const { model, dataset, weights } = await generate(dir);
      const rows: string[][] = [];
      for (const batchSize of BATCH_SIZES) {
        const run = measure(
          process.execPath,
          [
            "--import",
            "tsx",
            SELF,
            WORKER_FLAG,
            model,
            dataset,
            String(batchSize),
            join(dir, `out-${batchSize}.jsonl`),
          ],
          { runs: 1, timeoutMs: 600_000 },
        );
        const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as WorkerResult;
        rows.push([
          `mlgate, batch ${batchSize}`,
          Math.round(result.rowsPerSecond).toLocaleString("en-US"),
          result.seconds.toFixed(1),
          result.gatePeakMiB.toFixed(0),
          result.runtimePeakMiB.toFixed(0),
        ]);
        console.log(`batch ${batchSize}: ${Math.round(result.rowsPerSecond).toLocaleString("en-US")} rows/s`);
      }
      if (pythonHas("onnxruntime")) {
        console.log(
          "onnxruntime for /usr/bin/python3 is installed, but no side-by-side script is wired for it yet",
        );
      } else {
        console.log(
          "onnxruntime for /usr/bin/python3: not available (Debian ships no python3-onnxruntime); left out",
        );
      }
      if (pythonHas("numpy")) {
        const run = measure(PYTHON, ["-c", NUMPY_STEP, weights, dataset, "1024", join(dir, "numpy.jsonl")], {
          runs: 1,
          timeoutMs: 600_000,
        });
        const result = JSON.parse(run.stdout.trim()) as { rows: number; seconds: number; peakMiB: number };
        rows.push([
          "numpy forward pass, batch 1024",
          Math.round(result.rows / result.seconds).toLocaleString("en-US"),
          result.seconds.toFixed(1),
          result.peakMiB.toFixed(0),
          "-",
        ]);
      } else {
        console.log("numpy for /usr/bin/python3: not available (apt-get install python3-numpy); left out");
      }
      console.log("");
      printTable(
        [
          "run",
          "rows/s",
          "seconds (whole run)",
          "peak RSS MiB, gate process",
          "peak RSS MiB, runtime process",
        ],
        rows,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;

if (process.argv[1] === SELF && process.argv[2] === WORKER_FLAG) {
  const [model, dataset, batch, output] = process.argv.slice(3);
  await worker(model!, dataset!, Number(batch), output!);
}
