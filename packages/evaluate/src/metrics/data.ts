/** Classification results encoded once: class indices, optional scores. */
export interface ClassificationData {
  kind: "classification";
  /** Index → class name. */
  classes: string[];
  /** True class index per item. */
  label: Int32Array;
  /** Predicted class index per item. */
  prediction: Int32Array;
  /** Probability (or score) of the positive class, binary tasks only: enables ROC-AUC, PR-AUC, log loss, Brier, ECE. */
  positiveScore?: Float64Array;
  /** Index of the positive class (default 1). */
  positiveClass?: number;
}

export interface RegressionData {
  kind: "regression";
  target: Float64Array;
  prediction: Float64Array;
}

/** A per-item score: pass/fail as 1/0, or a graded judge score. */
export interface ScoreData {
  kind: "score";
  score: Float64Array;
}

export type EvalData = ClassificationData | RegressionData | ScoreData;

export interface EncodeOptions {
  /** Probability (or score) of the positive class per item. */
  positiveScore?: ArrayLike<number>;
  /** Name of the positive class; it joins the class list even when no item carries it. */
  positiveClass?: string;
}

/** Binary tasks have at most two classes; the rest are multi-class. */
export function isBinary(data: ClassificationData): boolean {
  return data.classes.length <= 2;
}

/** The positive class index of a binary task (1 unless set). */
export function positiveIndex(data: ClassificationData): number {
  return data.positiveClass ?? 1;
}

/**
 * Encode string labels and predictions as class indices. Class order is sorted by code unit (so it
 * does not depend on the locale), over the union of labels and predictions.
 */
export function encodeClassification(
  labels: readonly string[],
  predictions: readonly string[],
  options: EncodeOptions = {},
): ClassificationData {
  if (labels.length !== predictions.length) {
    throw new RangeError(`labels has ${labels.length} items but predictions has ${predictions.length}`);
  }
  const names = new Set<string>(labels);
  for (const p of predictions) names.add(p);
  if (options.positiveClass !== undefined) names.add(options.positiveClass);
  const classes = [...names].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const data: ClassificationData = {
    kind: "classification",
    classes,
    label: Int32Array.from(labels, (l) => index.get(l)!),
    prediction: Int32Array.from(predictions, (p) => index.get(p)!),
  };
  if (options.positiveScore !== undefined) {
    if (options.positiveScore.length !== labels.length) {
      throw new RangeError(
        `positiveScore has ${options.positiveScore.length} items but labels has ${labels.length}`,
      );
    }
    data.positiveScore = Float64Array.from(options.positiveScore);
  }
  if (options.positiveClass !== undefined) data.positiveClass = index.get(options.positiveClass)!;
  return data;
}
