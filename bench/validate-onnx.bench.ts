/**
 * validate-artifact's static path on a large ONNX model (decode, policy including the NaN/Inf scan
 * of every weight, SHA-256 of the file), against `onnx.checker.check_model` on the same file in the
 * same run. Both run as whole processes, as a CI step would; peak memory comes from GNU time.
 * Targets: no slower than onnx.checker, peak memory at most 1.5× the model's size.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Measurement, measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WORKER_FLAG = "--validate-onnx-worker";
const TARGET_BYTES = 500 * 1024 * 1024;
const RUNS = 3;
const PYTHON = "/usr/bin/python3";

/** In the measured child: the gate's own entry point, runtime off, timings on stdout. */
async function worker(model: string): Promise<void> {
  const { runValidateArtifact } = await import("@mlgate/artifact");
  const started = performance.now();
  const report = await runValidateArtifact({ model, gates: [], runtime: { enabled: false, install: false, cwd: ROOT } });
  const ms = performance.now() - started;
  console.log(JSON.stringify({ verdict: report.verdict, ms, sha256: report.outputs?.sha256, checks: report.checks.length }));
  if (report.verdict !== "pass") process.exitCode = 1;
}

async function generate(dir: string): Promise<string> {
  const { largeModelSpec, writeOnnxModel } = await import("@mlgate/onnx");
  const path = join(dir, "large.onnx");
  await writeOnnxModel(path, largeModelSpec({ targetBytes: TARGET_BYTES }));
  return path;
}

const mib = (bytes: number) => bytes / 1024 ** 2;

function row(tool: string, m: Measurement, size: number): string[] {
  const seconds = m.wallMs / 1000;
  return [
    tool,
    `${seconds.toFixed(2)} s`,
    `${(mib(size) / seconds).toFixed(0)} MiB/s`,
    m.maxRssMiB === undefined ? "n/a" : `${m.maxRssMiB.toFixed(0)} MiB`,
    m.maxRssMiB === undefined ? "n/a" : `${(m.maxRssMiB / mib(size)).toFixed(2)}×`,
  ];
}

const bench: Benchmark = {
  name: "validate-onnx",
  description: "validate a generated ~500 MB ONNX model (decode + policy + SHA-256) vs onnx.checker.check_model",
  async run() {
    const dir = mkdtempSync(join(tmpdir(), "mlgate-bench-onnx-"));
    try {
      const started = performance.now();
      const model = await generate(dir);
      const size = statSync(model).size;
      console.log(`generated ${model}: ${mib(size).toFixed(0)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s`);

      const ours = measure(process.execPath, ["--import", "tsx", SELF, WORKER_FLAG, model], { runs: RUNS, cwd: ROOT, timeoutMs: 600_000 });
      const inside = JSON.parse(ours.stdout.trim().split("\n").pop() ?? "{}") as { verdict?: string; ms?: number };
      const rows = [row("mlgate validate-artifact (static, with SHA-256)", ours, size)];
      const baseline = measure(process.execPath, ["-e", "0"], { runs: RUNS, cwd: ROOT });

      const hasOnnx = spawnSync(PYTHON, ["-c", "import onnx"], { encoding: "utf8" }).status === 0;
      let checker: Measurement | undefined;
      if (hasOnnx) {
        checker = measure(PYTHON, ["-c", "import sys, onnx; onnx.checker.check_model(sys.argv[1])", model], {
          runs: RUNS,
          timeoutMs: 600_000,
        });
        rows.push(row("onnx.checker.check_model (python3-onnx)", checker, size));
      }
      console.log("");
      printTable(["tool", "wall (median of 3)", "throughput", "peak RSS", "RSS / model size"], rows);
      console.log("");
      console.log(`mlgate verdict ${inside.verdict}; in-process time ${((inside.ms ?? 0) / 1000).toFixed(2)} s`);
      console.log(`an empty node process: ${(baseline.wallMs / 1000).toFixed(2)} s, ${baseline.maxRssMiB?.toFixed(0) ?? "n/a"} MiB`);
      if (checker) {
        console.log(`time ratio mlgate / onnx.checker: ${(ours.wallMs / checker.wallMs).toFixed(2)} (target <= 1)`);
      } else {
        console.log("onnx.checker: python3-onnx is not installed (apt-get install -y python3-onnx) — no comparison");
      }
      if (ours.maxRssMiB !== undefined) {
        console.log(`memory: ${(ours.maxRssMiB / mib(size)).toFixed(2)}× the model size (target <= 1.5)`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;

if (process.argv[2] === WORKER_FLAG && process.argv[3]) await worker(process.argv[3]);
