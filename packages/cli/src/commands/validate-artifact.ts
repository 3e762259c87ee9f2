import { parseAllowGlobal, resolveValidateArtifact, runValidateArtifact } from "@mlgate/artifact";
import type { Command } from "commander";
import { type CliIO, collect, gateCommand } from "../gate-command.js";

export function validateArtifactCommand(io: CliIO, setExitCode: (code: number) => void): Command {
  return gateCommand(
    "validate-artifact",
    "prove a model artifact is complete, safe to load, true to its model card, reproducible and within budget",
    io,
    setExitCode,
    async (options, args) => {
      const allow = (options.allowGlobal as string[]).map(parseAllowGlobal);
      const { input, report } = await resolveValidateArtifact(
        {
          model: args[0],
          manifest: options.manifest as string | undefined,
          profile: options.profile as string | undefined,
          samples: options.samples as string | undefined,
          gates: options.gate.length > 0 ? options.gate : undefined,
          ...(allow.length > 0 ? { allowGlobals: allow } : {}),
          ...(options.runtime === false ? { runtime: false } : {}),
        },
        { cwd: io.cwd, ...(options.config ? { configPath: options.config } : {}) },
      );
      input.runtime.log = (line) => io.stderr(`${line}\n`);
      return { report: await runValidateArtifact(input), outputs: report.outputs ?? [] };
    },
  )
    .argument(
      "[model]",
      "the model file (.onnx, .safetensors, .pt, .pkl, .joblib, .keras, ...) or its directory",
    )
    .option("--manifest <file>", "the model card (default: model-card.yml beside the model)")
    .option("--profile <name>", "the model card's budget profile to hold the model to, e.g. server or edge")
    .option("--samples <file>", "sample inputs with golden outputs (JSON or JSONL), for the smoke test")
    .option(
      "--allow-global <module.name=reason>",
      "let pickle-based files import this global too, with the reason (repeatable)",
      collect,
      [],
    )
    .option("--no-runtime", "check the files only; do not load the model into ONNX Runtime")
    .addHelpText(
      "after",
      `
Budgets and --gate thresholds can use file_size, artifact_size, parameters, load_time,
latency_p50, latency_p95, latency_p99 and peak_rss, e.g. 'latency_p95 < 20ms' or 'parameters <= 5M'.
ONNX Runtime is taken from the workspace's node_modules, else installed once into the tool cache.

Examples:
  mlgate validate-artifact models/churn/ --profile edge
  mlgate validate-artifact model.onnx --manifest model-card.yml --samples samples.jsonl
  mlgate validate-artifact pytorch_model.bin --allow-global 'collections.OrderedDict=state dict'
  mlgate validate-artifact model.safetensors --format json -o report.sarif`,
    );
}
