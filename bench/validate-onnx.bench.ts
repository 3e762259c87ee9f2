/**
 * validate-artifact's static path on a large ONNX model (decode, policy including the NaN/Inf scan
 * of every weight, SHA-256 of the file), against `onnx.checker.check_model` on the same file in the
 * same run. Both run as whole processes, as a CI step would; peak memory comes from GNU time.
 * Targets: no slower than onnx.checker, peak memory at most 1.5× the model's size.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Measurement, measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ACTION = join(ROOT, "actions", "validate-artifact", "dist", "index.js");
const TARGET_BYTES = 500 * 1024 * 1024;
const RUNS = 3;
const PYTHON = "/usr/bin/python3";

/** The action's environment: inputs as INPUT_*, outputs and summary into the scratch directory. */
function actionEnv(model: string, scratch: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    INPUT_MODEL: model,
    INPUT_RUNTIME: "false",
    INPUT_COMMENT: "false",
    "INPUT_COMMENT-KEY": "default",
    GITHUB_WORKSPACE: scratch,
    RUNNER_TEMP: scratch,
    GITHUB_OUTPUT: join(scratch, "outputs.txt"),
  };
}

/** User + system CPU seconds of one run of the command, from GNU time. */
function cpuSeconds(command: string, args: string[], env: NodeJS.ProcessEnv): number | undefined {
  if (!existsSync("/usr/bin/time")) return undefined;
  const scratch = mkdtempSync(join(tmpdir(), "mlgate-bench-cpu-"));
  try {
    const out = join(scratch, "time.txt");
    spawnSync("/usr/bin/time", ["-o", out, "-f", "%U %S", command, ...args], {
      env,
      stdio: "ignore",
      timeout: 600_000,
    });
    const [user, system] = readFileSync(out, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    return (user ?? 0) + (system ?? 0);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function generate(dir: string): Promise<string> {
  const { largeModelSpec, writeOnnxModel } = await import("@mlgate/onnx");
  const path = join(dir, "large.onnx");
  await writeOnnxModel(path, largeModelSpec({ targetBytes: TARGET_BYTES }));
  return path;
}

const mib = (bytes: number) => bytes / 1024 ** 2;

function row(tool: string, m: Measurement, cpu: number | undefined, size: number): string[] {
  const seconds = m.wallMs / 1000;
  return [
    tool,
    `${seconds.toFixed(2)} s`,
    cpu === undefined ? "n/a" : `${cpu.toFixed(2)} s`,
    `${(mib(size) / seconds).toFixed(0)} MiB/s`,
    m.maxRssMiB === undefined ? "n/a" : `${m.maxRssMiB.toFixed(0)} MiB`,
    m.maxRssMiB === undefined ? "n/a" : `${(m.maxRssMiB / mib(size)).toFixed(2)}×`,
  ];
}

const bench: Benchmark = {
  name: "validate-onnx",
  description:
    "validate a generated ~500 MB ONNX model (decode + policy + SHA-256) vs onnx.checker.check_model",
  async run() {
    const dir = mkdtempSync(join(tmpdir(), "mlgate-bench-onnx-"));
    try {
      const started = performance.now();
      const model = await generate(dir);
      const size = statSync(model).size;
      console.log(
        `generated ${model}: ${mib(size).toFixed(0)} MiB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );

      if (!existsSync(ACTION)) throw new Error(`${ACTION} is missing: run npm run build first`);
      const scratch = mkdtempSync(join(tmpdir(), "mlgate-bench-action-"));
      const env = actionEnv(model, scratch);
      writeFileSync(join(scratch, "outputs.txt"), "");
      const ours = measure(process.execPath, [ACTION], { runs: RUNS, env, cwd: scratch, timeoutMs: 600_000 });
      const outputs = readFileSync(join(scratch, "outputs.txt"), "utf8");
      const verdict = /verdict<<[^\n]*\n([^\n]*)/.exec(outputs)?.[1] ?? "?";
      const ourCpu = cpuSeconds(process.execPath, [ACTION], env);
      rmSync(scratch, { recursive: true, force: true });
      const rows = [row("mlgate validate-artifact (action, static, with SHA-256)", ours, ourCpu, size)];

      const hasOnnx = spawnSync(PYTHON, ["-c", "import onnx"], { encoding: "utf8" }).status === 0;
      let checker: Measurement | undefined;
      let checkerCpu: number | undefined;
      if (hasOnnx) {
        const args = ["-c", "import sys, onnx; onnx.checker.check_model(sys.argv[1])", model];
        checker = measure(PYTHON, args, { runs: RUNS, timeoutMs: 600_000 });
        checkerCpu = cpuSeconds(PYTHON, args, process.env);
        rows.push(row("onnx.checker.check_model (python3-onnx)", checker, checkerCpu, size));
      }
      console.log("");
      printTable(["tool", "wall (median of 3)", "CPU", "throughput", "peak RSS", "RSS / model size"], rows);
      console.log("");
      console.log(`mlgate verdict: ${verdict}`);
      if (checker) {
        const cpuRatio =
          ourCpu !== undefined && checkerCpu ? ` (CPU time ${(ourCpu / checkerCpu).toFixed(2)})` : "";
        console.log(
          `time ratio mlgate / onnx.checker: ${(ours.wallMs / checker.wallMs).toFixed(2)}${cpuRatio} (target <= 1)`,
        );
      } else {
        console.log(
          "onnx.checker: python3-onnx is not installed (apt-get install -y python3-onnx) — no comparison",
        );
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
