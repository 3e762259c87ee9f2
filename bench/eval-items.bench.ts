/**
 * eval-gate's paired comparison at scale: 1,000,000 items in 20 slices, 1,000 paired bootstrap
 * resamples of F1 and accuracy overall and in every slice, against the same computation in numpy
 * (Debian's python3-numpy), each in its own process so peak memory is measured too.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const N = 1_000_000;
const SLICES = 20;
const RESAMPLES = 1000;
const SYSTEM_PYTHON = "/usr/bin/python3";

const worker = (name: string) => fileURLToPath(new URL(`workers/${name}`, import.meta.url));

function hasNumpy(): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  return measure(SYSTEM_PYTHON, ["-c", "import numpy"], { runs: 1, okExitCodes: [0, 1] }).exitCode === 0;
}

const bench: Benchmark = {
  name: "eval-items",
  description: `paired bootstrap of F1 and accuracy, ${N.toLocaleString("en-US")} items, ${SLICES} slices, ${RESAMPLES} resamples: mlgate vs numpy`,
  async run() {
    const args = [String(N), String(SLICES), String(RESAMPLES)];
    const rows: string[][] = [];
    const ours = measure(process.execPath, ["--import", "tsx", worker("paired-slices.ts"), ...args], {
      runs: 1,
    });
    const ourSeconds = (JSON.parse(ours.stdout) as { seconds: number }).seconds;
    rows.push(["mlgate (TypeScript)", ourSeconds.toFixed(1), ours.maxRssMiB?.toFixed(0) ?? "n/a", "1.00"]);
    console.log(
      `mlgate: ${ourSeconds.toFixed(1)} s, peak RSS ${ours.maxRssMiB?.toFixed(0) ?? "n/a"} MiB; now numpy…`,
    );
    if (hasNumpy()) {
      const numpy = measure(SYSTEM_PYTHON, [worker("paired-slices.py"), ...args], {
        runs: 1,
        timeoutMs: 3_600_000,
      });
      const seconds = (JSON.parse(numpy.stdout) as { seconds: number }).seconds;
      rows.push([
        "numpy",
        seconds.toFixed(1),
        numpy.maxRssMiB?.toFixed(0) ?? "n/a",
        (seconds / ourSeconds).toFixed(2),
      ]);
    } else {
      console.log("numpy is not installed for /usr/bin/python3 (apt-get install python3-numpy): left out");
    }
    printTable(["tool", "compute seconds", "peak RSS MiB (whole process)", "time ÷ mlgate"], rows);
    console.log("\nTarget: faster than numpy, under 1 GiB.");
  },
};

export default bench;
