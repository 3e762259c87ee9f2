import { join } from "node:path";
import { GateError } from "@mlgate/core";
import type { ColumnMap, ItemKind } from "../items/index.js";
import { formatSeconds, RUNTIME_SOURCE, rate } from "./progress.js";
import { runModelOnDataset } from "./run-model.js";
import type { DatasetColumns, ModelRunSummary, ModelTask, RunModelOptions } from "./types.js";

export interface EvalGateModelsOptions
  extends Omit<RunModelOptions, "model" | "dataset" | "output" | "columns" | "task"> {
  candidateModel: string;
  baselineModel?: string;
  dataset: string;
  /** Where candidate.jsonl and baseline.jsonl are written. */
  outDir: string;
  /** eval-gate's column map: its id, label and slice name the dataset's columns (the rest are not used). */
  columns?: Partial<ColumnMap>;
  /** Columns feeding a single-input model (an array column, or named numeric columns in order). */
  features?: string[];
  /** Multi-input models: input name → columns. */
  inputs?: Record<string, string[]>;
  /** eval-gate's `kind`: how a single-value output is read (`score` does not apply to a model run). */
  kind?: ItemKind;
}

export interface EvalGateModelsResult {
  /** The candidate's per-item file, for `candidate`. */
  candidate: string;
  /** The baseline's per-item file, same ids, for `baseline`. */
  baseline?: string;
  /** Columns to read both files with, in place of the dataset's column map. */
  columns: Partial<ColumnMap>;
  kind: ModelTask;
  runs: { candidate: ModelRunSummary; baseline?: ModelRunSummary };
  /** One line per run and each decision taken automatically, for the report's notes. */
  notes: string[];
}

/** Where runModelsForEvalGate writes, known before it runs (the gate's input can name the files first). */
export function modelRunPaths(outDir: string): { candidate: string; baseline: string } {
  return { candidate: join(outDir, "candidate.jsonl"), baseline: join(outDir, "baseline.jsonl") };
}

/**
 * Run the candidate model, and the baseline model when given, over the same eval dataset, and write
 * per-item files eval-gate pairs on `id`. The baseline is read the way the candidate was (same
 * kind), and both runs must have read the same dataset bytes.
 */
export async function runModelsForEvalGate(options: EvalGateModelsOptions): Promise<EvalGateModelsResult> {
  if (options.kind === "score") {
    throw new GateError(
      "kind score does not apply to a model run: a model's outputs are a classification or a regression",
      {
        hint: "drop kind, or set it to classification or regression",
      },
    );
  }
  const { candidateModel, baselineModel, outDir, columns, features, inputs, kind, ...common } = options;
  const datasetColumns: DatasetColumns = {
    ...(columns?.id ? { id: columns.id } : {}),
    ...(columns?.label ? { label: columns.label } : {}),
    ...(columns?.slice?.length ? { slice: columns.slice } : {}),
    ...(features?.length ? { features } : {}),
    ...(inputs && Object.keys(inputs).length > 0 ? { inputs } : {}),
  };
  const paths = modelRunPaths(outDir);
  const candidate = await runModelOnDataset({
    ...common,
    model: candidateModel,
    output: paths.candidate,
    columns: datasetColumns,
    ...(kind ? { task: kind } : {}),
  });
  const task = candidate.produced.kind;
  const baseline = baselineModel
    ? await runModelOnDataset({
        ...common,
        model: baselineModel,
        output: paths.baseline,
        columns: datasetColumns,
        task,
      })
    : undefined;
  if (baseline && baseline.datasetSha256 !== candidate.datasetSha256) {
    throw new GateError(
      `the ${options.dataset} changed while the models ran: the two runs read different bytes`,
      {
        location: { file: options.dataset },
        hint: "run again once nothing writes to the dataset",
      },
    );
  }
  const sliceColumns = candidate.produced.sliceColumns;
  const notes = [candidate, ...(baseline ? [baseline] : [])].flatMap((run, i) => [
    describeModelRun(run, i === 0 ? "candidate" : "baseline"),
    ...run.notes.map((note) => `${i === 0 ? "candidate" : "baseline"}: ${note}`),
  ]);
  return {
    candidate: paths.candidate,
    ...(baseline ? { baseline: paths.baseline } : {}),
    columns: sliceColumns.length > 0 ? { slice: sliceColumns } : {},
    kind: task,
    runs: { candidate, ...(baseline ? { baseline } : {}) },
    notes,
  };
}

/** One line for a report: what ran, on what, how fast, with which runtime. */
export function describeModelRun(run: ModelRunSummary, role?: string): string {
  const used = Object.entries(run.outputsUsed)
    .map(([r, name]) => `${r} "${name}"`)
    .join(", ");
  return (
    `${role ? `${role}: ` : ""}ran ${run.model} on ${run.dataset}: ${run.rows.toLocaleString("en-US")} rows in ` +
    `${formatSeconds(run.ms / 1000)} (${rate(run.rows, run.ms / 1000)} rows/s, batches of ${run.batchSize}, ` +
    `onnxruntime-node ${run.runtime.version} from ${RUNTIME_SOURCE[run.runtime.source]}); read ${used}`
  );
}
