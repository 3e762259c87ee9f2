import { extname } from "node:path";
import { planRead } from "./items/detect.js";
import { readJsonDocument } from "./items/json-document.js";
import { resolveLimits } from "./items/limits.js";
import { isMlflowTable } from "./items/mlflow.js";
import { promptfooResults } from "./items/promptfoo.js";

/** Aggregate metrics (one number per metric) or per-item results (one row per evaluated item). */
export type ResultsShape = "metrics" | "items";

/**
 * Which reader a results file needs. Line-oriented files are per-item; YAML is aggregate; a JSON
 * document is per-item when it is one of the per-item formats other tools write (promptfoo's
 * output.json, MLflow's eval_results_table.json), aggregate otherwise.
 */
export async function resultsShape(path: string): Promise<ResultsShape> {
  const ext = extname(path).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") return "metrics";
  const plan = await planRead(path, undefined);
  if (plan.reader !== "document") return "items";
  const doc = await readJsonDocument(path, resolveLimits(undefined));
  return isMlflowTable(doc) || promptfooResults(doc) !== undefined ? "items" : "metrics";
}
