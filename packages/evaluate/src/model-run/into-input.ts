import { dirname, resolve } from "node:path";
import { GateError } from "@mlgate/core";
import { resolveOnnxRuntime } from "@mlgate/onnx";
import type { EvalGateInput } from "../eval-gate.js";
import { parseBatchSize, parseClassLabels, parseFeatureColumns, parseModelOutputs } from "./flags.js";
import { modelRunPaths, runModelsForEvalGate } from "./for-eval-gate.js";

/** The command-line flags / action inputs that make eval-gate run ONNX models over an eval dataset. */
export interface ModelFlags {
  model?: string;
  baselineModel?: string;
  dataset?: string;
  featureColumns: string[];
  batchSize?: string;
  modelOutput: string[];
  classLabels?: string;
  modelOutDir?: string;
}

/** The per-item files the runs will write, known before they run so the gate's input can name them. */
export function plannedModelFiles(flags: ModelFlags, cwd: string): { candidate?: string; baseline?: string } {
  if (flags.model === undefined) {
    if (flags.baselineModel !== undefined) {
      throw new GateError("--baseline-model needs --model: the candidate must be run the same way");
    }
    return {};
  }
  if (flags.dataset === undefined) {
    throw new GateError("--model needs --dataset FILE, the eval dataset to run the model on");
  }
  const paths = modelRunPaths(resolve(cwd, flags.modelOutDir ?? "mlgate-model-run"));
  return { candidate: paths.candidate, ...(flags.baselineModel ? { baseline: paths.baseline } : {}) };
}

/**
 * Run the candidate (and baseline) model, then point the gate's input at the files written.
 * Returns lines for the report's notes: which runtime, how many rows, what was decided automatically.
 */
export async function runModelsInto(
  input: EvalGateInput,
  flags: ModelFlags,
  options: { cwd: string; install?: boolean; log: (line: string) => void },
): Promise<string[]> {
  const planned = plannedModelFiles(flags, options.cwd);
  if (!planned.candidate || !flags.model || !flags.dataset) return [];
  const runtime = await resolveOnnxRuntime({
    cwd: options.cwd,
    install: options.install ?? false,
    log: options.log,
  });
  const produced = await runModelsForEvalGate({
    candidateModel: resolve(options.cwd, flags.model),
    ...(flags.baselineModel ? { baselineModel: resolve(options.cwd, flags.baselineModel) } : {}),
    dataset: resolve(options.cwd, flags.dataset),
    outDir: dirname(planned.candidate),
    ...(input.columns ? { columns: input.columns } : {}),
    ...parseFeatureColumns(flags.featureColumns),
    ...(flags.batchSize ? { batchSize: parseBatchSize(flags.batchSize) } : {}),
    outputs: parseModelOutputs(flags.modelOutput),
    ...(flags.classLabels ? { classLabels: parseClassLabels(flags.classLabels) } : {}),
    ...(input.kind && input.kind !== "score" ? { kind: input.kind } : {}),
    runtime,
    log: options.log,
  });
  // The written files have their own layout, which replaces the dataset's column map.
  input.candidate = produced.candidate;
  if (produced.baseline) input.baseline = produced.baseline;
  input.columns = produced.columns;
  input.kind = produced.kind;
  return produced.notes;
}
