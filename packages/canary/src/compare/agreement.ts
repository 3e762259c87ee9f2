import { GateError } from "@mlgate/core";
import { describeValue, requireConfidence, requireRows } from "./validate.js";
import { wilsonInterval } from "./wilson.js";

/** The confusion table keeps the most frequent disagreements only: enough to read, bounded in size. */
export const MAX_CONFUSION_ROWS = 20;

export interface Disagreement {
  baseline: string;
  candidate: string;
  count: number;
}

export interface AgreementResult {
  /** Pairs compared. */
  n: number;
  /** Pairs where both models gave the same label. */
  agree: number;
  rate: number;
  /** Wilson score interval of the agreement rate. */
  low: number;
  high: number;
  /** The most frequent (baseline label, candidate label) disagreements, most frequent first. */
  confusion: Disagreement[];
}

/**
 * How often the candidate gives the baseline's label on the same inputs (shadow traffic, where no
 * ground truth exists yet), with a Wilson interval, and which label swaps account for the rest.
 */
export function agreementRate(
  pairs: ReadonlyArray<readonly [baseline: string, candidate: string]>,
  confidence = 0.95,
): AgreementResult {
  requireConfidence(confidence);
  requireRows(pairs, "agreement pairs", (pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new GateError(`agreement pairs[${i}] is ${describeValue(pair)}; expected [baseline, candidate]`);
    if (typeof pair[0] !== "string" || typeof pair[1] !== "string")
      throw new GateError(
        `agreement pairs[${i}] holds ${describeValue(pair[0])} and ${describeValue(pair[1])}; expected two label strings`,
      );
  });
  // baseline label → candidate label → count, for disagreements only.
  const swaps = new Map<string, Map<string, number>>();
  let agree = 0;
  for (const [baseline, candidate] of pairs) {
    if (baseline === candidate) {
      agree++;
      continue;
    }
    let row = swaps.get(baseline);
    if (!row) {
      row = new Map();
      swaps.set(baseline, row);
    }
    row.set(candidate, (row.get(candidate) ?? 0) + 1);
  }
  const confusion: Disagreement[] = [];
  for (const [baseline, row] of swaps)
    for (const [candidate, count] of row) confusion.push({ baseline, candidate, count });
  // Ties broken by label so the table reads the same on every run.
  confusion.sort(
    (x, y) =>
      y.count - x.count || compareText(x.baseline, y.baseline) || compareText(x.candidate, y.candidate),
  );
  const n = pairs.length;
  const { low, high } = wilsonInterval(agree, n, confidence);
  return { n, agree, rate: agree / n, low, high, confusion: confusion.slice(0, MAX_CONFUSION_ROWS) };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
