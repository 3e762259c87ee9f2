import type { EvalData } from "./data.js";
import type { MetricDef, MetricName } from "./types.js";
import { requireKind, validFor } from "./validate.js";
import { preparedFrom, weightedMean } from "./weights.js";

function residuals(data: EvalData, metric: MetricName) {
  const d = validFor(data, "regression", metric);
  const error = new Float64Array(d.target.length);
  for (let i = 0; i < error.length; i++) error[i] = d.target[i]! - d.prediction[i]!;
  return { target: d.target, error };
}

/** √(mean of (y − ŷ)²). */
export const rmse: MetricDef = {
  name: "rmse",
  kinds: ["regression"],
  higherIsBetter: false,
  prepare(data) {
    const { error } = residuals(data, "rmse");
    const squared = error.map((e) => e * e);
    return preparedFrom(error.length, (w) => Math.sqrt(weightedMean(w, squared)));
  },
};

/** Mean of |y − ŷ|. */
export const mae: MetricDef = {
  name: "mae",
  kinds: ["regression"],
  higherIsBetter: false,
  perItem(data, i) {
    const d = requireKind(data, "regression", "mae");
    return Math.abs(d.target[i]! - d.prediction[i]!);
  },
  prepare(data) {
    const absolute = residuals(data, "mae").error.map(Math.abs);
    return preparedFrom(absolute.length, (w) => weightedMean(w, absolute));
  },
};

/**
 * 1 − SS_res / SS_tot with SS_tot around the weighted mean target. NaN when the weighted targets are
 * all equal (SS_tot = 0), where scikit-learn's default force_finite returns 1.0 or 0.0 instead.
 */
export const r2: MetricDef = {
  name: "r2",
  kinds: ["regression"],
  higherIsBetter: true,
  prepare(data) {
    const { target, error } = residuals(data, "r2");
    return preparedFrom(target.length, (w) => {
      const n = w.length;
      // Any item with weight: a spread of zero around it means constant targets, tested exactly.
      let first = 0;
      while (first < n && w[first] === 0) first++;
      if (first === n) return Number.NaN;
      const anchor = target[first]!;
      let total = 0;
      let sum = 0;
      let spread = 0;
      let residual = 0;
      for (let i = 0; i < n; i++) {
        const wi = w[i]!;
        const y = target[i]!;
        const e = error[i]!;
        const d = y - anchor;
        total += wi;
        sum += wi * y;
        spread += wi * d * d;
        residual += wi * e * e;
      }
      if (spread === 0) return Number.NaN;
      // Second pass around the mean: the one-pass Σwy² − (Σwy)²/W formula cancels badly.
      const mean = sum / total;
      let totalSquares = 0;
      for (let i = 0; i < n; i++) {
        const d = target[i]! - mean;
        totalSquares += w[i]! * d * d;
      }
      return 1 - residual / totalSquares;
    });
  },
};
