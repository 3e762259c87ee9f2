import { GateError } from "@mlgate/core";
import type { Dim, SessionIO } from "@mlgate/onnx";
import { listColumns } from "../items/columns.js";
import { DATASET, type RowPlace, rowError } from "./errors.js";
import { type FeedDType, isFeedDType } from "./feed-dtypes.js";
import type { DatasetColumns } from "./types.js";

/** How one model input is fed: from which columns, as what element type, in what shape. */
export interface InputPlan {
  name: string;
  dtype: FeedDType;
  /** Columns whose values are concatenated, in order. */
  columns: string[];
  /** The model's declared shape, for messages. */
  shape: Dim[];
  /** A fixed batch dimension (1 for most exported single-row models), or undefined when symbolic. */
  fixedBatch?: number;
  /** Dims after the batch dim; one may be -1 until the first row tells it. */
  rowDims: number[];
}

export const FEATURE_HINT =
  "name the columns that feed the model with --feature-columns a,b,c (or one array column), or INPUT=a,b,c per input of a multi-input model";

/**
 * Match the model's inputs with dataset columns: an explicit mapping per input, the features of a
 * single-input model (default a `features` column, else a column named like the input), or, for
 * several inputs, a column named like each input.
 */
export function planInputs(
  inputs: readonly SessionIO[],
  columns: DatasetColumns,
  inputName: string | undefined,
  dataset: { file: string; columns: readonly string[]; has(column: string): boolean },
  reserved: { id: string; label: string },
): InputPlan[] {
  const names = inputs.map((i) => i.name);
  const known = (name: string, what: string) => {
    if (!names.includes(name)) {
      throw new GateError(
        `${what} "${name}" is not an input of the model; its inputs: ${names.join(", ") || "none"}`,
        {
          hint: FEATURE_HINT,
        },
      );
    }
  };
  const sources = new Map<string, string[]>();
  if (columns.inputs && Object.keys(columns.inputs).length > 0) {
    for (const [name, cols] of Object.entries(columns.inputs)) {
      known(name, "feature mapping for input");
      sources.set(name, cols);
    }
    if (columns.features?.length) {
      const target = inputName ?? (inputs.length === 1 ? inputs[0]!.name : undefined);
      if (target === undefined || sources.has(target)) {
        throw new GateError("features are given both per input and for the model as a whole", {
          hint: FEATURE_HINT,
        });
      }
      sources.set(target, columns.features);
    }
  } else if (inputName !== undefined || inputs.length === 1) {
    const target = inputName ?? inputs[0]!.name;
    known(target, "input");
    sources.set(target, columns.features ?? defaultFeatures(target, dataset));
    for (const other of inputs) {
      if (other.name !== target && dataset.has(other.name)) sources.set(other.name, [other.name]);
    }
  } else {
    for (const input of inputs) if (dataset.has(input.name)) sources.set(input.name, [input.name]);
  }
  const missing = inputs.filter((i) => !sources.has(i.name)).map((i) => i.name);
  if (missing.length > 0) {
    throw new GateError(
      `nothing in the ${DATASET} feeds model input${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")}; columns found: ${listColumns(dataset.columns)}`,
      { location: { file: dataset.file }, hint: FEATURE_HINT },
    );
  }
  return inputs.map((input) => planOne(input, sources.get(input.name)!, dataset, reserved));
}

function defaultFeatures(
  input: string,
  dataset: { file: string; columns: readonly string[]; has(c: string): boolean },
) {
  if (dataset.has("features")) return ["features"];
  if (dataset.has(input)) return [input];
  throw new GateError(
    `the ${DATASET} has no "features" column (nor one named like the model input "${input}"); columns found: ${listColumns(dataset.columns)}`,
    { location: { file: dataset.file }, hint: FEATURE_HINT },
  );
}

function planOne(
  input: SessionIO,
  columns: string[],
  dataset: { file: string; columns: readonly string[]; has(column: string): boolean },
  reserved: { id: string; label: string },
): InputPlan {
  if (columns.length === 0)
    throw new GateError(`no columns are given for model input "${input.name}"`, { hint: FEATURE_HINT });
  for (const column of columns) {
    if (column === reserved.label) {
      throw new GateError(
        `column "${column}" is the label; it cannot also feed model input "${input.name}"`,
        {
          hint: "feeding the label to the model would leak the answer; check --feature-columns",
        },
      );
    }
    if (!dataset.has(column)) {
      throw new GateError(
        `the ${DATASET} has no column "${column}" (for model input "${input.name}"); columns found: ${listColumns(dataset.columns)}`,
        { location: { file: dataset.file }, hint: FEATURE_HINT },
      );
    }
  }
  if (input.dtype === undefined || input.shape === undefined) {
    throw new GateError(
      `model input "${input.name}" is not a tensor (a sequence or map); only tensors can be fed from a dataset`,
    );
  }
  if (!isFeedDType(input.dtype)) {
    throw new GateError(`model input "${input.name}" is ${input.dtype}, which cannot be fed from a dataset`, {
      hint: "inputs of float32, float64, integer, bool or string elements can be fed; export the model with one of these",
    });
  }
  const shape = input.shape;
  if (shape.length === 0) {
    throw new GateError(`model input "${input.name}" is a scalar: it has no batch dimension to put rows in`, {
      hint: "export the model with a batch dimension first, such as [N, features]",
    });
  }
  const batch = shape[0];
  const rest = shape.slice(1);
  const open = rest.filter((d) => typeof d !== "number" || d < 0).length;
  if (open > 1) {
    throw new GateError(
      `model input "${input.name}" has shape ${showShape(shape)}: more than one dimension besides the batch is unknown, so a row's values cannot be laid out`,
      { hint: "export the model with fixed dimensions after the batch dimension" },
    );
  }
  return {
    name: input.name,
    dtype: input.dtype,
    columns,
    shape,
    ...(typeof batch === "number" && batch > 0 ? { fixedBatch: batch } : {}),
    rowDims: rest.map((d) => (typeof d === "number" && d >= 0 ? d : -1)),
  };
}

/** Values one row gives the input, once the row dims are known. */
export function valuesPerRow(plan: InputPlan): number {
  return plan.rowDims.reduce((a, b) => a * b, 1);
}

/** Settle an unknown row dim from the first row's value count, or say why the count does not fit. */
export function fitRowDims(plan: InputPlan, count: number, place: RowPlace): void {
  const open = plan.rowDims.indexOf(-1);
  const fixed = plan.rowDims.reduce((a, b) => (b < 0 ? a : a * b), 1);
  if (open >= 0) {
    if (count === 0 || count % fixed !== 0) throw countError(plan, count, place, `a multiple of ${fixed}`);
    plan.rowDims[open] = count / fixed;
    return;
  }
  if (count !== fixed) throw countError(plan, count, place, String(fixed));
}

function countError(plan: InputPlan, count: number, place: RowPlace, expected: string) {
  const cols = plan.columns.map((c) => `"${c}"`).join(", ");
  return rowError(
    place,
    plan.columns.length === 1 ? plan.columns[0] : undefined,
    `model input "${plan.name}" (shape ${showShape(plan.shape)}) takes ${expected} values per row, but ${plan.columns.length === 1 ? "the column gives" : `columns ${cols} give`} ${count}`,
    "check --feature-columns against the features the model was trained on, in its order",
  );
}

export function showShape(shape: readonly Dim[] | undefined): string {
  if (shape === undefined) return "[?]";
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}
