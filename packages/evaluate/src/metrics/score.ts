import type { EvalData } from "./data.js";
import type { MetricDef } from "./types.js";
import { isBinaryScore, requireKind, validFor } from "./validate.js";
import { preparedFrom, weightedMean } from "./weights.js";

function scoreAt(metric: string) {
  return (data: EvalData, i: number): number => requireKind(data, "score", metric).score[i]!;
}

/** Mean of a 0/1 pass/fail score; a RangeError for any other value. */
export const passRate: MetricDef = {
  name: "pass_rate",
  kinds: ["score"],
  higherIsBetter: true,
  perItem: scoreAt("pass_rate"),
  prepare(data) {
    const { score } = validFor(data, "score", "pass_rate");
    if (!isBinaryScore(score)) {
      throw new RangeError("pass_rate needs a 0/1 score; use mean_score for graded scores");
    }
    return preparedFrom(score.length, (w) => weightedMean(w, score));
  },
};

/** Plain mean of the score. */
export const meanScore: MetricDef = {
  name: "mean_score",
  kinds: ["score"],
  higherIsBetter: true,
  perItem: scoreAt("mean_score"),
  prepare(data) {
    const { score } = validFor(data, "score", "mean_score");
    return preparedFrom(score.length, (w) => weightedMean(w, score));
  },
};
