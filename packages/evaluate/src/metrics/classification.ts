import { ClassCounts, f1Of, type PerClass, precisionOf, recallOf } from "./class-counts.js";
import { type ClassificationData, type EvalData, isBinary, positiveIndex } from "./data.js";
import type { MetricDef, MetricName } from "./types.js";
import { requireKind, validFor } from "./validate.js";
import { preparedFrom, shareCells, weightedShare } from "./weights.js";

function correctFlags(data: ClassificationData): Uint8Array {
  const n = data.label.length;
  const flags = new Uint8Array(n);
  for (let i = 0; i < n; i++) flags[i] = data.label[i] === data.prediction[i] ? 1 : 0;
  return flags;
}

/** 1 where item i is predicted right: accuracy is the mean of this. */
function isCorrect(metric: MetricName) {
  return (data: EvalData, i: number): number => {
    const d = requireKind(data, "classification", metric);
    return d.label[i] === d.prediction[i] ? 1 : 0;
  };
}

/** Fraction of items predicted right. */
export const accuracy: MetricDef = {
  name: "accuracy",
  kinds: ["classification"],
  higherIsBetter: true,
  perItem: isCorrect("accuracy"),
  prepare(data) {
    const flags = correctFlags(validFor(data, "classification", "accuracy"));
    const cells = shareCells();
    return preparedFrom(flags.length, (w) => weightedShare(w, flags, cells));
  },
};

/** Micro-averaged F1: for single-label data, Σtp / Σ(tp + fp) = accuracy (as in scikit-learn). */
export const f1Micro: MetricDef = {
  name: "f1_micro",
  kinds: ["classification"],
  higherIsBetter: true,
  perItem: isCorrect("f1_micro"),
  prepare(data) {
    const flags = correctFlags(validFor(data, "classification", "f1_micro"));
    const cells = shareCells();
    return preparedFrom(flags.length, (w) => weightedShare(w, flags, cells));
  },
};

/**
 * Unweighted mean over the classes present (as label or prediction) under these weights: a class
 * whose items all drew weight 0 is absent, exactly as in the data expanded by repetition.
 */
function macro(m: ClassCounts, perClass: PerClass): number {
  let sum = 0;
  let present = 0;
  for (let c = 0; c < m.k; c++) {
    if (m.support[c]! > 0 || m.predicted[c]! > 0) {
      sum += perClass(m, c);
      present++;
    }
  }
  return sum / present;
}

/** Support-weighted mean over classes. */
function weighted(m: ClassCounts, perClass: PerClass): number {
  let sum = 0;
  for (let c = 0; c < m.k; c++) if (m.support[c]! > 0) sum += m.support[c]! * perClass(m, c);
  return sum / m.total;
}

/** The positive class's value on binary tasks (0 when that class is absent), macro otherwise. */
function positiveOrMacro(m: ClassCounts, data: ClassificationData, perClass: PerClass): number {
  if (!isBinary(data)) return macro(m, perClass);
  const pos = positiveIndex(data);
  return pos < m.k ? perClass(m, pos) : 0;
}

type Summary = (m: ClassCounts, data: ClassificationData) => number;

function countMetric(name: MetricName, summary: Summary): MetricDef {
  return {
    name,
    kinds: ["classification"],
    higherIsBetter: true,
    prepare(data) {
      const d = validFor(data, "classification", name);
      const counts = new ClassCounts(d);
      return preparedFrom(d.label.length, (w) => {
        counts.fill(w);
        return counts.total === 0 ? Number.NaN : summary(counts, d);
      });
    },
  };
}

/** Binary: precision of the positive class. Multi-class: macro average. */
export const precision = countMetric("precision", (m, d) => positiveOrMacro(m, d, precisionOf));
/** Binary: recall of the positive class. Multi-class: macro average. */
export const recall = countMetric("recall", (m, d) => positiveOrMacro(m, d, recallOf));
/** Binary: F1 of the positive class. Multi-class: macro average. */
export const f1 = countMetric("f1", (m, d) => positiveOrMacro(m, d, f1Of));
/** Unweighted mean of per-class precision over the classes present. */
export const precisionMacro = countMetric("precision_macro", (m) => macro(m, precisionOf));
/** Unweighted mean of per-class recall over the classes present. */
export const recallMacro = countMetric("recall_macro", (m) => macro(m, recallOf));
/** Unweighted mean of per-class F1 over the classes present. */
export const f1Macro = countMetric("f1_macro", (m) => macro(m, f1Of));
/** Per-class F1 averaged with each class's support (true-label weight) as its weight. */
export const f1Weighted = countMetric("f1_weighted", (m) => weighted(m, f1Of));
