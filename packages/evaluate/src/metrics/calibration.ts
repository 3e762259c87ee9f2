import { type ClassificationData, type EvalData, positiveIndex } from "./data.js";
import type { MetricDef, MetricName } from "./types.js";
import { isProbability, requireKind, validFor } from "./validate.js";
import { preparedFrom, weightedMean } from "./weights.js";

/** scikit-learn's classic clipping (its default eps before 1.2), so log loss stays finite. */
const LOG_LOSS_EPS = 1e-15;
/** Equal-width bins over [0, 1] for the expected calibration error. */
export const ECE_BINS = 15;

/** Validated binary data whose positiveScore is a probability, as calibration metrics need. */
function probabilities(
  data: EvalData,
  metric: MetricName,
): ClassificationData & { positiveScore: Float64Array } {
  const d = validFor(data, "classification", metric);
  const p = d.positiveScore;
  if (p === undefined) throw new RangeError(`${metric} needs positiveScore`);
  if (!isProbability(p)) throw new RangeError(`${metric} needs positiveScore to be probabilities in [0, 1]`);
  return { ...d, positiveScore: p };
}

/** 1 if item i is of the positive class, else 0. */
function outcome(d: ClassificationData, i: number): number {
  return d.label[i] === positiveIndex(d) ? 1 : 0;
}

function logLossOf(d: ClassificationData, i: number): number {
  const p = Math.min(Math.max(d.positiveScore![i]!, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
  return outcome(d, i) === 1 ? -Math.log(p) : -Math.log(1 - p);
}

function brierOf(d: ClassificationData, i: number): number {
  const e = d.positiveScore![i]! - outcome(d, i);
  return e * e;
}

/** A metric that is the weighted mean of a per-item loss, precomputed once. */
function meanLoss(name: MetricName, loss: (d: ClassificationData, i: number) => number): MetricDef {
  return {
    name,
    kinds: ["classification"],
    higherIsBetter: false,
    perItem(data, i) {
      const d = requireKind(data, "classification", name);
      if (d.positiveScore === undefined) throw new RangeError(`${name} needs positiveScore`);
      return loss(d, i);
    },
    prepare(data) {
      const d = probabilities(data, name);
      const values = Float64Array.from({ length: d.label.length }, (_, i) => loss(d, i));
      return preparedFrom(values.length, (w) => weightedMean(w, values));
    },
  };
}

/** Mean of −(y·ln p + (1 − y)·ln(1 − p)), with p clipped to [1e-15, 1 − 1e-15]. */
export const logLoss = meanLoss("log_loss", logLossOf);
/** Mean of (p − y)², scikit-learn's brier_score_loss. */
export const brier = meanLoss("brier", brierOf);

/**
 * Expected calibration error on the positive-class probability (not the top-label confidence):
 * items fall in bin ⌊15p⌋ (p = 1 in the last), and ECE = Σ_b (W_b / W)·|mean y_b − mean p_b|,
 * which is (1/W)·Σ_b |Σ_{i∈b} wᵢ(yᵢ − pᵢ)|.
 */
export const ece: MetricDef = {
  name: "ece",
  kinds: ["classification"],
  higherIsBetter: false,
  prepare(data) {
    const d = probabilities(data, "ece");
    const n = d.label.length;
    const bin = new Uint8Array(n);
    const gap = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const p = d.positiveScore[i]!;
      bin[i] = Math.min(Math.floor(p * ECE_BINS), ECE_BINS - 1);
      gap[i] = outcome(d, i) - p;
    }
    // Four interleaved copies of the bin sums, so consecutive items in one bin do not wait on each other.
    const sums = new Float64Array(4 * ECE_BINS);
    return preparedFrom(n, (w) => {
      sums.fill(0);
      let total = 0;
      let i = 0;
      for (; i + 3 < n; i += 4) {
        const w0 = w[i]!;
        const w1 = w[i + 1]!;
        const w2 = w[i + 2]!;
        const w3 = w[i + 3]!;
        sums[bin[i]!]! += w0 * gap[i]!;
        sums[ECE_BINS + bin[i + 1]!]! += w1 * gap[i + 1]!;
        sums[2 * ECE_BINS + bin[i + 2]!]! += w2 * gap[i + 2]!;
        sums[3 * ECE_BINS + bin[i + 3]!]! += w3 * gap[i + 3]!;
        total += w0 + w1 + w2 + w3;
      }
      for (; i < n; i++) {
        sums[bin[i]!]! += w[i]! * gap[i]!;
        total += w[i]!;
      }
      if (total === 0) return Number.NaN;
      let error = 0;
      for (let b = 0; b < ECE_BINS; b++) {
        error += Math.abs(sums[b]! + sums[ECE_BINS + b]! + sums[2 * ECE_BINS + b]! + sums[3 * ECE_BINS + b]!);
      }
      return error / total;
    });
  },
};
