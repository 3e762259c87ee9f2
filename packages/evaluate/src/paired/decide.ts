import type { Threshold } from "@mlgate/core";
import { holmAdjust, mcnemarExactOneSided, normalCdf } from "../stats/index.js";
import type { Estimate } from "./estimate.js";

export type Decision = "pass" | "fail" | "inconclusive";

export interface Judgement {
  decision: Decision;
  /** How pWorse was obtained: from the interval (normal approximation) or by the exact McNemar test. */
  test: "interval" | "exact McNemar";
  /** One-sided p-value for "the true quantity is on the wrong side of the limit"; small = evidence against. */
  pWorse: number;
  /** Holm-adjusted pWorse across every compared (delta/ratio) check. */
  adjustedP: number;
}

/** Which side of the limit is the wrong one. */
function wrongSideIsBelow(t: Threshold): boolean | undefined {
  if (t.op === ">" || t.op === ">=") return true;
  if (t.op === "<" || t.op === "<=") return false;
  return undefined; // == and != have no direction: judged on the point estimate
}

function holds(t: Threshold, x: number): boolean {
  switch (t.op) {
    case "<":
      return x < t.value;
    case "<=":
      return x <= t.value;
    case ">":
      return x > t.value;
    case ">=":
      return x >= t.value;
    case "==":
      return x === t.value;
    case "!=":
      return x !== t.value;
  }
}

/**
 * A paired 0/1 comparison against a zero margin (`delta(accuracy) >= 0`, `delta(pass_rate) > 0`) is
 * exactly McNemar's question: among the items the two models disagree on, does the candidate lose
 * more than a fair coin would? Its exact p-value replaces the approximation derived from the interval.
 */
function exactMcNemar(t: Threshold, e: Estimate): number | undefined {
  const below = wrongSideIsBelow(t);
  if (e.quantity !== "delta" || !e.discordant || t.value !== 0 || below === undefined) return undefined;
  const { onlyCandidate, onlyBaseline } = e.discordant;
  // Below the limit is wrong: the evidence is the baseline-only wins; above it, the candidate-only ones.
  return below
    ? mcnemarExactOneSided(onlyBaseline, onlyCandidate)
    : mcnemarExactOneSided(onlyCandidate, onlyBaseline);
}

/** P(true value on the wrong side of the limit | data), normal approximation around the estimate. */
function pWorseOf(t: Threshold, e: Estimate): number {
  const below = wrongSideIsBelow(t);
  if (below === undefined) return holds(t, e.estimate) ? 1 : 0;
  if (!(e.standardError > 0)) return holds(t, e.estimate) ? 1 : 0;
  const z = (e.estimate - t.value) / e.standardError;
  return below ? normalCdf(z) : normalCdf(-z);
}

/**
 * Decide every check at once. Absolute limits (`accuracy >= 0.9`) hold the point estimate to the
 * limit. Comparisons against the baseline use the interval of the paired difference:
 * pass when the whole interval is on the right side of the limit, fail when the evidence that the
 * candidate is on the wrong side survives Holm's correction across all comparisons, and
 * inconclusive in between (too few items to tell).
 */
export function decideAll(
  items: readonly { threshold: Threshold; estimate: Estimate }[],
  confidence: number,
): Judgement[] {
  const alpha = (1 - confidence) / 2; // each interval bound errs on one side with this probability
  const exact = items.map(({ threshold, estimate }) => exactMcNemar(threshold, estimate));
  const pWorse = items.map(({ threshold, estimate }, i) => exact[i] ?? pWorseOf(threshold, estimate));
  const compared = items.map((it, i) => (it.estimate.quantity === "value" ? -1 : i)).filter((i) => i >= 0);
  const adjusted = holmAdjust(compared.map((i) => pWorse[i] as number));
  const adjustedByIndex = new Map(compared.map((i, k) => [i, adjusted[k] as number]));

  return items.map(({ threshold, estimate }, i) => {
    const p = pWorse[i] as number;
    const test = exact[i] === undefined ? ("interval" as const) : ("exact McNemar" as const);
    if (estimate.quantity === "value" || wrongSideIsBelow(threshold) === undefined) {
      const decision = holds(threshold, estimate.estimate) ? "pass" : "fail";
      return { decision, test, pWorse: p, adjustedP: p };
    }
    const adjustedP = adjustedByIndex.get(i) ?? p;
    const safeBound = wrongSideIsBelow(threshold) ? estimate.low : estimate.high;
    if (holds(threshold, safeBound)) return { decision: "pass", test, pWorse: p, adjustedP };
    if (adjustedP < alpha) return { decision: "fail", test, pWorse: p, adjustedP };
    return { decision: "inconclusive", test, pWorse: p, adjustedP };
  });
}
