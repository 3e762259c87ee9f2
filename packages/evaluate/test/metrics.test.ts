import { describe, expect, it } from "vitest";
import {
  type ClassificationData,
  type EvalData,
  encodeClassification,
  METRICS,
  type MetricName,
  metricsFor,
  perClassMetrics,
  type RegressionData,
  type ScoreData,
} from "../src/metrics/index.js";

const value = (name: MetricName, data: EvalData, weights?: Uint32Array) =>
  METRICS[name].prepare(data).compute(weights);

/** Integer class labels as strings, so the sorted class order is the numeric one. */
const classes = (ys: readonly number[]) => ys.map(String);

const regression = (target: number[], prediction: number[]): RegressionData => ({
  kind: "regression",
  target: Float64Array.from(target),
  prediction: Float64Array.from(prediction),
});

const scores = (score: number[]): ScoreData => ({ kind: "score", score: Float64Array.from(score) });

describe("encodeClassification", () => {
  it("orders classes by code unit over labels and predictions", () => {
    const d = encodeClassification(["b", "a", "b"], ["c", "a", "a"]);
    expect(d.classes).toEqual(["a", "b", "c"]);
    expect([...d.label]).toEqual([1, 0, 1]);
    expect([...d.prediction]).toEqual([2, 0, 0]);
    expect(d.positiveClass).toBeUndefined();
  });

  it("adds the positive class even when no item carries it", () => {
    const d = encodeClassification(["no", "no"], ["no", "no"], { positiveClass: "yes" });
    expect(d.classes).toEqual(["no", "yes"]);
    expect(d.positiveClass).toBe(1);
  });

  it("refuses mismatched lengths, NaN scores and scores on multi-class tasks", () => {
    expect(() => encodeClassification(["a"], [])).toThrow(/labels has 1 items but predictions has 0/);
    expect(() => encodeClassification(["a", "b"], ["a", "b"], { positiveScore: [0.5] })).toThrow(RangeError);
    expect(() =>
      value("roc_auc", encodeClassification(["a", "b"], ["a", "b"], { positiveScore: [0.5, Number.NaN] })),
    ).toThrow(/positiveScore\[1\] is NaN/);
    const multi = encodeClassification(["a", "b", "c"], ["a", "b", "c"]);
    expect(() => value("roc_auc", { ...multi, positiveScore: Float64Array.of(0.1, 0.2, 0.3) })).toThrow(
      /positiveScore is for binary tasks, but there are 3 classes/,
    );
  });
});

describe("classification metrics against scikit-learn's documentation examples", () => {
  it("accuracy_score([0, 1, 2, 3], [0, 2, 1, 3]) = 0.5", () => {
    expect(value("accuracy", encodeClassification(classes([0, 1, 2, 3]), classes([0, 2, 1, 3])))).toBe(0.5);
  });

  // f1_score / precision_score / recall_score docstrings: y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1].
  const docs = encodeClassification(classes([0, 1, 2, 0, 1, 2]), classes([0, 2, 1, 0, 0, 1]));

  it("macro, micro and weighted averages", () => {
    expect(value("f1_macro", docs)).toBeCloseTo(0.26666666666666666, 15); // 0.26...
    expect(value("f1_micro", docs)).toBeCloseTo(1 / 3, 15); // 0.33...
    expect(value("f1_weighted", docs)).toBeCloseTo(0.26666666666666666, 15); // 0.26...
    expect(value("precision_macro", docs)).toBeCloseTo(2 / 9, 15); // 0.22...
    expect(value("recall_macro", docs)).toBeCloseTo(1 / 3, 15); // 0.33...
  });

  it("unsuffixed precision, recall and F1 are the macro averages on multi-class tasks", () => {
    expect(value("precision", docs)).toBe(value("precision_macro", docs));
    expect(value("recall", docs)).toBe(value("recall_macro", docs));
    expect(value("f1", docs)).toBe(value("f1_macro", docs));
  });

  it("per-class table (average=None: precision [0.66, 0, 0], recall [1, 0, 0], f1 [0.8, 0, 0])", () => {
    const rows = perClassMetrics(docs);
    expect(rows.map((r) => r.class)).toEqual(["0", "1", "2"]);
    expect(rows.map((r) => r.precision)).toEqual([2 / 3, 0, 0]);
    expect(rows.map((r) => r.recall)).toEqual([1, 0, 0]);
    expect(rows.map((r) => r.f1)).toEqual([0.8, 0, 0]);
    expect(rows.map((r) => r.support)).toEqual([2, 2, 2]);
  });

  it("string labels: precision_recall_fscore_support's cat/dog/pig example", () => {
    const d = encodeClassification(
      ["cat", "dog", "pig", "cat", "dog", "pig"],
      ["cat", "pig", "dog", "cat", "cat", "dog"],
    );
    expect(value("precision_macro", d)).toBeCloseTo(0.2222222222222222, 15);
    expect(value("recall_macro", d)).toBeCloseTo(0.3333333333333333, 15);
    expect(value("f1_macro", d)).toBeCloseTo(0.26666666666666666, 15);
    expect(value("f1_micro", d)).toBeCloseTo(0.3333333333333333, 15);
    expect(value("f1_weighted", d)).toBeCloseTo(0.26666666666666666, 15);
  });

  // roc_auc_score and average_precision_score examples: y_true = [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8].
  const scored = encodeClassification(classes([0, 0, 1, 1]), classes([0, 1, 0, 1]), {
    positiveScore: [0.1, 0.4, 0.35, 0.8],
  });

  it("roc_auc_score = 0.75", () => {
    expect(value("roc_auc", scored)).toBe(0.75);
  });

  it("average_precision_score = 0.83...", () => {
    expect(value("pr_auc", scored)).toBeCloseTo(0.8333333333333334, 15);
  });

  it('log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) = 0.21616...', () => {
    // Classes sort as ham, spam: the second column is spam, the positive class.
    const d = encodeClassification(["spam", "ham", "ham", "spam"], ["spam", "ham", "ham", "spam"], {
      positiveScore: [0.9, 0.1, 0.2, 0.65],
    });
    expect(value("log_loss", d)).toBeCloseTo(0.21616187468057912, 14);
  });

  it("brier_score_loss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]) = 0.037..., also with pos_label='ham'", () => {
    const d = encodeClassification(classes([0, 1, 1, 0]), classes([0, 1, 1, 0]), {
      positiveScore: [0.1, 0.9, 0.8, 0.3],
    });
    expect(value("brier", d)).toBeCloseTo(0.0375, 15);
    const named = encodeClassification(["spam", "ham", "ham", "spam"], ["spam", "ham", "ham", "spam"], {
      positiveScore: [0.1, 0.9, 0.8, 0.3],
      positiveClass: "ham",
    });
    expect(named.positiveClass).toBe(0);
    expect(value("brier", named)).toBeCloseTo(0.0375, 15);
  });
});

describe("classification metrics computed by hand", () => {
  // tp = 2, fp = 1, fn = 2, tn = 5.
  const binary = encodeClassification(
    classes([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]),
    classes([1, 1, 0, 0, 1, 0, 0, 0, 0, 0]),
  );

  it("binary precision, recall and F1 are for the positive class", () => {
    expect(value("precision", binary)).toBeCloseTo(2 / 3, 15);
    expect(value("recall", binary)).toBe(0.5);
    expect(value("f1", binary)).toBeCloseTo(4 / 7, 15); // 2tp / (2tp + fp + fn)
    expect(value("accuracy", binary)).toBe(0.7);
  });

  it("positiveClass switches the class they are for", () => {
    const negative = { ...binary, positiveClass: 0 };
    expect(value("precision", negative)).toBeCloseTo(5 / 7, 15);
    expect(value("recall", negative)).toBeCloseTo(5 / 6, 15);
  });

  it("a four-class confusion (reference: numpy confusion matrix via np.add.at)", () => {
    const d = encodeClassification(
      classes([0, 1, 2, 3, 0, 1, 2, 3, 0, 0, 1, 2, 2, 3, 3, 1]),
      classes([0, 1, 1, 3, 0, 2, 2, 3, 1, 0, 1, 2, 0, 3, 2, 1]),
    );
    const rows = perClassMetrics(d);
    expect(rows.map((r) => r.precision)).toEqual([0.75, 0.6, 0.5, 1]);
    expect(rows.map((r) => r.recall)).toEqual([0.75, 0.75, 0.5, 0.75]);
    expect(rows.map((r) => r.f1)).toEqual([0.75, 0.6666666666666666, 0.5, 0.8571428571428571]);
    expect(value("precision_macro", d)).toBeCloseTo(0.7125, 15);
    expect(value("recall_macro", d)).toBeCloseTo(0.6875, 15);
    expect(value("f1_macro", d)).toBeCloseTo(0.6934523809523809, 15);
    expect(value("f1_weighted", d)).toBeCloseTo(0.6934523809523809, 15);
    expect(value("accuracy", d)).toBe(0.6875);
    // Weights w = [2,0,1,3,1,1,0,2,1,1,4,1,0,1,2,1], numpy with the same weights in np.add.at.
    const w = Uint32Array.of(2, 0, 1, 3, 1, 1, 0, 2, 1, 1, 4, 1, 0, 1, 2, 1);
    expect(value("f1_macro", d, w)).toBeCloseTo(0.7121489621489621, 15);
    expect(value("accuracy", d, w)).toBeCloseTo(0.7619047619047619, 15);
  });

  it("ROC-AUC and average precision with tied scores (reference: scipy.stats.mannwhitneyu, hand)", () => {
    // Positives at 0.9 and 0.5, negatives at 0.5 and 0.1: U = 2 + 1.5 of 4 pairs.
    const d = encodeClassification(classes([0, 1, 1, 0]), classes([0, 1, 1, 0]), {
      positiveScore: [0.5, 0.5, 0.9, 0.1],
    });
    expect(value("roc_auc", d)).toBe(0.875);
    // Thresholds 0.9: P = 1, R = 0.5; 0.5: P = 2/3, R = 1; AP = 0.5·1 + 0.5·2/3.
    expect(value("pr_auc", d)).toBeCloseTo(5 / 6, 15);
  });

  it("weighted ROC-AUC and AP equal the repeated data set (reference: numpy.repeat + scipy / step-wise AP)", () => {
    const d = encodeClassification(classes([1, 0, 1, 0, 1, 1, 0, 0]), classes([1, 1, 1, 1, 1, 0, 0, 0]), {
      positiveScore: [0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.3],
    });
    const w = Uint32Array.of(1, 2, 0, 1, 3, 1, 1, 2);
    expect(value("roc_auc", d, w)).toBeCloseTo(0.6, 15);
    expect(value("pr_auc", d, w)).toBeCloseTo(0.6678571428571429, 15);
  });

  it("ECE: 15 equal-width bins on the positive-class probability (hand, checked with numpy)", () => {
    // Bins: 0.1 → 1, 0.9 → 13, 0.5 → 7. Gaps |0.5 − 0.1|·2, |1 − 0.9|·2, |0 − 0.5|·1, over 5 items.
    const d = encodeClassification(classes([0, 1, 1, 1, 0]), classes([0, 0, 1, 1, 1]), {
      positiveScore: [0.1, 0.1, 0.9, 0.9, 0.5],
    });
    expect(value("ece", d)).toBeCloseTo(0.3, 15);
    // Perfect calibration in every bin.
    const calibrated = encodeClassification(classes([0, 1, 1, 1]), classes([0, 1, 1, 1]), {
      positiveScore: [0.5, 0.5, 1, 1],
    });
    expect(value("ece", calibrated)).toBe(0);
  });

  it("log loss clips probabilities to [1e-15, 1 − 1e-15] (hand: (−ln 1e-15 − ln 0.7) / 2)", () => {
    const d = encodeClassification(classes([1, 0]), classes([0, 0]), { positiveScore: [0, 0.3] });
    expect(value("log_loss", d)).toBeCloseTo(17.44772566942471, 12);
  });
});

describe("regression metrics against scikit-learn's documentation examples", () => {
  // y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8].
  const docs = regression([3, -0.5, 2, 7], [2.5, 0, 2, 8]);

  it("mean_absolute_error = 0.5, root_mean_squared_error = 0.612..., r2_score = 0.948...", () => {
    expect(value("mae", docs)).toBe(0.5);
    expect(value("rmse", docs)).toBeCloseTo(Math.sqrt(0.375), 15);
    expect(value("rmse", docs)).toBeCloseTo(0.6123724356957945, 15);
    expect(value("r2", docs)).toBeCloseTo(0.9486081370449679, 15);
  });

  it("weights act as repetition (reference: numpy.repeat)", () => {
    const w = Uint32Array.of(1, 2, 0, 3);
    expect(value("rmse", docs, w)).toBeCloseTo(0.7905694150420949, 15);
    expect(value("mae", docs, w)).toBeCloseTo(0.75, 15);
    expect(value("r2", docs, w)).toBeCloseTo(0.9451219512195121, 15);
  });

  it("r2 is NaN when the targets are constant (scikit-learn would force 1.0 or 0.0)", () => {
    expect(value("r2", regression([2, 2, 2], [2, 2, 2]))).toBeNaN();
    expect(value("r2", regression([0.1, 0.1, 0.1], [0, 1, 2]))).toBeNaN();
    // Constant among the items that carry weight.
    expect(value("r2", regression([0.1, 0.1, 5], [0, 1, 2]), Uint32Array.of(3, 7, 0))).toBeNaN();
  });
});

describe("score metrics", () => {
  it("pass_rate is the mean of a 0/1 score", () => {
    expect(value("pass_rate", scores([1, 0, 1, 1]))).toBe(0.75);
    expect(value("pass_rate", scores([1, 0, 1, 1]), Uint32Array.of(0, 2, 1, 1))).toBe(0.5);
  });

  it("pass_rate refuses graded scores; mean_score takes them", () => {
    expect(() => value("pass_rate", scores([1, 0.5]))).toThrow(/pass_rate needs a 0\/1 score/);
    expect(value("mean_score", scores([1, 0.5, 0.25, 0.25]))).toBe(0.5);
  });

  it("refuses non-finite scores", () => {
    expect(() => value("mean_score", scores([1, Number.NaN]))).toThrow(
      /score\[1\] = NaN is not a finite number/,
    );
  });
});

describe("edge cases", () => {
  it("a single class present", () => {
    // As scikit-learn with pos_label=1 absent: zero_division → 0; macro over the one class present.
    const d = encodeClassification(["a", "a", "a"], ["a", "a", "a"], { positiveScore: [0.2, 0.5, 0.9] });
    expect(value("accuracy", d)).toBe(1);
    expect(value("precision", d)).toBe(0);
    expect(value("recall", d)).toBe(0);
    expect(value("f1", d)).toBe(0);
    expect(value("f1_macro", d)).toBe(1);
    expect(value("roc_auc", d)).toBeNaN();
    expect(value("pr_auc", d)).toBeNaN();
    // Named positive class: everything is positive and right.
    const yes = encodeClassification(["yes", "yes"], ["yes", "yes"], { positiveClass: "yes" });
    expect(value("precision", yes)).toBe(1);
    expect(value("f1", yes)).toBe(1);
  });

  it("all predictions one class (precision_score(average='macro', zero_division=0) = 0.25)", () => {
    const d = encodeClassification(classes([0, 1, 0, 1]), classes([0, 0, 0, 0]));
    expect(value("precision", d)).toBe(0);
    expect(value("recall", d)).toBe(0);
    expect(value("f1", d)).toBe(0);
    expect(value("precision_macro", d)).toBe(0.25);
    expect(value("recall_macro", d)).toBe(0.5);
    expect(value("accuracy", d)).toBe(0.5);
  });

  it("zero total weight gives NaN for every metric", () => {
    const datasets: EvalData[] = [
      encodeClassification(classes([0, 1, 1]), classes([0, 1, 0]), { positiveScore: [0.1, 0.8, 0.4] }),
      encodeClassification(classes([0, 1, 2]), classes([0, 2, 1])),
      regression([1, 2, 3], [1, 2, 2]),
      scores([1, 0, 1]),
    ];
    for (const d of datasets) {
      for (const name of metricsFor(d)) expect(value(name, d, new Uint32Array(3)), name).toBeNaN();
    }
    const rows = perClassMetrics(datasets[1] as ClassificationData, new Uint32Array(3));
    expect(rows.every((r) => Number.isNaN(r.f1) && r.support === 0)).toBe(true);
  });

  it("an empty data set gives NaN", () => {
    const empty = encodeClassification([], [], { positiveScore: [] });
    for (const name of metricsFor(empty)) expect(value(name, empty), name).toBeNaN();
  });

  it("zero weights drop items, and a class that loses all its weight leaves the macro average", () => {
    const d = encodeClassification(classes([0, 1, 2, 2]), classes([0, 1, 2, 0]));
    const kept = encodeClassification(classes([0, 2, 2]), classes([0, 2, 0]));
    for (const name of ["f1_macro", "precision_macro", "recall_macro", "f1_weighted", "accuracy"] as const) {
      expect(value(name, d, Uint32Array.of(1, 0, 1, 1)), name).toBe(value(name, kept));
    }
  });

  it("many classes (past the dense confusion matrix) agree with a direct count", () => {
    const k = 40;
    const label: string[] = [];
    const prediction: string[] = [];
    for (let i = 0; i < 400; i++) {
      label.push(`c${(i * 7) % k}`);
      prediction.push(`c${i % 3 === 0 ? (i * 7) % k : (i * 11) % k}`);
    }
    const d = encodeClassification(label, prediction);
    expect(d.classes).toHaveLength(k);
    const rows = perClassMetrics(d);
    for (const row of rows) {
      const tp = label.filter((l, i) => l === row.class && prediction[i] === row.class).length;
      const support = label.filter((l) => l === row.class).length;
      const predicted = prediction.filter((p) => p === row.class).length;
      expect(row.support).toBe(support);
      expect(row.precision).toBe(predicted > 0 ? tp / predicted : 0);
      expect(row.recall).toBe(support > 0 ? tp / support : 0);
      expect(row.f1).toBe(support + predicted > 0 ? (2 * tp) / (support + predicted) : 0);
    }
    const macro = rows.reduce((s, r) => s + r.f1, 0) / rows.length;
    expect(value("f1_macro", d)).toBeCloseTo(macro, 15);
  });
});

describe("validation", () => {
  const d = encodeClassification(classes([0, 1]), classes([0, 1]), { positiveScore: [0.2, 0.7] });

  it("names the problem in a RangeError", () => {
    expect(() => value("accuracy", d, new Uint32Array(3))).toThrow(
      /weights has 3 entries but the data has 2 items/,
    );
    expect(() => value("rmse", d)).toThrow(/rmse applies to regression data, not classification/);
    expect(() => value("roc_auc", encodeClassification(classes([0, 1]), classes([0, 1])))).toThrow(
      /roc_auc needs positiveScore/,
    );
    expect(() => value("log_loss", { ...d, positiveScore: Float64Array.of(-1, 2) })).toThrow(
      /log_loss needs positiveScore to be probabilities in \[0, 1\]/,
    );
    expect(() => value("mae", regression([1, 2], [1]))).toThrow(/target has 2 items but prediction has 1/);
    expect(() => value("accuracy", { ...d, label: Int32Array.of(0, 5) })).toThrow(
      /label\[1\] = 5 is not a class index/,
    );
    expect(() => value("accuracy", { ...d, positiveClass: 2 })).toThrow(/positiveClass = 2 is not 0 or 1/);
    for (const e of [
      () => value("accuracy", d, new Uint32Array(1)),
      () => value("mae", regression([Number.POSITIVE_INFINITY], [1])),
    ]) {
      expect(e).toThrow(RangeError);
    }
  });

  it("scores need not be probabilities for the ranking metrics", () => {
    const logits = { ...d, positiveScore: Float64Array.of(-3, 12) };
    expect(value("roc_auc", logits)).toBe(1);
    expect(metricsFor(logits)).not.toContain("log_loss");
  });
});

describe("metricsFor", () => {
  it("lists what applies to each kind of data", () => {
    const base = [
      "accuracy",
      "precision",
      "recall",
      "f1",
      "precision_macro",
      "recall_macro",
      "f1_macro",
      "f1_micro",
      "f1_weighted",
    ];
    expect(metricsFor(encodeClassification(["a", "b"], ["a", "a"]))).toEqual(base);
    expect(metricsFor(encodeClassification(["a", "b"], ["a", "a"], { positiveScore: [0.1, 0.9] }))).toEqual([
      ...base,
      "roc_auc",
      "pr_auc",
      "log_loss",
      "brier",
      "ece",
    ]);
    expect(metricsFor(regression([1], [1]))).toEqual(["rmse", "mae", "r2"]);
    expect(metricsFor(scores([1, 0]))).toEqual(["pass_rate", "mean_score"]);
    expect(metricsFor(scores([1, 0.5]))).toEqual(["mean_score"]);
  });

  it("every listed metric prepares and names its kind", () => {
    for (const [name, def] of Object.entries(METRICS)) {
      expect(def.name).toBe(name);
      expect(def.kinds.length).toBeGreaterThan(0);
    }
  });

  it("direction: losses and errors are lower-is-better", () => {
    const lower = Object.values(METRICS)
      .filter((m) => !m.higherIsBetter)
      .map((m) => m.name)
      .sort();
    expect(lower).toEqual(["brier", "ece", "log_loss", "mae", "rmse"]);
  });
});
