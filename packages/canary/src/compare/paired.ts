import { GateError } from "@mlgate/core";
import { fairCoinTest } from "./binomial.js";
import { describeValue, requireConfidence, requireCount, requireRows } from "./validate.js";
import { wilsonInterval } from "./wilson.js";

export interface PairedRow {
  baselineCorrect: boolean;
  candidateCorrect: boolean;
}

export interface PairedCorrectnessResult {
  n: number;
  baselineAccuracy: number;
  candidateAccuracy: number;
  /** candidateAccuracy − baselineAccuracy. */
  delta: number;
  /** Confidence interval of `delta` (Newcombe's paired hybrid score interval). */
  low: number;
  high: number;
  /** Items only the baseline got right, and items only the candidate got right. */
  discordant: { baselineOnly: number; candidateOnly: number };
  /** Exact two-sided McNemar test of "equal accuracy". */
  pValue: number;
}

/**
 * Accuracy of the baseline and the candidate on the same requests, once their labels arrive.
 * Because both answered the same items, only the items on which they disagree carry evidence:
 * the exact McNemar test treats each discordant item as a fair coin under "equal accuracy"
 * (a binomial test, exact however few there are). The interval for the accuracy difference is
 * Newcombe's hybrid score interval for paired proportions (method 10 of Newcombe 1998, Stat Med
 * 17:2635, with its continuity-corrected correlation): Wilson intervals of both accuracies combined
 * through the pairing's correlation, so it stays in [−1, 1] and does not collapse at 100% accuracy.
 */
export function pairedCorrectness(
  rows: ReadonlyArray<PairedRow>,
  confidence = 0.95,
): PairedCorrectnessResult {
  requireConfidence(confidence);
  requireRows(rows, "paired correctness rows", (row, i) => {
    if (
      typeof row !== "object" ||
      row === null ||
      typeof row.baselineCorrect !== "boolean" ||
      typeof row.candidateCorrect !== "boolean"
    )
      throw new GateError(
        `paired correctness rows[${i}] is ${describeValue(row)}; expected { baselineCorrect: boolean, candidateCorrect: boolean }`,
      );
  });
  let both = 0;
  let baselineOnly = 0;
  let candidateOnly = 0;
  for (const row of rows) {
    if (row.baselineCorrect && row.candidateCorrect) both++;
    else if (row.baselineCorrect) baselineOnly++;
    else if (row.candidateCorrect) candidateOnly++;
  }
  const n = rows.length;
  const neither = n - both - baselineOnly - candidateOnly;
  const { low, high } = pairedDifferenceInterval({ both, baselineOnly, candidateOnly, neither }, confidence);
  return {
    n,
    baselineAccuracy: (both + baselineOnly) / n,
    candidateAccuracy: (both + candidateOnly) / n,
    delta: (candidateOnly - baselineOnly) / n,
    low,
    high,
    discordant: { baselineOnly, candidateOnly },
    pValue: fairCoinTest(candidateOnly, baselineOnly + candidateOnly),
  };
}

export interface PairedTable {
  both: number;
  baselineOnly: number;
  candidateOnly: number;
  neither: number;
}

/** Newcombe's method 10 interval for candidate accuracy − baseline accuracy on a paired 2×2 table. */
export function pairedDifferenceInterval(t: PairedTable, confidence = 0.95): { low: number; high: number } {
  for (const cell of ["both", "baselineOnly", "candidateOnly", "neither"] as const)
    requireCount(t[cell], `paired table ${cell}`);
  const n = t.both + t.baselineOnly + t.candidateOnly + t.neither;
  const candidateRight = t.both + t.candidateOnly;
  const baselineRight = t.both + t.baselineOnly;
  const pc = candidateRight / n;
  const pb = baselineRight / n;
  const wc = wilsonInterval(candidateRight, n, confidence);
  const wb = wilsonInterval(baselineRight, n, confidence);
  // Correlation of the two correctness indicators; a positive one shrinks by n/2 (but not below 0),
  // Newcombe's continuity correction, without which the interval is too narrow for small tables.
  let cross = t.both * t.neither - t.candidateOnly * t.baselineOnly;
  if (cross > 0) cross = Math.max(0, cross - n / 2);
  const margins = candidateRight * (n - candidateRight) * baselineRight * (n - baselineRight);
  const phi = margins > 0 ? cross / Math.sqrt(margins) : 0;
  const delta = pc - pb;
  const spread = (x: number, y: number) => Math.sqrt(Math.max(0, x * x - 2 * phi * x * y + y * y));
  return {
    low: Math.max(-1, delta - spread(pc - wc.low, wb.high - pb)),
    high: Math.min(1, delta + spread(wc.high - pc, pb - wb.low)),
  };
}
