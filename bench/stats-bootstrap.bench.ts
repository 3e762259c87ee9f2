/**
 * One bootstrap resample of a million paired items: eval-gate's bootstrapCounts against the loop
 * a Python user would write, numpy's rng.integers(0, n, n) followed by np.bincount. The gate runs
 * 1,000 such resamples per compared metric, so milliseconds per resample is the figure that
 * matters. Times are medians of repeated in-process runs (process start-up excluded on both sides).
 */
import { spawnSync } from "node:child_process";
import { bootstrapCounts, createRng } from "../packages/evaluate/src/stats/index.js";
import { commandExists, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const N = 1_000_000;
const WARMUP = 10;
const RUNS = 60;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeBootstrapCounts(): { median: number; min: number } {
  const rng = createRng(1);
  const out = new Uint32Array(N);
  for (let i = 0; i < WARMUP; i++) bootstrapCounts(N, rng, out);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    bootstrapCounts(N, rng, out);
    times.push(performance.now() - started);
  }
  return { median: median(times), min: Math.min(...times) };
}

const NUMPY = `
import time, numpy as np
n, warmup, runs = ${N}, ${WARMUP}, ${RUNS}
rng = np.random.default_rng(1)
for _ in range(warmup):
    np.bincount(rng.integers(0, n, n), minlength=n)
times = []
for _ in range(runs):
    t = time.perf_counter()
    np.bincount(rng.integers(0, n, n), minlength=n)
    times.append((time.perf_counter() - t) * 1e3)
times.sort()
print(times[len(times) // 2], times[0], np.__version__)
`;

function timeNumpy(python: string): { median: number; min: number; version: string } | string {
  const result = spawnSync(python, ["-c", NUMPY], { encoding: "utf8", timeout: 300_000 });
  if (result.status !== 0)
    return (result.stderr || result.error?.message || "failed").trim().split("\n").pop() ?? "";
  const [med, min, version] = result.stdout.trim().split(/\s+/);
  return { median: Number(med), min: Number(min), version: version ?? "?" };
}

const bench: Benchmark = {
  name: "stats-bootstrap",
  description: "bootstrap resample counts for 1,000,000 items: bootstrapCounts vs numpy integers + bincount",
  async run() {
    const ours = timeBootstrapCounts();
    const rows = [
      [
        "mlgate bootstrapCounts (xoshiro128**, two-stage)",
        ours.median.toFixed(2),
        ours.min.toFixed(2),
        "1.00",
      ],
    ];
    const python = ["/usr/bin/python3", "python3"].find((p) => commandExists(p));
    if (python) {
      const numpy = timeNumpy(python);
      if (typeof numpy === "string") {
        console.log(`numpy left out of the comparison (${python}: ${numpy})`);
      } else {
        rows.push([
          `numpy ${numpy.version} integers + bincount`,
          numpy.median.toFixed(2),
          numpy.min.toFixed(2),
          (numpy.median / ours.median).toFixed(2),
        ]);
      }
    }
    printTable(["implementation", "ms / resample (median)", "min", "time ÷ mlgate"], rows);
    console.log(
      `\n1,000 resamples of ${N.toLocaleString("en-US")} items: about ${(ours.median).toFixed(0)} s for the counts alone.`,
    );
  },
};

export default bench;
