import { GateError } from "@mlgate/core";
import { csvItems } from "./csv-items.js";
import { planRead } from "./detect.js";
import { checkFile, ROLE } from "./file-access.js";
import { readJsonDocument } from "./json-document.js";
import { readJsonBatches } from "./json-lines.js";
import { jsonlItems } from "./jsonl-items.js";
import { resolveLimits } from "./limits.js";
import { lmEvalItems, looksLikeLmEvalSample } from "./lm-eval.js";
import { isMlflowTable, mlflowItems } from "./mlflow.js";
import { promptfooItems, promptfooResults } from "./promptfoo.js";
import type { ItemLimits, ItemTable, ReadItemsOptions } from "./types.js";

/**
 * Read per-item results (one row per evaluated item) from JSON Lines, CSV/TSV, lm-evaluation-harness
 * samples, promptfoo output or an MLflow evaluation table. Every problem is a GateError pointing at
 * the file, and the line where there is one.
 */
export async function readItems(path: string, options: ReadItemsOptions = {}): Promise<ItemTable> {
  const limits = resolveLimits(options.limits);
  await checkFile(path, limits);
  const plan = await planRead(path, options.format);
  switch (plan.reader) {
    case "csv":
      return csvItems(path, plan.delimiter, options, limits);
    case "json-lines":
      return readJsonLinesItems(path, plan.format, options, limits);
    case "document":
      return readDocumentItems(path, plan.format, options, limits);
  }
}

async function readJsonLinesItems(
  path: string,
  format: "jsonl" | "lm-eval-samples" | undefined,
  options: ReadItemsOptions,
  limits: ItemLimits,
): Promise<ItemTable> {
  const batches = readJsonBatches(path, limits);
  try {
    const head = await batches.next();
    const first = head.done ? undefined : head.value[0];
    if (head.done || !first) throw new GateError(`${ROLE} holds no items`, { location: { file: path } });
    const rows = withFirst(head.value, batches);
    const lmEval =
      format === "lm-eval-samples" || (format === undefined && looksLikeLmEvalSample(first.value));
    return lmEval
      ? await lmEvalItems(path, rows, options, limits)
      : await jsonlItems(path, first, rows, options, limits);
  } finally {
    // Closes the file when a reader stopped early.
    await batches.return(undefined);
  }
}

async function* withFirst<T>(first: T, rest: AsyncIterator<T>): AsyncGenerator<T> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

async function readDocumentItems(
  path: string,
  format: "promptfoo" | "mlflow-eval" | undefined,
  options: ReadItemsOptions,
  limits: ItemLimits,
): Promise<ItemTable> {
  const doc = await readJsonDocument(path, limits);
  if (format !== "promptfoo" && isMlflowTable(doc)) return mlflowItems(path, doc, options, limits);
  const promptfoo = format !== "mlflow-eval" ? promptfooResults(doc) : undefined;
  if (promptfoo) return promptfooItems(path, promptfoo, options, limits);
  const expected =
    format === "promptfoo"
      ? "promptfoo output (results.results[])"
      : format === "mlflow-eval"
        ? 'an MLflow evaluation table ({"columns": [...], "data": [[...]]})'
        : 'promptfoo output (results.results[]) or an MLflow evaluation table ({"columns": [...], "data": [[...]]})';
  throw new GateError(`${ROLE} is not ${expected}`, {
    location: { file: path },
    hint: "for other tools, write one JSON object per item to a .jsonl file (id, label, prediction or score)",
  });
}
