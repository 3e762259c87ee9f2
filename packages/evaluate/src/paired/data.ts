import { GateError } from "@mlgate/core";
import type { ItemRecord, ItemTable } from "../items/index.js";
import { type EvalData, encodeClassification } from "../metrics/index.js";

/** Candidate and baseline encoded over the same items in the same order. */
export interface PairedData {
  kind: ItemTable["kind"];
  n: number;
  candidate: EvalData;
  baseline?: EvalData;
}

function numbers(
  records: readonly ItemRecord[],
  field: "label" | "prediction" | "score",
  file: string,
): Float64Array {
  const out = new Float64Array(records.length);
  records.forEach((r, i) => {
    const v = r[field];
    const x = typeof v === "number" ? v : Number(v);
    if (!Number.isFinite(x)) {
      throw new GateError(`item "${r.id}" has no numeric ${field} (${JSON.stringify(v)})`, {
        location: { file },
      });
    }
    out[i] = x;
  });
  return out;
}

/**
 * Encode the paired records. Classification data of both models is encoded in one pass so class
 * indices agree even when one model predicts a class the other never does.
 */
export function encodePaired(
  kind: ItemTable["kind"],
  candidate: readonly ItemRecord[],
  baseline: readonly ItemRecord[] | undefined,
  files: { candidate: string; baseline?: string },
): PairedData {
  const n = candidate.length;
  if (kind === "classification") {
    const all = baseline ? [...candidate, ...baseline] : [...candidate];
    const labels = all.map((r) => String(r.label ?? ""));
    const predictions = all.map((r) => String(r.prediction ?? ""));
    const scores = all.map((r) => r.positiveScore);
    // A positive-class probability only means something for a binary task; with more classes it is ignored.
    const binary = new Set([...labels, ...predictions]).size <= 2;
    const withScores = binary && scores.every((s) => typeof s === "number" && Number.isFinite(s));
    const encoded = encodeClassification(
      labels,
      predictions,
      withScores ? { positiveScore: scores as number[] } : {},
    );
    const part = (from: number): EvalData => ({
      ...encoded,
      label: encoded.label.subarray(from, from + n),
      prediction: encoded.prediction.subarray(from, from + n),
      ...(encoded.positiveScore ? { positiveScore: encoded.positiveScore.subarray(from, from + n) } : {}),
    });
    return { kind, n, candidate: part(0), ...(baseline ? { baseline: part(n) } : {}) };
  }
  if (kind === "regression") {
    const encode = (records: readonly ItemRecord[], file: string): EvalData => ({
      kind: "regression",
      target: numbers(records, "label", file),
      prediction: numbers(records, "prediction", file),
    });
    return {
      kind,
      n,
      candidate: encode(candidate, files.candidate),
      ...(baseline ? { baseline: encode(baseline, files.baseline ?? "") } : {}),
    };
  }
  const encode = (records: readonly ItemRecord[], file: string): EvalData => ({
    kind: "score",
    score: numbers(records, "score", file),
  });
  return {
    kind,
    n,
    candidate: encode(candidate, files.candidate),
    ...(baseline ? { baseline: encode(baseline, files.baseline ?? "") } : {}),
  };
}

/** The same data restricted to some items (a slice), in their order. */
export function subset(data: EvalData, indices: Uint32Array): EvalData {
  const pick = <T extends Float64Array | Int32Array>(a: T): T => {
    const out = new (a.constructor as new (n: number) => T)(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = a[indices[i] as number] as number;
    return out;
  };
  switch (data.kind) {
    case "classification":
      return {
        ...data,
        label: pick(data.label),
        prediction: pick(data.prediction),
        ...(data.positiveScore ? { positiveScore: pick(data.positiveScore) } : {}),
      };
    case "regression":
      return { kind: "regression", target: pick(data.target), prediction: pick(data.prediction) };
    case "score":
      return { kind: "score", score: pick(data.score) };
  }
}
