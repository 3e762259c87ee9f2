import { GateError } from "@mlgate/core";
import { type DefaultColumns, listColumns, resolveRoles } from "./columns.js";
import { hasField, type JsonLine, type JsonObject, jsonLineReader, keyColumn } from "./json-lines.js";
import { type RowReader, TableBuilder } from "./table-builder.js";
import type { ItemLimits, ItemTable, ReadItemsOptions } from "./types.js";

/** Per-item metrics lm-evaluation-harness writes as 0/1, in the order one is picked by default. */
const DEFAULT_METRICS = ["acc", "exact_match", "acc_norm"];

/** A line of lm-evaluation-harness `samples_<task>_<date>.jsonl`. */
export function looksLikeLmEvalSample(obj: JsonObject): boolean {
  return "doc_id" in obj && ("filtered_resps" in obj || "resps" in obj);
}

/**
 * Items from lm-evaluation-harness samples: id = doc_id, label = target, score = a per-item metric.
 * A task with several filters (gsm8k's strict-match and flexible-extract) writes every document once
 * per filter, so only one filter's lines are read.
 */
export async function lmEvalItems(
  file: string,
  rows: AsyncIterable<JsonLine[]>,
  options: ReadItemsOptions,
  limits: ItemLimits,
): Promise<ItemTable> {
  let filter = options.filter;
  let builder: TableBuilder<JsonObject, string> | undefined;
  const skipped = new Map<string, number>();

  for await (const batch of rows) {
    for (const row of batch) {
      const lineFilter = typeof row.value.filter === "string" ? row.value.filter : undefined;
      filter ??= lineFilter;
      if (filter !== undefined && lineFilter !== undefined && lineFilter !== filter) {
        skipped.set(lineFilter, (skipped.get(lineFilter) ?? 0) + 1);
        continue;
      }
      builder ??= startReading(file, row, options, limits);
      builder.add(row.value, row.line, row.text);
    }
  }

  if (!builder) {
    const found = [...skipped.keys()];
    throw new GateError(
      found.length === 0
        ? "items file holds no lm-eval samples"
        : `no lm-eval samples of filter "${filter}"; filters found: ${listColumns(found)}`,
      { location: { file } },
    );
  }
  const warnings = [...skipped].map(
    ([other, n]) =>
      `skipped ${n} line${n === 1 ? "" : "s"} of lm-eval filter "${other}" and read filter "${filter}" (choose with the filter option)`,
  );
  return builder.finish("lm-eval-samples", warnings);
}

/** Columns and checks, fixed by the first line of the filter read. */
function startReading(
  file: string,
  first: JsonLine,
  options: ReadItemsOptions,
  limits: ItemLimits,
): TableBuilder<JsonObject, string> {
  const { value, text, line } = first;
  const roles = resolveRoles(
    {
      ...options.columns,
      id: options.columns?.id ?? "doc_id",
      score: options.columns?.score ?? chooseMetric(value, options.metric, { file, line, text }),
    },
    Object.keys(value),
    (name) => hasField(value, name),
    { file, line },
    LM_EVAL_DEFAULTS,
  );
  const lines = jsonLineReader(file);
  const reader: RowReader<JsonObject, string> = {
    ...lines,
    // Some tasks have several gold answers; the target is only shown and compared, so its JSON will do.
    read: (obj, column) => {
      const value = lines.read(obj, column);
      return column === roles.label && value !== null && typeof value === "object"
        ? JSON.stringify(value)
        : value;
    },
  };
  return new TableBuilder(file, roles, limits, reader, {
    ...(options.kind ? { kind: options.kind } : {}),
    preferScore: true,
  });
}

const LM_EVAL_DEFAULTS: DefaultColumns = {
  label: ["target"],
  prediction: [],
  score: [],
  positiveScore: [],
  slice: [],
};

/** The metric field read as the score: the one asked for, else a usual 0/1 metric, else the first listed. */
function chooseMetric(
  first: JsonObject,
  asked: string | undefined,
  at: { file: string; line: number; text: string },
): string {
  const { file, line } = at;
  // Bookkeeping fields are numbers too, but no metric.
  const numeric = Object.keys(first).filter((k) => isPerItem(first[k]) && k !== "doc_id" && k !== "target");
  if (asked !== undefined) {
    if (isPerItem(first[asked])) return asked;
    const column = keyColumn(at.text, asked);
    const why = first[asked] === undefined ? "is not in" : "is not a per-item number in";
    throw new GateError(
      `lm-eval metric "${asked}" ${why} the samples; per-item metrics found: ${listColumns(numeric)}`,
      {
        location: { file, line, ...(column === undefined ? {} : { column }) },
        hint: "metrics such as bleu or f1 are computed over the whole task and have no per-item score; choose another metric",
      },
    );
  }
  const listed = Array.isArray(first.metrics)
    ? first.metrics.filter((m): m is string => typeof m === "string")
    : [];
  const found = [...DEFAULT_METRICS, ...listed].find((m) => isPerItem(first[m]));
  if (found !== undefined) return found;
  throw new GateError(`no per-item metric in the lm-eval samples; numeric fields: ${listColumns(numeric)}`, {
    location: { file, line },
    hint: `choose the metric with the metric option (looked for ${DEFAULT_METRICS.join(", ")} and the line's "metrics" list)`,
  });
}

const isPerItem = (v: unknown): boolean =>
  (typeof v === "number" && Number.isFinite(v)) || typeof v === "boolean";
