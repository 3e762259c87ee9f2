import { GateError } from "@mlgate/core";
import { parseColumnPairs, resolveEvalGate, runEvalGate } from "@mlgate/evaluate";
import { type Command, Option } from "commander";
import { type CliIO, collect, gateCommand } from "../gate-command.js";

function number(name: string, check: (x: number) => boolean, expected: string) {
  return (value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const x = Number(value);
    if (value.trim() === "" || !Number.isFinite(x) || !check(x)) {
      throw new GateError(`--${name} ${value}: expected ${expected}`);
    }
    return x;
  };
}

const confidence = number("confidence", (x) => x > 0.5 && x < 1, "a number between 0.5 and 1, e.g. 0.95");
const resamples = number(
  "resamples",
  (x) => Number.isInteger(x) && x >= 100 && x <= 100_000,
  "a whole number from 100 to 100000",
);
const seed = number("seed", (x) => Number.isInteger(x) && x >= 0, "a whole number");
const minItems = number("min-items", (x) => Number.isInteger(x) && x >= 1, "a whole number of at least 1");

export function evalGateCommand(io: CliIO, setExitCode: (code: number) => void): Command {
  return gateCommand(
    "eval-gate",
    "judge a candidate model against thresholds and against the baseline, per metric and per slice",
    io,
    setExitCode,
    async (options) => {
      const columns = options.column as string[];
      const { input, report } = await resolveEvalGate(
        {
          candidate: options.candidate as string | undefined,
          baseline: options.baseline as string | undefined,
          gates: options.gate.length > 0 ? options.gate : undefined,
          results: options.results as "auto" | "items" | "metrics" | undefined,
          kind: options.kind as "classification" | "regression" | "score" | undefined,
          ...(columns.length > 0 ? { columns: parseColumnPairs(columns) } : {}),
          confidence: confidence(options.confidence as string | undefined),
          resamples: resamples(options.resamples as string | undefined),
          seed: seed(options.seed as string | undefined),
          minItems: minItems(options.minItems as string | undefined),
          inconclusive: options.inconclusive as "warn" | "fail" | undefined,
          mustPass: options.mustPass as string | undefined,
        },
        { cwd: io.cwd, ...(options.config ? { configPath: options.config } : {}) },
      );
      return { report: await runEvalGate(input), outputs: report.outputs ?? [] };
    },
  )
    .option(
      "--candidate <file>",
      "the candidate's results: per-item (JSONL, CSV, lm-eval samples, promptfoo, MLflow) or aggregate metrics (JSON, YAML)",
    )
    .option("--baseline <file>", "the baseline's results in the same shape, for delta() and ratio() gates")
    .addOption(
      new Option(
        "--results <shape>",
        "per-item results or aggregate metrics (default: decided from the file)",
      ).choices(["auto", "items", "metrics"]),
    )
    .addOption(
      new Option("--kind <kind>", "what per-item results hold (default: inferred)").choices([
        "classification",
        "regression",
        "score",
      ]),
    )
    .option(
      "--column <role=name>",
      "map a per-item column: id, label, prediction, score, probability or slice (repeatable)",
      collect,
      [],
    )
    .option("--confidence <level>", "two-sided confidence of every interval (default 0.95)")
    .option("--resamples <n>", "paired bootstrap resamples (default 2000)")
    .option("--seed <n>", "bootstrap seed (default 1)")
    .option(
      "--must-pass <file>",
      "ids of a regression set (one per line or a JSON array): any the candidate newly gets wrong fails",
    )
    .option("--min-items <n>", "slices with fewer paired items are reported, not judged (default 30)")
    .addOption(
      new Option(
        "--inconclusive <level>",
        "what an undecided comparison does to the verdict (default warn)",
      ).choices(["warn", "fail"]),
    )
    .addHelpText(
      "after",
      `
Per-item results are paired on id; each comparison with the baseline passes when its whole
confidence interval clears the limit, fails when the evidence against survives Holm's correction,
and is inconclusive in between (the report says how many items would decide).

Examples:
  mlgate eval-gate --candidate cand.jsonl --baseline prod.jsonl \\
      --gate 'delta(accuracy) >= -0.01' --gate 'slice(*): delta(f1) >= -0.03'
  mlgate eval-gate --candidate preds.csv --column id=row --column slice=region -g 'accuracy >= 0.9'
  mlgate eval-gate --candidate metrics.json --baseline prod-metrics.json \\
      --gate 'delta(f1) >= -0.005' --gate 'ratio(latency_p95) <= 1.10' -o report.sarif
  mlgate eval-gate --config mlgate.yml --format markdown`,
    );
}
