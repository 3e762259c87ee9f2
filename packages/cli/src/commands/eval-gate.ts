import { GateError } from "@mlgate/core";
import {
  DEFAULT_BASELINE_ARTIFACT,
  describeSpec,
  type ModelFlags,
  parseColumnPairs,
  parseDuration,
  plannedModelFiles,
  resolveEvalGate,
  runEvalGate,
  runModelsInto,
} from "@mlgate/evaluate";
import { type Command, Option } from "commander";
import { type CliIO, collect, gateCommand } from "../gate-command.js";
import { addModelOptions } from "./eval-models.js";

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
  const command = gateCommand(
    "eval-gate",
    "judge a candidate model against thresholds and against the baseline, per metric and per slice",
    io,
    setExitCode,
    async (options) => {
      const columns = options.column as string[];
      const maxAge = options.baselineMaxAge as string | undefined;
      if (maxAge !== undefined) parseDuration(maxAge, "--baseline-max-age");
      const evalConfig = options.evalConfig as string[];
      const modelFlags = options as unknown as ModelFlags;
      const planned = plannedModelFiles(modelFlags, io.cwd);
      if (planned.candidate && options.candidate) {
        throw new GateError("--model and --candidate both give the candidate", { hint: "pass one of them" });
      }
      if (planned.baseline && options.baseline) {
        throw new GateError("--baseline-model and --baseline both give the baseline", {
          hint: "pass one of them",
        });
      }
      const resolved = await resolveEvalGate(
        {
          candidate: planned.candidate ?? (options.candidate as string | undefined),
          baseline: planned.baseline ?? (options.baseline as string | undefined),
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
          baselineMeta: options.baselineMeta as string | undefined,
          baselineMaxAge: maxAge,
          baselineMismatch: options.baselineMismatch as "warn" | "fail" | undefined,
          ...(evalConfig.length > 0 ? { evalConfig } : {}),
          behavioural: options.behavioural as string | undefined,
          behaviouralBaseline: options.behaviouralBaseline as string | undefined,
          itemChanges: options.itemChanges as string | undefined,
          saveBaseline: options.writeBaseline as string | undefined,
          commit: (options.commit as string | undefined) ?? process.env.GITHUB_SHA,
          acceptLabel: options.acceptLabel as string | undefined,
        },
        { cwd: io.cwd, ...(options.config ? { configPath: options.config } : {}) },
      );
      const { input, report, remoteBaseline, acceptLabel } = resolved;
      if (remoteBaseline) {
        const name = remoteBaseline.artifact;
        throw new GateError(
          `baseline "${describeSpec(remoteBaseline.spec)}" lives on GitHub; the action fetches it`,
          {
            hint: `download it (gh run download --name ${name} --dir baseline) and pass --baseline baseline/<results file>; its mlgate-baseline.json is read from beside it`,
          },
        );
      }
      const labels = options.prLabel as string[];
      if (acceptLabel && labels.includes(acceptLabel)) input.acceptLabel = { label: acceptLabel };
      const modelNotes = await runModelsInto(input, modelFlags, {
        cwd: io.cwd,
        log: (line) => io.stderr(`eval-gate: ${line}\n`),
      });
      const judged = await runEvalGate(input);
      const withNotes =
        modelNotes.length > 0 ? { ...judged, notes: [...modelNotes, ...(judged.notes ?? [])] } : judged;
      return { report: withNotes, outputs: report.outputs ?? [] };
    },
  )
    .option(
      "--candidate <file>",
      "the candidate's results: per-item (JSONL, CSV, lm-eval samples, promptfoo, MLflow) or aggregate metrics (JSON, YAML)",
    )
    .option(
      "--baseline <file>",
      "the baseline's results in the same shape, for delta() and ratio() gates (mlgate-baseline.json beside it is checked too)",
    )
    .option(
      "--baseline-meta <file>",
      "the baseline's mlgate-baseline.json, when it is not beside the baseline file",
    )
    .option("--baseline-max-age <duration>", "oldest baseline accepted, e.g. 14d, 36h, 2w")
    .addOption(
      new Option(
        "--baseline-mismatch <level>",
        "what another eval set or config, or an over-age baseline, does (default warn)",
      ).choices(["warn", "fail"]),
    )
    .option(
      "--eval-config <file>",
      "a file that defines the evaluation (config, prompt template), part of the config fingerprint (repeatable)",
      collect,
      [],
    )
    .option(
      "--write-baseline <dir>",
      `save the candidate's results as a baseline in DIR with mlgate-baseline.json (upload it as ${DEFAULT_BASELINE_ARTIFACT}); comparisons are skipped when there is no baseline yet`,
    )
    .option("--commit <sha>", "commit recorded in a saved baseline (default: $GITHUB_SHA)")
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
    .option(
      "--item-changes <file>",
      "write every item whose outcome flipped against the baseline (newly failing, newly passing) as JSON Lines",
    )
    .option(
      "--behavioural <file>",
      "CheckList-style behavioural test results (test, test_type mft|inv|dir, id/case, label, prediction, score, expect)",
    )
    .option(
      "--behavioural-baseline <file>",
      "the baseline's behavioural results, to tell newly failing tests apart",
    )
    .option(
      "--pr-label <name>",
      "a label the pull request carries, as the action reads it from the event (repeatable)",
      collect,
      [],
    )
    .option(
      "--accept-label <name>",
      "the label that accepts failing delta()/ratio() checks as warnings (default mlgate:accept-regression)",
    )
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
and is inconclusive in between (the report says how many items would decide). At a zero margin
(delta(accuracy) >= 0) a 0/1 metric is decided by the exact McNemar test.

Behavioural tests are gated as <type>.<test>.<failure_rate|failures|total>, e.g.
'mft.negation.failure_rate <= 2%'; tests no gate names get their type's default.

Examples:
  mlgate eval-gate --candidate cand.jsonl --baseline prod.jsonl \\
      --gate 'delta(accuracy) >= -0.01' --gate 'slice(*): delta(f1) >= -0.03'
  mlgate eval-gate --candidate preds.csv --column id=row --column slice=region -g 'accuracy >= 0.9'
  mlgate eval-gate --candidate metrics.json --baseline prod-metrics.json \\
      --gate 'delta(f1) >= -0.005' --gate 'ratio(latency_p95) <= 1.10' -o report.sarif
  mlgate eval-gate --config mlgate.yml --format markdown
  mlgate eval-gate --candidate cand.jsonl --write-baseline eval-baseline -g 'accuracy >= 0.9'
  mlgate eval-gate --candidate cand.jsonl --baseline eval-baseline/cand.jsonl --baseline-max-age 14d \\
      --behavioural checklist.jsonl -g 'delta(accuracy) >= 0' -g 'inv.typos.failure_rate <= 5%'
  mlgate eval-gate --model candidate.onnx --baseline-model prod.onnx --dataset eval.jsonl \\
      --column slice=region -g 'delta(accuracy) >= -0.01' -g 'slice(*): delta(accuracy) >= -0.05'`,
    );
  return addModelOptions(command);
}
