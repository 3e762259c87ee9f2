import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ClassificationData,
  type EvalData,
  encodeClassification,
  METRICS,
  type MetricName,
  metricsFor,
  perClassMetrics,
} from "../src/metrics/index.js";

/** Equal, both NaN, or within 1e-9 relative: summation order differs between the two sides. */
function expectSame(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) {
    expect(actual, what).toBeNaN();
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    1e-9 * Math.max(1, Math.abs(expected)),
  );
}

/** Take items by index: with repeats this expands weights, with a permutation it reorders. */
function pick(data: EvalData, indices: readonly number[]): EvalData {
  switch (data.kind) {
    case "classification": {
      const out: ClassificationData = {
        ...data,
        label: Int32Array.from(indices, (i) => data.label[i]!),
        prediction: Int32Array.from(indices, (i) => data.prediction[i]!),
      };
      if (data.positiveScore) out.positiveScore = Float64Array.from(indices, (i) => data.positiveScore![i]!);
      return out;
    }
    case "regression":
      return {
        kind: "regression",
        target: Float64Array.from(indices, (i) => data.target[i]!),
        prediction: Float64Array.from(indices, (i) => data.prediction[i]!),
      };
    case "score":
      return { kind: "score", score: Float64Array.from(indices, (i) => data.score[i]!) };
  }
}

function itemCount(data: EvalData): number {
  switch (data.kind) {
    case "classification":
      return data.label.length;
    case "regression":
      return data.target.length;
    case "score":
      return data.score.length;
  }
}

// Few distinct score values, so ties are common; binary fractions keep sums exact where they can be.
const probability = fc.oneof(
  fc.constantFrom(0, 0.125, 0.25, 0.5, 0.75, 1),
  fc.integer({ min: 0, max: 1024 }).map((x) => x / 1024),
);

const binaryData = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 }), probability), {
    maxLength: 30,
  })
  .chain((items) =>
    fc.record({
      positiveClass: fc.constantFrom(undefined, 0, 1),
      items: fc.constant(items),
    }),
  )
  .map(({ items, positiveClass }): ClassificationData => {
    const d: ClassificationData = {
      kind: "classification",
      classes: ["neg", "pos"],
      label: Int32Array.from(items, (t) => t[0]),
      prediction: Int32Array.from(items, (t) => t[1]),
      positiveScore: Float64Array.from(items, (t) => t[2]),
    };
    if (positiveClass !== undefined) d.positiveClass = positiveClass;
    return d;
  });

const multiClassData = fc.integer({ min: 3, max: 6 }).chain((k) =>
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: k - 1 }), fc.integer({ min: 0, max: k - 1 })), {
      maxLength: 30,
    })
    .map(
      (items): ClassificationData => ({
        kind: "classification",
        classes: Array.from({ length: k }, (_, c) => `c${c}`),
        label: Int32Array.from(items, (t) => t[0]),
        prediction: Int32Array.from(items, (t) => t[1]),
      }),
    ),
);

const real = fc.integer({ min: -800, max: 800 }).map((x) => x / 8);
const regressionData = fc.array(fc.tuple(real, real), { maxLength: 30 }).map(
  (items): EvalData => ({
    kind: "regression",
    target: Float64Array.from(items, (t) => t[0]),
    prediction: Float64Array.from(items, (t) => t[1]),
  }),
);

const scoreData = fc
  .oneof(
    fc.array(fc.constantFrom(0, 1), { maxLength: 30 }),
    fc.array(
      fc.integer({ min: 0, max: 16 }).map((x) => x / 16),
      { maxLength: 30 },
    ),
  )
  .map((score): EvalData => ({ kind: "score", score: Float64Array.from(score) }));

const anyData = fc.oneof(binaryData, multiClassData, regressionData, scoreData);

/** Data with resample counts (0 to 4, as a bootstrap draws them) for each item. */
const weighted = anyData.chain((data) =>
  fc
    .array(fc.integer({ min: 0, max: 4 }), { minLength: itemCount(data), maxLength: itemCount(data) })
    .map((w) => ({ data, weights: Uint32Array.from(w) })),
);

describe("metric properties", () => {
  it("weights ≡ repetition: item i weighted w is item i repeated w times, for every metric", () => {
    fc.assert(
      fc.property(weighted, ({ data, weights }) => {
        const expanded = pick(
          data,
          [...weights].flatMap((w, i) => Array<number>(w).fill(i)),
        );
        for (const name of metricsFor(data)) {
          const viaWeights = METRICS[name].prepare(data).compute(weights);
          const viaRepetition = METRICS[name].prepare(expanded).compute();
          expectSame(viaWeights, viaRepetition, name);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("macro averages run over the classes present, as scikit-learn's unique_labels would see them", () => {
    fc.assert(
      fc.property(
        multiClassData.chain((data) =>
          fc
            .array(fc.integer({ min: 0, max: 2 }), {
              minLength: data.label.length,
              maxLength: data.label.length,
            })
            .map((w) => ({ data, weights: Uint32Array.from(w) })),
        ),
        ({ data, weights }) => {
          const kept = [...weights].flatMap((w, i) => Array<number>(w).fill(i));
          // Re-encoded from the names, so classes that drew no weight are gone from the class list.
          const reencoded = encodeClassification(
            kept.map((i) => data.classes[data.label[i]!]!),
            kept.map((i) => data.classes[data.prediction[i]!]!),
          );
          for (const name of [
            "precision_macro",
            "recall_macro",
            "f1_macro",
            "f1_weighted",
            "f1_micro",
          ] as const) {
            expectSame(
              METRICS[name].prepare(data).compute(weights),
              METRICS[name].prepare(reencoded).compute(),
              name,
            );
          }
        },
      ),
    );
  });

  it("the per-class table follows the same rule", () => {
    fc.assert(
      fc.property(
        fc.oneof(binaryData, multiClassData).chain((data) =>
          fc
            .array(fc.integer({ min: 0, max: 3 }), {
              minLength: data.label.length,
              maxLength: data.label.length,
            })
            .map((w) => ({ data, weights: Uint32Array.from(w) })),
        ),
        ({ data, weights }) => {
          const expanded = pick(
            data,
            [...weights].flatMap((w, i) => Array<number>(w).fill(i)),
          );
          const a = perClassMetrics(data, weights);
          const b = perClassMetrics(expanded as ClassificationData);
          expect(a).toEqual(b);
        },
      ),
    );
  });

  it("permutation invariance", () => {
    fc.assert(
      fc.property(
        weighted.chain(({ data, weights }) =>
          fc
            .shuffledSubarray(
              Array.from({ length: weights.length }, (_, i) => i),
              { minLength: weights.length, maxLength: weights.length },
            )
            .map((order) => ({ data, weights, order })),
        ),
        ({ data, weights, order }) => {
          const shuffled = pick(data, order);
          const shuffledWeights = Uint32Array.from(order, (i) => weights[i]!);
          for (const name of metricsFor(data)) {
            expectSame(
              METRICS[name].prepare(shuffled).compute(shuffledWeights),
              METRICS[name].prepare(data).compute(weights),
              name,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("additive metrics are the weighted mean of perItem (accuracy: the mean of 0/1 correctness)", () => {
    fc.assert(
      fc.property(weighted, ({ data, weights }) => {
        for (const name of metricsFor(data)) {
          const def = METRICS[name];
          if (!def.perItem) continue;
          let sum = 0;
          let total = 0;
          for (let i = 0; i < weights.length; i++) {
            sum += weights[i]! * def.perItem(data, i);
            total += weights[i]!;
          }
          expectSame(def.prepare(data).compute(weights), total === 0 ? Number.NaN : sum / total, name);
        }
      }),
    );
    const additive = (Object.keys(METRICS) as MetricName[]).filter((n) => METRICS[n].perItem).sort();
    expect(additive).toEqual(["accuracy", "brier", "f1_micro", "log_loss", "mae", "mean_score", "pass_rate"]);
  });

  it("AUC is 1 for a perfectly separating score and 0 for the reversed score", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.boolean(), { minLength: 2, maxLength: 40 })
          .filter((ys) => ys.includes(true) && ys.includes(false)),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 40, maxLength: 40 }),
        (ys, noise) => {
          // Positives score in (1, 2], negatives in [0, 1]: separated, with ties inside each class.
          const score = Float64Array.from(ys, (y, i) => (y ? 1 + Math.max(noise[i]!, 1e-9) : noise[i]!));
          const data: ClassificationData = {
            kind: "classification",
            classes: ["0", "1"],
            label: Int32Array.from(ys, Number),
            prediction: Int32Array.from(ys, Number),
            positiveScore: score,
          };
          expect(METRICS.roc_auc.prepare(data).compute()).toBe(1);
          expect(METRICS.pr_auc.prepare(data).compute()).toBe(1);
          const reversed = { ...data, positiveScore: score.map((s) => -s) };
          expect(METRICS.roc_auc.prepare(reversed).compute()).toBe(0);
        },
      ),
    );
  });

  it("ROC-AUC is the pairwise Mann–Whitney probability, ties counting one half", () => {
    fc.assert(
      fc.property(binaryData, (data) => {
        const pos = data.positiveClass ?? 1;
        const s = data.positiveScore!;
        let wins = 0;
        let pairs = 0;
        for (let i = 0; i < s.length; i++) {
          if (data.label[i] !== pos) continue;
          for (let j = 0; j < s.length; j++) {
            if (data.label[j] === pos) continue;
            pairs++;
            wins += s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0;
          }
        }
        expectSame(
          METRICS.roc_auc.prepare(data).compute(),
          pairs === 0 ? Number.NaN : wins / pairs,
          "roc_auc",
        );
      }),
    );
  });

  it("PR-AUC is Σ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds", () => {
    fc.assert(
      fc.property(binaryData, (data) => {
        const pos = data.positiveClass ?? 1;
        const s = [...data.positiveScore!];
        const positives = [...data.label].filter((l) => l === pos).length;
        const thresholds = [...new Set(s)].sort((a, b) => b - a);
        let ap = 0;
        let lastRecall = 0;
        for (const t of thresholds) {
          const flagged = s.map((v, i) => ({ v, y: data.label[i] === pos })).filter((x) => x.v >= t);
          const tp = flagged.filter((x) => x.y).length;
          const recall = tp / positives;
          ap += (recall - lastRecall) * (tp / flagged.length);
          lastRecall = recall;
        }
        expectSame(METRICS.pr_auc.prepare(data).compute(), positives === 0 ? Number.NaN : ap, "pr_auc");
      }),
    );
  });

  it("compute() without weights equals all-ones weights, and repeated calls agree", () => {
    fc.assert(
      fc.property(anyData, (data) => {
        const ones = new Uint32Array(itemCount(data)).fill(1);
        for (const name of metricsFor(data)) {
          const prepared = METRICS[name].prepare(data);
          const first = prepared.compute();
          expectSame(prepared.compute(ones), first, name);
          expectSame(prepared.compute(), first, name);
        }
      }),
    );
  });
});
