import { type ClassificationData, type EvalData, positiveIndex } from "./data.js";
import { gatherWeights, type ScoreOrder, scoreOrder } from "./score-order.js";
import type { MetricDef, MetricName } from "./types.js";
import { validFor } from "./validate.js";
import { preparedFrom } from "./weights.js";

function orderFor(data: EvalData, metric: MetricName): ScoreOrder {
  const d: ClassificationData = validFor(data, "classification", metric);
  if (d.positiveScore === undefined) throw new RangeError(`${metric} needs positiveScore`);
  const pos = positiveIndex(d);
  return scoreOrder(d.positiveScore, (i) => d.label[i] === pos);
}

/**
 * Σ over tie groups of P_g·(N_below + N_g/2) / (P·N): the Mann–Whitney statistic with average ranks
 * for ties, which equals the trapezoidal area under the ROC curve (scikit-learn's roc_auc_score).
 * NaN when only one class carries weight (scikit-learn raises there).
 */
function rocAuc(s: ScoreOrder, w: Float64Array): number {
  const { positive, groupStart } = s;
  let negativesBelow = 0;
  let positives = 0;
  let twiceArea = 0;
  let p = 0;
  let t = 0;
  for (let j = 0; j < w.length; j++) {
    const x = w[j]!;
    p += x * positive[j]!;
    t += x;
    if (groupStart[j + 1] === 1) {
      const q = t - p;
      // Doubled so it stays an integer: exact for integer weights up to 2⁵³.
      twiceArea += p * (2 * negativesBelow + q);
      negativesBelow += q;
      positives += p;
      p = 0;
      t = 0;
    }
  }
  if (positives === 0 || negativesBelow === 0) return Number.NaN;
  return twiceArea / (2 * positives * negativesBelow);
}

/**
 * Average precision, scikit-learn's step-wise definition (not the trapezoid): Σₙ (Rₙ − Rₙ₋₁)·Pₙ over
 * thresholds at each distinct score, from the highest down. NaN when no positive carries weight
 * (scikit-learn warns and returns 0 there).
 */
function averagePrecision(s: ScoreOrder, w: Float64Array): number {
  const { positive, groupStart } = s;
  let truePositives = 0;
  let flagged = 0;
  let sum = 0;
  let p = 0;
  let t = 0;
  for (let j = w.length - 1; j >= 0; j--) {
    const x = w[j]!;
    p += x * positive[j]!;
    t += x;
    if (groupStart[j] === 1) {
      truePositives += p;
      flagged += t;
      if (p > 0) sum += (p * truePositives) / flagged;
      p = 0;
      t = 0;
    }
  }
  return truePositives === 0 ? Number.NaN : sum / truePositives;
}

function rankingMetric(
  name: MetricName,
  kernel: (s: ScoreOrder, sortedWeights: Float64Array) => number,
): MetricDef {
  return {
    name,
    kinds: ["classification"],
    higherIsBetter: true,
    prepare(data) {
      const s = orderFor(data, name);
      const sorted = new Float64Array(s.order.length);
      return preparedFrom(sorted.length, (w) => {
        gatherWeights(s, w, sorted);
        return kernel(s, sorted);
      });
    },
  };
}

/** Area under the ROC curve of positiveScore, ties at average rank (binary tasks with scores). */
export const rocAucMetric = rankingMetric("roc_auc", rocAuc);
/** Area under the precision–recall curve as average precision (binary tasks with scores). */
export const prAucMetric = rankingMetric("pr_auc", averagePrecision);
