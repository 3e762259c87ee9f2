import type { TensorData } from "@mlgate/onnx";
import { Problem, toClassValue, toId, toSliceValue } from "../items/values.js";
import type { DatasetTable, RawRow } from "./dataset-rows.js";
import { type RowPlace, rowError } from "./errors.js";
import { appendColumnValues } from "./feature-values.js";
import { allocate, castProblem, copyWithin, type FeedBuffer, store } from "./feed-dtypes.js";
import { fitRowDims, type InputPlan, valuesPerRow } from "./input-plan.js";
import { datasetLimitError } from "./limits.js";
import type { DatasetLimits } from "./types.js";

/** What is kept of a row besides its features: enough to write its per-item line. */
export interface RowMeta {
  id: string;
  line: number;
  label: string | number;
  slices: string[];
}

/** Which columns give a row's id, label and slices. */
export interface RowColumns {
  id: string;
  label: string;
  slices: string[];
}

export interface Batch {
  feeds: Record<string, TensorData>;
  rows: RowMeta[];
}

/**
 * Decodes dataset rows into the model's input tensors, a batch at a time. Every value is checked as
 * it is stored (number, element type, count per row), so a bad row fails with its line and column
 * before anything reaches the runtime.
 */
export class BatchBuilder {
  private readonly seen = new Map<string, number>();
  private rows: RowMeta[] = [];
  private buffers: (FeedBuffer | undefined)[] = [];
  private readonly scratch: (number | string)[] = [];
  private readonly starts: number[] = [];
  private settled: boolean[];
  private total = 0;

  constructor(
    private readonly table: DatasetTable,
    private readonly plans: InputPlan[],
    private readonly columns: RowColumns,
    /** Rows per batch; the size of the model's batch dimension when it is fixed. */
    readonly capacity: number,
    private readonly fixedBatch: boolean,
    private readonly limits: DatasetLimits,
  ) {
    this.settled = plans.map((p) => !p.rowDims.includes(-1));
  }

  get size(): number {
    return this.rows.length;
  }

  get rowsRead(): number {
    return this.total;
  }

  add(raw: RawRow): void {
    const { table, columns } = this;
    const place: RowPlace = { file: table.file, line: raw.line };
    if (this.total >= this.limits.maxRows) {
      throw datasetLimitError(`has more than ${this.limits.maxRows} rows`, "maxRows", this.limits, place);
    }
    const id = toId(table.read(raw, columns.id));
    if (id instanceof Problem) throw rowError(place, columns.id, id.text);
    place.id = id;
    const first = this.seen.get(id);
    if (first !== undefined) {
      throw rowError(
        place,
        columns.id,
        `duplicate id (first on line ${first})`,
        "ids must be unique; map another column as the id with --column id=NAME",
      );
    }
    this.seen.set(id, raw.line);
    const label = toClassValue(table.read(raw, columns.label), "label");
    if (label instanceof Problem) throw rowError(place, columns.label, label.text);
    const slices = columns.slices.map((c) => toSliceValue(table.read(raw, c)));
    const row = this.rows.length;
    for (let i = 0; i < this.plans.length; i++) this.addFeatures(raw, place, this.plans[i]!, i, row);
    this.rows.push({ id, line: raw.line, label, slices });
    this.total++;
  }

  /** The rows gathered so far as feeds; a fixed batch dimension is filled up by repeating the last row. */
  take(): Batch {
    const n = this.rows.length;
    const batchDim = this.fixedBatch ? this.capacity : n;
    const feeds: Record<string, TensorData> = {};
    this.plans.forEach((plan, i) => {
      const per = valuesPerRow(plan);
      const buffer = this.buffers[i]!;
      for (let r = n; r < batchDim; r++) copyWithin(buffer, r * per, (n - 1) * per, per);
      const used = batchDim * per;
      const data =
        buffer.length === used
          ? buffer
          : Array.isArray(buffer)
            ? buffer.slice(0, used)
            : buffer.subarray(0, used);
      feeds[plan.name] = { dtype: plan.dtype, dims: [batchDim, ...plan.rowDims], data };
    });
    const batch = { feeds, rows: this.rows };
    this.rows = [];
    this.buffers = [];
    return batch;
  }

  private addFeatures(raw: RawRow, place: RowPlace, plan: InputPlan, index: number, row: number): void {
    const values = this.scratch;
    const starts = this.starts;
    values.length = 0;
    starts.length = 0;
    for (const column of plan.columns) {
      starts.push(values.length);
      appendColumnValues(
        this.table.read(raw, column),
        column,
        place,
        plan.dtype === "string",
        this.limits,
        values,
      );
    }
    if (!this.settled[index]) {
      fitRowDims(plan, values.length, place);
      this.settled[index] = true;
    } else if (values.length !== valuesPerRow(plan)) {
      fitRowDims(plan, values.length, place);
    }
    const per = values.length;
    let buffer = this.buffers[index];
    if (!buffer) {
      buffer = allocate(plan.dtype, this.capacity * per);
      this.buffers[index] = buffer;
    }
    const offset = row * per;
    for (let v = 0; v < per; v++) {
      const value = values[v]!;
      if (typeof value === "number") {
        const problem = castProblem(plan.dtype, value);
        if (problem !== null) {
          throw rowError(
            place,
            columnOf(plan.columns, starts, v),
            `${problem}; model input "${plan.name}" is ${plan.dtype}`,
          );
        }
      }
      store(buffer, offset + v, value);
    }
  }
}

/** The column that gave value `v` of a row. */
function columnOf(columns: readonly string[], starts: readonly number[], v: number): string {
  let at = 0;
  for (let c = 0; c < starts.length; c++) if (starts[c]! <= v) at = c;
  return columns[at]!;
}
