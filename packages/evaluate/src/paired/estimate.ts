import { type EvalData, METRICS, type MetricName } from "../metrics/index.js";
import {
  normalQuantile,
  pairedBootstrap,
  pairedProportionDifferenceInterval,
  studentTQuantile,
} from "../stats/index.js";
import { prepared } from "./prepared.js";

/** What a comparison is about: the candidate's value, its difference from the baseline, or their ratio. */
export type Quantity = "value" | "delta" | "ratio";

/** A point estimate with its confidence interval, and how it was obtained. */
export interface Estimate {
  quantity: Quantity;
  estimate: number;
  low: number;
  high: number;
  /** Standard error implied by the interval; drives p-values and sample-size planning. */
  standardError: number;
  method: string;
  n: number;
  /**
   * For 0/1-per-item metrics compared with `delta()`: the discordant pairs, items only the candidate
   * got right and items only the baseline got right. At a zero margin they decide by the exact McNemar test.
   */
  discordant?: { onlyCandidate: number; onlyBaseline: number };
}

export interface EstimateOptions {
  confidence: number;
  resamples: number;
  seed: number;
}

/** Metrics whose per-item values are 0/1, so candidate vs baseline is a paired proportion. */
const PAIRED_PROPORTION: ReadonlySet<MetricName> = new Set(["accuracy", "f1_micro", "pass_rate"]);

/**
 * Estimate `quantity` of `metric` on paired data (the same items, in the same order, for candidate
 * and baseline). Accuracy-like metrics use Newcombe's paired score interval; every other metric the
 * paired bootstrap over items, so the same resample is applied to both models.
 */
export function estimate(
  metric: MetricName,
  quantity: Quantity,
  candidate: EvalData,
  baseline: EvalData | undefined,
  n: number,
  options: EstimateOptions,
): Estimate {
  const def = METRICS[metric];
  const cand = prepared(candidate, metric);
  const z = normalQuantile(1 - (1 - options.confidence) / 2);

  if (quantity !== "value" && baseline === undefined) {
    throw new Error(`${quantity}(${metric}) needs a baseline`);
  }
  const base = baseline === undefined ? undefined : prepared(baseline, metric);

  if (quantity === "delta" && PAIRED_PROPORTION.has(metric) && def.perItem && baseline) {
    const counts = { both: 0, onlyCandidate: 0, onlyBaseline: 0, neither: 0 };
    for (let i = 0; i < n; i++) {
      const c = def.perItem(candidate, i) >= 0.5;
      const b = def.perItem(baseline, i) >= 0.5;
      if (c && b) counts.both++;
      else if (c) counts.onlyCandidate++;
      else if (b) counts.onlyBaseline++;
      else counts.neither++;
    }
    const ci = pairedProportionDifferenceInterval(counts, options.confidence);
    return {
      quantity,
      estimate: ci.estimate,
      low: ci.low,
      high: ci.high,
      standardError: (ci.high - ci.low) / (2 * z),
      method: "Newcombe paired score interval",
      n,
      discordant: { onlyCandidate: counts.onlyCandidate, onlyBaseline: counts.onlyBaseline },
    };
  }

  // Means of per-item values (judge scores, Brier, absolute errors): the paired t interval on the
  // per-item differences is exact in the limit and, unlike the bootstrap, keeps its level when the
  // per-item values are heavy-tailed.
  if (quantity !== "ratio" && def.perItem && !PAIRED_PROPORTION.has(metric)) {
    const perItem = def.perItem;
    const diffs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      diffs[i] = perItem(candidate, i) - (quantity === "delta" && baseline ? perItem(baseline, i) : 0);
    }
    return {
      quantity,
      ...meanInterval(diffs, options.confidence),
      method: quantity === "delta" ? "paired t interval" : "t interval",
      n,
    };
  }

  const statistic =
    quantity === "value"
      ? (w: Uint32Array | undefined) => cand.compute(w)
      : quantity === "delta"
        ? (w: Uint32Array | undefined) => cand.compute(w) - (base?.compute(w) ?? Number.NaN)
        : (w: Uint32Array | undefined) => cand.compute(w) / (base?.compute(w) ?? Number.NaN);
  const boot = pairedBootstrap({
    n,
    statistic,
    resamples: options.resamples,
    seed: options.seed,
    confidence: options.confidence,
    method: "bca",
  });
  return {
    quantity,
    estimate: boot.estimate,
    low: boot.low,
    high: boot.high,
    standardError: boot.standardError,
    method: `paired bootstrap (${boot.method}, ${boot.resamples} resamples, seed ${boot.seed})`,
    n,
  };
}

/** Mean with its t interval (n - 1 degrees of freedom). */
function meanInterval(values: Float64Array, confidence: number): Omit<Estimate, "quantity" | "method" | "n"> {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += ((values[i] as number) - mean) / (i + 1);
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((values[i] as number) - mean) ** 2;
  const standardError = n > 1 ? Math.sqrt(squares / (n - 1) / n) : Number.NaN;
  const t = n > 1 ? studentTQuantile(1 - (1 - confidence) / 2, n - 1) : Number.NaN;
  return { estimate: mean, low: mean - t * standardError, high: mean + t * standardError, standardError };
}
