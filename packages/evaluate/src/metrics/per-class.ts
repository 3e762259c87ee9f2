import { ClassCounts, f1Of, precisionOf, recallOf } from "./class-counts.js";
import type { ClassificationData } from "./data.js";
import { validFor } from "./validate.js";

/** One row per class (in class order) for reports: scikit-learn's classification_report, zero_division = 0. */
export function perClassMetrics(
  data: ClassificationData,
  weights?: Uint32Array,
): { class: string; precision: number; recall: number; f1: number; support: number }[] {
  const d = validFor(data, "classification", "perClassMetrics");
  const n = d.label.length;
  if (weights !== undefined && weights.length !== n) {
    throw new RangeError(`weights has ${weights.length} entries but the data has ${n} items`);
  }
  const counts = new ClassCounts(d);
  counts.fill(weights ?? new Uint32Array(n).fill(1));
  const empty = counts.total === 0;
  return d.classes.map((name, c) => ({
    class: name,
    precision: empty ? Number.NaN : precisionOf(counts, c),
    recall: empty ? Number.NaN : recallOf(counts, c),
    f1: empty ? Number.NaN : f1Of(counts, c),
    support: counts.support[c]!,
  }));
}
