import type { Command } from "commander";
import { collect } from "../gate-command.js";

export function addModelOptions(command: Command): Command {
  return command
    .option(
      "--model <file>",
      "an ONNX candidate model to run over --dataset (instead of --candidate results)",
    )
    .option(
      "--baseline-model <file>",
      "the ONNX baseline model, run over the same dataset (instead of --baseline)",
    )
    .option("--dataset <file>", "the eval dataset (JSONL or CSV: id, label, slice columns and features)")
    .option(
      "--feature-columns <cols>",
      "columns fed to the model in order (a,b,c), or INPUT=a,b per input of a multi-input model (repeatable); default: a `features` array column",
      collect,
      [],
    )
    .option("--batch-size <n>", "rows per inference call (default 256)")
    .option(
      "--model-output <role=name>",
      "which model output is the label, probabilities or score, when the model has several (repeatable)",
      collect,
      [],
    )
    .option("--class-labels <names>", "class names in the order of the model's probability columns (a,b,c)")
    .option(
      "--model-out-dir <dir>",
      "where the per-item files of the model runs are written (default mlgate-model-run)",
    );
}
