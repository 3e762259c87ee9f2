import { GateError } from "@mlgate/core";
import { type DefaultColumns, missingColumn, resolveRoles } from "./columns.js";
import { isObject } from "./json-document.js";
import { limitError } from "./limits.js";
import { type RowReader, TableBuilder } from "./table-builder.js";
import type { ItemLimits, ItemTable, ReadItemsOptions } from "./types.js";

export interface MlflowTable {
  columns: unknown[];
  data: unknown[];
}

/** MLflow's `eval_results_table.json`: a pandas frame in "split" orientation. */
export function isMlflowTable(doc: unknown): doc is MlflowTable {
  return isObject(doc) && Array.isArray(doc.columns) && Array.isArray(doc.data);
}

/** Stands for the row index when the table has no id column; no real column name holds a NUL. */
const ROW_INDEX = "\u0000row";

/**
 * Items from an MLflow evaluation table: label = ground_truth, prediction = outputs, score = a per-row
 * metric column (`<metric>/score`), id = the mapped column, else `id`, else the row index.
 */
export function mlflowItems(
  file: string,
  doc: MlflowTable,
  options: ReadItemsOptions,
  limits: ItemLimits,
): ItemTable {
  const names = doc.columns.map((c, i) => {
    if (typeof c !== "string")
      throw new GateError(`columns[${i}] is not a column name`, { location: { file } });
    return c;
  });
  if (names.length > limits.maxColumns) {
    throw limitError(`the table has ${names.length} columns`, "maxColumns", limits, { file });
  }
  const index = new Map(names.map((n, i) => [n, i] as const));
  index.set(ROW_INDEX, names.length);
  const has = (name: string) => index.has(name);
  const byRow = options.columns?.id === undefined && !index.has("id");
  const defaults: DefaultColumns = {
    label: ["ground_truth", "targets", "label"],
    prediction: ["outputs", "predictions", "prediction"],
    score: [scoreColumn(names, options.metric, file)].filter((c): c is string => c !== undefined),
    positiveScore: [],
    slice: ["slice"],
  };
  const roles = resolveRoles(
    { ...options.columns, id: byRow ? ROW_INDEX : (options.columns?.id ?? "id") },
    names,
    has,
    { file },
    defaults,
  );
  // The metric column is the tool's per-row result, never a class probability.
  roles.scoreByDefault = false;
  const reader: RowReader<unknown[]> = {
    read: (row, column) => row[index.get(column)!],
    locate: () => ({ file }),
    describe: (i) => `data[${i}]`,
  };
  const builder = new TableBuilder(file, roles, limits, reader, {
    ...(options.kind ? { kind: options.kind } : {}),
    preferScore: true,
  });
  doc.data.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== names.length) {
      const got = Array.isArray(row) ? `${row.length} values` : "not a list";
      throw new GateError(`data[${i}] is ${got}, but there are ${names.length} columns`, {
        location: { file },
      });
    }
    // The row index stands in for a missing id column as one more value.
    builder.add(byRow ? [...row, i] : row, i);
  });
  const warnings = byRow
    ? [
        "the MLflow table has no id column, so items are identified by row index: pair only tables of the same dataset in the same order",
      ]
    : [];
  return builder.finish("mlflow-eval", warnings);
}

/** `toxicity/v1` names the column `toxicity/v1/score`; without a metric, the first `…/score` column. */
function scoreColumn(names: string[], metric: string | undefined, file: string): string | undefined {
  if (metric === undefined) return names.find((n) => n.endsWith("/score"));
  const found = [`${metric}/score`, metric].find((n) => names.includes(n));
  if (found === undefined)
    throw missingColumn(
      `${metric}/score`,
      "metric",
      names,
      { file },
      "name a per-row metric column with the metric option",
    );
  return found;
}
