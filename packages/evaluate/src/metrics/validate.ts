import type { ClassificationData, EvalData, RegressionData, ScoreData } from "./data.js";

/** Check shapes and values once, before any metric is prepared; throws a RangeError naming the problem. */
export function validateData(data: EvalData): void {
  switch (data.kind) {
    case "classification":
      validateClassification(data);
      return;
    case "regression":
      validateRegression(data);
      return;
    case "score":
      validateScore(data);
      return;
    default:
      throw new RangeError(`unknown data kind ${JSON.stringify((data as { kind: unknown }).kind)}`);
  }
}

function validateClassification(data: ClassificationData): void {
  const { label, prediction, classes, positiveScore, positiveClass } = data;
  const n = label.length;
  if (prediction.length !== n) {
    throw new RangeError(`label has ${n} items but prediction has ${prediction.length}`);
  }
  const k = classes.length;
  for (let i = 0; i < n; i++) {
    if (!(label[i]! >= 0 && label[i]! < k)) {
      throw new RangeError(`label[${i}] = ${label[i]} is not a class index (there are ${k} classes)`);
    }
    if (!(prediction[i]! >= 0 && prediction[i]! < k)) {
      throw new RangeError(
        `prediction[${i}] = ${prediction[i]} is not a class index (there are ${k} classes)`,
      );
    }
  }
  if (positiveClass !== undefined) {
    if (k > 2) throw new RangeError(`positiveClass is for binary tasks, but there are ${k} classes`);
    // One class present: the positive one may be the other, absent class.
    if (!Number.isInteger(positiveClass) || positiveClass < 0 || positiveClass > 1) {
      throw new RangeError(`positiveClass = ${positiveClass} is not 0 or 1`);
    }
  }
  if (positiveScore !== undefined) {
    if (k > 2) throw new RangeError(`positiveScore is for binary tasks, but there are ${k} classes`);
    if (positiveScore.length !== n) {
      throw new RangeError(`label has ${n} items but positiveScore has ${positiveScore.length}`);
    }
    checkNotNaN(positiveScore, "positiveScore");
  }
}

function validateRegression(data: RegressionData): void {
  if (data.prediction.length !== data.target.length) {
    throw new RangeError(
      `target has ${data.target.length} items but prediction has ${data.prediction.length}`,
    );
  }
  checkFinite(data.target, "target");
  checkFinite(data.prediction, "prediction");
}

function validateScore(data: ScoreData): void {
  checkFinite(data.score, "score");
}

function checkNotNaN(values: Float64Array, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) throw new RangeError(`${name}[${i}] is NaN`);
  }
}

function checkFinite(values: Float64Array, name: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new RangeError(`${name}[${i}] = ${values[i]} is not a finite number`);
  }
}

/** Whether every value lies in [0, 1], as probabilities must. */
export function isProbability(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) return false;
  }
  return true;
}

/** Whether every value is exactly 0 or 1. */
export function isBinaryScore(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== 0 && v !== 1) return false;
  }
  return true;
}

/** Narrow the data to the kind a metric needs, or say which metric cannot use it. */
export function requireKind<K extends EvalData["kind"]>(
  data: EvalData,
  kind: K,
  metric: string,
): Extract<EvalData, { kind: K }> {
  if (data.kind !== kind) throw new RangeError(`${metric} applies to ${kind} data, not ${data.kind}`);
  return data as Extract<EvalData, { kind: K }>;
}

/** Narrow to the kind a metric needs and validate it: the first step of every prepare(). */
export function validFor<K extends EvalData["kind"]>(
  data: EvalData,
  kind: K,
  metric: string,
): Extract<EvalData, { kind: K }> {
  const d = requireKind(data, kind, metric);
  validateData(d);
  return d;
}
