import { resolveEvalGate, runMetricsGate } from "@mlgate/evaluate";
import type { Command } from "commander";
import { type CliIO, gateCommand } from "../gate-command.js";

export function evalGateCommand(io: CliIO, setExitCode: (code: number) => void): Command {
  return gateCommand(
    "eval-gate",
    "judge a candidate model's metrics against thresholds and the baseline's metrics",
    io,
    setExitCode,
    async (options) => {
      const { input, report } = await resolveEvalGate(
        {
          candidate: options.candidate as string | undefined,
          baseline: options.baseline as string | undefined,
          gates: options.gate.length > 0 ? options.gate : undefined,
        },
        { cwd: io.cwd, ...(options.config ? { configPath: options.config } : {}) },
      );
      return { report: await runMetricsGate(input), outputs: report.outputs ?? [] };
    },
  )
    .option("--candidate <file>", "metrics of the candidate model (JSON or YAML)")
    .option("--baseline <file>", "metrics of the baseline model, for delta() and ratio() gates")
    .addHelpText(
      "after",
      `
Examples:
  mlgate eval-gate --candidate metrics.json --gate 'accuracy >= 0.92'
  mlgate eval-gate --candidate cand.json --baseline prod.json \\
      --gate 'delta(f1) >= -0.005' --gate 'ratio(latency_p95) <= 1.10' -o report.sarif
  mlgate eval-gate --config mlgate.yml --format markdown`,
    );
}
