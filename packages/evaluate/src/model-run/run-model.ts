import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { GateError, isGateError } from "@mlgate/core";
import {
  type ModelSignature,
  type OnnxSession,
  openOnnxSession,
  type SessionIO,
  type TensorData,
} from "@mlgate/onnx";
import { listColumns } from "../items/columns.js";
import { type Batch, BatchBuilder, type RowColumns } from "./batch.js";
import { datasetFormat } from "./dataset-format.js";
import { datasetSize } from "./dataset-lines.js";
import { type DatasetTable, openDataset } from "./dataset-rows.js";
import { DATASET, fsError } from "./errors.js";
import { planInputs } from "./input-plan.js";
import { ITEM_COLUMNS, ItemWriter } from "./item-writer.js";
import { resolveDatasetLimits } from "./limits.js";
import { chooseOutputs, outputNames } from "./outputs.js";
import { PredictionReader } from "./predictions.js";
import { formatSeconds, Progress, RUNTIME_SOURCE, rate } from "./progress.js";
import type { DatasetColumns, ModelRunSummary, RunModelOptions } from "./types.js";

export const DEFAULT_BATCH_SIZE = 256;
const MAX_BATCH_SIZE = 1_000_000;

/**
 * Run an ONNX model over an eval dataset in batches, in a child process, and write the per-item
 * file eval-gate reads (`id`, `label`, `prediction`, `probability` or `probabilities`, `slice`).
 * The dataset is streamed: memory holds one or two batches, not the dataset.
 */
export async function runModelOnDataset(options: RunModelOptions): Promise<ModelRunSummary> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const limits = resolveDatasetLimits(options.limits);
  const batchSize = checkBatchSize(options.batchSize);
  const threshold = options.threshold ?? 0.5;
  if (!(threshold > 0 && threshold < 1)) {
    throw new GateError(`threshold must lie between 0 and 1, got ${threshold}`);
  }
  await checkModelFile(options.model);
  const size = await datasetSize(options.dataset, limits);
  const format = await datasetFormat(options.dataset, options.format);
  const table = await openDataset(options.dataset, format, limits);
  let session: OnnxSession | undefined;
  let writer: ItemWriter | undefined;
  try {
    const columns = options.columns ?? {};
    const rowColumns = resolveRowColumns(columns, table);
    session = await openOnnxSession(options.model, {
      runtime: options.runtime,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.memoryLimitMb !== undefined ? { memoryLimitMb: options.memoryLimitMb } : {}),
      ...(options.intraOpThreads !== undefined ? { intraOpThreads: options.intraOpThreads } : {}),
    });
    const roles = chooseOutputs(session.outputs, options.outputs, options.task, options.model);
    const plans = planInputs(session.inputs, columns, options.inputName, table, rowColumns);
    const fixed = fixedBatch(plans.map((p) => ({ name: p.name, batch: p.fixedBatch })));
    const capacity = fixed ?? batchSize;
    const notes: string[] = [];
    if (fixed !== undefined && options.batchSize !== undefined && options.batchSize !== fixed) {
      notes.push(`batches of ${fixed} rows: the model's batch dimension is fixed at ${fixed}`);
    }
    const reader = new PredictionReader(roles, {
      ...(options.classLabels ? { classLabels: options.classLabels } : {}),
      ...(options.task ? { task: options.task } : {}),
      threshold,
      model: options.model,
      dataset: options.dataset,
      labelColumn: rowColumns.label,
    });
    const sliceKeys = rowColumns.slices.length === 1 ? ["slice"] : rowColumns.slices;
    writer = await ItemWriter.open(options.output, sliceKeys);
    const builder = new BatchBuilder(table, plans, rowColumns, capacity, fixed !== undefined, limits);
    const what = basename(options.model);
    log(
      `${what}: running on ${basename(options.dataset)} with onnxruntime-node ${options.runtime.version} from ${RUNTIME_SOURCE[options.runtime.source]}, ${capacity} rows per batch`,
    );
    const progress = new Progress(what, size, log, options.progressIntervalMs ?? 5000);

    const active = session;
    const out = writer;
    let written = 0;
    let batches = 0;
    let inFlight:
      | { run: Promise<{ outputs: Record<string, TensorData> }>; batch: Batch; dim: number }
      | undefined;
    const finish = async (job: NonNullable<typeof inFlight>) => {
      const { outputs } = await job.run;
      await out.write(job.batch.rows, reader.read(outputs, job.batch.rows, job.dim));
      written += job.batch.rows.length;
      batches++;
    };
    // The next batch is decoded while the runtime works on the previous one.
    const dispatch = async () => {
      const batch = builder.take();
      const run = active.run(batch.feeds).catch((e: unknown) => {
        throw runError(e, batch, options.dataset);
      });
      run.catch(() => {});
      const previous = inFlight;
      inFlight = { run, batch, dim: fixed ?? batch.rows.length };
      if (previous) await finish(previous);
    };
    for await (const chunk of table.rows()) {
      for (const raw of chunk) {
        builder.add(raw);
        if (builder.size === capacity) await dispatch();
      }
      progress.update(written, table.bytesRead());
    }
    if (builder.size > 0) await dispatch();
    if (inFlight) await finish(inFlight);
    if (written === 0) {
      throw new GateError(`${DATASET} ${options.dataset} holds no rows`, {
        location: { file: options.dataset },
      });
    }
    const { sha256 } = await out.commit();
    writer = undefined;
    const ms = performance.now() - started;
    notes.push(...reader.notes);
    log(
      `${what}: ${written.toLocaleString("en-US")} rows in ${formatSeconds(ms / 1000)} (${rate(written, ms / 1000)} rows/s) → ${options.output}`,
    );
    return {
      model: options.model,
      dataset: options.dataset,
      datasetSha256: table.sha256(),
      rows: written,
      batches,
      batchSize: capacity,
      ms,
      loadMs: active.loadMs,
      rowsPerSecond: written / (ms / 1000),
      runtime: { source: options.runtime.source, version: options.runtime.version },
      signature: signatureOf(active),
      outputsUsed: outputNames(roles),
      produced: { ...reader.produced(), sliceColumns: sliceKeys },
      outputFile: options.output,
      sha256,
      peakRssBytes: active.peakRssBytes(),
      notes,
    };
  } finally {
    await writer?.abort();
    await session?.close();
    await table.close();
  }
}

function checkBatchSize(given: number | undefined): number {
  if (given === undefined) return DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(given) || given < 1 || given > MAX_BATCH_SIZE) {
    throw new GateError(`batch size must be a whole number from 1 to ${MAX_BATCH_SIZE}, got ${given}`);
  }
  return given;
}

async function checkModelFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new GateError(`model ${path} is not a regular file`, { location: { file: path } });
  } catch (e) {
    throw fsError(e, path, "model");
  }
}

/** Id, label and slice columns: named ones must exist; `id`, `label` and `slice` are the defaults. */
function resolveRowColumns(columns: DatasetColumns, table: DatasetTable): RowColumns {
  const need = (name: string, role: string) => {
    if (!table.has(name)) {
      throw new GateError(
        `the ${DATASET} has no ${role} column "${name}"; columns found: ${listColumns(table.columns)}`,
        {
          location: { file: table.file },
          hint: `map the ${role} column with --column ${role}=NAME`,
        },
      );
    }
    return name;
  };
  const slices = columns.slice
    ? [...new Set(columns.slice)].map((s) => need(s, "slice"))
    : table.has("slice")
      ? ["slice"]
      : [];
  if (slices.length > 1) {
    const clash = slices.find((s) => ITEM_COLUMNS.has(s));
    if (clash) {
      throw new GateError(`slice column "${clash}" has the name of a per-item column`, {
        hint: "rename it in the dataset, or use one slice column",
      });
    }
  }
  return { id: need(columns.id ?? "id", "id"), label: need(columns.label ?? "label", "label"), slices };
}

/** The batch size every input agrees on, when the model fixes it. */
function fixedBatch(inputs: { name: string; batch: number | undefined }[]): number | undefined {
  const sizes = new Set(inputs.map((i) => i.batch).filter((b): b is number => b !== undefined));
  if (sizes.size > 1) {
    throw new GateError(
      `the model's inputs fix different batch sizes (${inputs.map((i) => `${i.name}: ${i.batch ?? "any"}`).join(", ")})`,
    );
  }
  return sizes.values().next().value;
}

function signatureOf(session: OnnxSession): ModelSignature {
  const spec = (io: SessionIO) => ({
    name: io.name,
    dtype: io.dtype ?? "non-tensor",
    shape: io.shape ? [...io.shape] : null,
  });
  return { inputs: session.inputs.map(spec), outputs: session.outputs.map(spec) };
}

/** A failed inference, with the dataset lines of the batch it was given. */
function runError(e: unknown, batch: Batch, dataset: string): unknown {
  if (!isGateError(e)) return e;
  const first = batch.rows[0]?.line;
  const last = batch.rows[batch.rows.length - 1]?.line;
  const lines = first === last ? `line ${first}` : `lines ${first}–${last}`;
  return new GateError(`${e.message} (on the batch from ${DATASET} ${lines})`, {
    ...(e.location ? { location: e.location } : { location: { file: dataset } }),
    ...(e.hint ? { hint: e.hint } : {}),
    cause: e,
  });
}
