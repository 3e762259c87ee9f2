import type { ModelSignature, ResolvedRuntime } from "@mlgate/onnx";

/** How an eval dataset is laid out on disk; told from the extension or the first bytes when not given. */
export type DatasetFormat = "jsonl" | "csv" | "tsv";

/**
 * Which dataset columns feed the model. A feature source is a list of columns whose values are
 * concatenated in order: one array column (`["features"]`), named numeric columns
 * (`["age", "income", "visits"]`), or a mix. A number counts as one value, an array (nested arrays
 * too) as its values in row-major order; in CSV an array is written as JSON text (`"[1, 2]"`).
 */
export interface DatasetColumns {
  /** Default `id`. */
  id?: string;
  /** The true label or target; default `label`. */
  label?: string;
  /** Slice columns copied to the per-item file; default `slice` when the dataset has one. */
  slice?: string[];
  /** The features of a single-input model; default `features`, else a column named like the input. */
  features?: string[];
  /** Multi-input models: model input name → its feature source. */
  inputs?: Record<string, string[]>;
}

/** Model outputs by role, when they cannot be told apart automatically. */
export interface ModelOutputs {
  /** Class probabilities, [N, C] (or [N, 1] / [N]: the probability of class 1). */
  probabilities?: string;
  /** Predicted class, [N] or [N, 1], integer (class index) or string. */
  label?: string;
  /** A single value per row, [N] or [N, 1]: a regression prediction or a binary probability. */
  score?: string;
}

/** What the model predicts; decides how a single-value output is read. */
export type ModelTask = "classification" | "regression";

export interface DatasetLimits {
  /** Dataset file size. */
  maxBytes: number;
  maxRows: number;
  /** One line of the file (a CSV record with quoted line breaks counts per line). */
  maxLineBytes: number;
  /** Header fields or keys of one JSON object. */
  maxColumns: number;
  /** Values one row feeds one model input. */
  maxValuesPerRow: number;
  /** Nesting of arrays inside one feature value. */
  maxArrayDepth: number;
}

export const DEFAULT_DATASET_LIMITS: DatasetLimits = {
  maxBytes: 2 * 1024 ** 3,
  maxRows: 5_000_000,
  maxLineBytes: 16 * 1024 ** 2,
  maxColumns: 10_000,
  maxValuesPerRow: 1_000_000,
  maxArrayDepth: 8,
};

export interface RunModelOptions {
  /** The ONNX model file. */
  model: string;
  /** The eval dataset: JSON Lines, CSV or TSV with an id, the label, optional slices and features. */
  dataset: string;
  /** The per-item JSON Lines file to write (replaced only once the whole run succeeded). */
  output: string;
  columns?: DatasetColumns;
  /** Default: from the extension (.jsonl/.ndjson, .csv, .tsv), else from the first bytes. */
  format?: DatasetFormat;
  /** Rows per inference call, default 256; a model with a fixed batch dimension gets that size. */
  batchSize?: number;
  /** The model input fed by `columns.features` when the model has several inputs. */
  inputName?: string;
  outputs?: ModelOutputs;
  /** Names of the model's classes in index order (e.g. `["stay", "churn"]`); default the indices. */
  classLabels?: string[];
  /** How a single-value output is read; default decided from the labels and the first batch. */
  task?: ModelTask;
  /** Decision threshold of a binary probability output, default 0.5. */
  threshold?: number;
  runtime: ResolvedRuntime;
  /** Bound on loading the model and on each inference call (default 5 minutes). */
  timeoutMs?: number;
  /** Stop the runtime's process when its resident memory passes this many MiB. */
  memoryLimitMb?: number;
  /** Threads of the runtime's intra-op pool (default: the runtime's choice). */
  intraOpThreads?: number;
  limits?: Partial<DatasetLimits>;
  /** Progress lines (rows, rows/s, ETA) and decisions worth knowing. */
  log?: (line: string) => void;
  /** Interval between progress lines, default 5 s. */
  progressIntervalMs?: number;
}

/** What the produced per-item file holds, in eval-gate's terms. */
export interface ProducedItems {
  kind: ModelTask;
  /** Columns to read it with, beyond the defaults (`id`, `label`, `prediction`, `probability`, `slice`). */
  sliceColumns: string[];
  /** Class names of a classifier, in model index order. */
  classes?: string[];
  /** The class whose probability is written as `probability` (binary classifiers). */
  positiveClass?: string;
}

export interface ModelRunSummary {
  model: string;
  dataset: string;
  /** SHA-256 of the dataset file as read. */
  datasetSha256: string;
  rows: number;
  batches: number;
  batchSize: number;
  /** Wall-clock time of the whole run, session start included. */
  ms: number;
  /** Starting the runtime's process and loading the model. */
  loadMs: number;
  rowsPerSecond: number;
  runtime: { source: ResolvedRuntime["source"]; version: string };
  /** Inputs and outputs as the runtime reports them. */
  signature: ModelSignature;
  /** The outputs read, by role. */
  outputsUsed: ModelOutputs;
  produced: ProducedItems;
  outputFile: string;
  /** SHA-256 of the per-item file. */
  sha256: string;
  /** Highest resident memory of the runtime's process, in bytes (0 where unmeasured). */
  peakRssBytes: number;
  /** Decisions taken automatically, said once (which output was read how). */
  notes: string[];
}
