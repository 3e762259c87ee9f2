import {
  type Check,
  closestMatches,
  didYouMean,
  evaluateThresholds,
  GateError,
  type Metric,
  parseThresholds,
} from "@mlgate/core";
import { z } from "zod";

/**
 * What the gate measures, by the names budgets use. Sizes in bytes, times in milliseconds:
 * `file_size <= 50MB`, `load_time < 2s`, `latency_p95 < 20ms`, `peak_rss < 512MB`, `parameters <= 5M`.
 */
export const BUDGET_METRICS = {
  file_size: "bytes of the model file(s), external data included",
  artifact_size: "bytes of every file in the artifact directory",
  parameters: "elements in the model's weight tensors",
  load_time: "cold-start time to load the model into a fresh runtime",
  latency_p50: "median single-request inference time",
  latency_p95: "95th percentile single-request inference time",
  latency_p99: "99th percentile single-request inference time",
  peak_rss: "peak resident memory of the runtime process",
} as const;

export type BudgetMetric = keyof typeof BUDGET_METRICS;

const COUNT_SUFFIX: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9 };

/**
 * `parameters <= 5M`: counts read best with a thousands suffix, which the shared threshold language
 * (whose `M…` units are sizes) does not have. Rewrite such a limit to plain digits first.
 */
export function expandCountSuffix(threshold: string): string {
  return threshold.replace(
    /^(\s*(?:warn:\s*)?parameters\s*(?:<=|>=|==|!=|<|>)\s*)([0-9]+(?:\.[0-9]+)?)\s*([kKMG])\s*$/,
    (_, head: string, value: string, suffix: string) =>
      `${head}${String(Math.round(Number(value) * COUNT_SUFFIX[suffix]!))}`,
  );
}

/** A list of budget thresholds over {@link BUDGET_METRICS}, checked when the file loads. */
export const budgetList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === "string" ? [value] : value))
  .superRefine((list, ctx) => {
    list.forEach((source, i) => {
      try {
        const [t] = parseThresholds([expandCountSuffix(source)]);
        if (t && !Object.hasOwn(BUDGET_METRICS, t.metric)) {
          ctx.addIssue({
            code: "custom",
            path: [i],
            message: `budget ${JSON.stringify(source)} names "${t.metric}", which the gate does not measure; budgets can use ${Object.keys(BUDGET_METRICS).join(", ")}`,
          });
        } else if (t && (t.fn !== null || t.slice !== undefined)) {
          ctx.addIssue({
            code: "custom",
            path: [i],
            message: `budget ${JSON.stringify(source)}: budgets are plain limits, without delta(), ratio() or slice()`,
          });
        }
      } catch (e) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `invalid budget ${JSON.stringify(source)}: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`,
        });
      }
    });
  })
  .meta({
    description:
      "Limits in the threshold language over file_size, artifact_size, parameters, load_time, latency_p50, latency_p95, latency_p99 and peak_rss.",
    examples: [
      ["file_size <= 50MB", "load_time < 2s", "latency_p95 < 20ms", "peak_rss < 512MB", "parameters <= 5M"],
    ],
  });

/** Hold the measured metrics to the budgets; a metric this run did not measure is a skipped check. */
export function checkBudgets(
  budgets: readonly string[],
  metrics: Record<string, Metric>,
  options: { profile?: string; unmeasured?: string } = {},
): Check[] {
  const thresholds = parseThresholds(budgets.map(expandCountSuffix));
  const unknown = thresholds.find((t) => !Object.hasOwn(BUDGET_METRICS, t.metric));
  if (unknown) {
    const guess = didYouMean(closestMatches(unknown.metric, Object.keys(BUDGET_METRICS)));
    throw new GateError(
      `threshold "${unknown.source}" names "${unknown.metric}", which validate-artifact does not measure${guess ? `; ${guess}` : ""}`,
      { hint: `use ${Object.keys(BUDGET_METRICS).join(", ")}` },
    );
  }
  const checks = evaluateThresholds(thresholds, metrics, { missing: "skip" });
  return checks.map((c, i) => {
    // Show each budget as written (`parameters <= 5M`), not as rewritten for the parser.
    const source = budgets[i]?.trim() ?? c.name;
    const named = { ...c, name: options.profile ? `${options.profile}: ${source}` : source };
    if (c.status !== "skip") return named;
    return { ...named, message: `not measured: ${options.unmeasured ?? "this run did not measure it"}` };
  });
}
