import { formatNumber, formatValue, type Metric } from "@mlgate/core";
import type { AbAnalysis } from "../ab/analysis.js";
import type { Versions } from "../metrics/types.js";
import { formatDuration } from "../plan/parse-steps.js";
import { formatWeight } from "../plan/types.js";
import { describeSticky, type StickyKey } from "../traffic/types.js";
import { refuseUnlessBaseline, route, routingOf } from "./routing.js";
import type { EndState, RolloutStrategy, Stage, StrategySummary } from "./types.js";

export interface AbPlan {
  /** The candidate's share of units (clients), in percent. */
  split: number;
  sticky: StickyKey;
  /** The experiment ends undecided after this long (ms, scaled). */
  maxMs: number;
  /** `auto` promotes a candidate that won; `manual` leaves that to a person (traffic returns to the baseline). */
  promote: "manual" | "auto";
}

/**
 * A/B: a fixed split where each client stays on one side (sticky by a header or cookie), run until the
 * declared metric's decision rule decides (or the planned sample is reached), then a verdict with the
 * effect and its interval. A significantly worse candidate is stopped as a metric failure; otherwise
 * traffic returns to the baseline unless `promote: auto` and the candidate won.
 */
export function abStrategy(
  plan: AbPlan,
  context: { versions: Versions; analysis: AbAnalysis },
): RolloutStrategy {
  const { versions, analysis } = context;
  const key = describeSticky(plan.sticky);
  const stage: Stage = {
    kind: "experiment",
    weight: plan.split,
    watchMs: plan.maxMs,
    phase: "step",
    guard: false,
    words: {
      look: "the experiment",
      finding: `experiment (${formatWeight(plan.split)} of clients on the candidate, sticky by ${key})`,
      evaluation: "experiment",
      headline: "during the experiment",
    },
    moveWords: `split clients ${formatWeight(plan.split)} to the candidate by ${key}`,
    enter: async (traffic) =>
      route(routingOf(traffic, "sticky", "ab"), { canary: plan.split, mirror: 0, sticky: plan.sticky }),
    entered: (weight) =>
      `experiment: ${formatWeight(weight)} of clients go to ${versions.candidate}, each kept on its side by ${key} (verified)`,
    analysis,
  };
  const text = `A/B, ${formatWeight(plan.split)} of clients to the candidate by ${key}, decided by ${analysis.rule()}, at most ${formatDuration(Math.round(plan.maxMs))}, promote: ${plan.promote}`;
  return {
    name: "ab",
    stages: [stage],
    describe: () => text,
    refuseStart: (weight, traffic) => refuseUnlessBaseline("an A/B test", weight, traffic),
    undo: async (traffic) => (await traffic.rollback()).canary,
    undone: (traffic) =>
      `experiment ended: ${versions.baseline} serves every client again (verified by reading ${traffic.describe()})`,
    conclude: async (traffic) => {
      const won = analysis.result.outcome === "candidate-better";
      if (won && plan.promote === "auto") {
        const weight = (await traffic.promote()).canary;
        return {
          result: "promoted",
          weight,
          phase: "promoted",
          log: `the candidate won: promoted to ${formatWeight(weight)} (promote: auto, verified)`,
        };
      }
      const weight = (await traffic.rollback()).canary;
      return {
        result: "concluded",
        weight,
        phase: "concluded",
        reason: won ? "the candidate won; not promoted (promote: manual)" : "no significant difference",
        log: `experiment over: ${versions.baseline} serves every client again (verified)${won ? "; promote the candidate when ready" : ""}`,
      };
    },
    summarize: (end) => summarize(end, plan, context, text),
  };
}

function summarize(
  end: EndState,
  plan: AbPlan,
  context: { versions: Versions; analysis: AbAnalysis },
  text: string,
): StrategySummary {
  const { versions, analysis } = context;
  const r = analysis.result;
  const c = r.counts;
  const units = c.baseline.n + c.candidate.n;
  const decision =
    r.outcome === "candidate-better"
      ? `${versions.candidate} wins`
      : r.outcome === "candidate-worse"
        ? `${versions.candidate} loses`
        : "no significant difference";
  const after =
    end.result === "promoted"
      ? "promoted to 100% (promote: auto, verified)"
      : r.outcome === "candidate-better"
        ? `not promoted (promote: manual); ${versions.baseline} serves every client again (verified)`
        : `${versions.baseline} serves every client again (verified)`;
  const metric: Metric | undefined =
    r.rateCandidate !== undefined && r.rateBaseline !== undefined
      ? {
          value: r.rateCandidate,
          baseline: r.rateBaseline,
          dimension: "ratio",
          ...(r.interval ? { interval: r.interval, intervalOf: "delta" as const } : {}),
          description: `share of units that converted (candidate ${c.candidate.conversions}/${c.candidate.n}, baseline ${c.baseline.conversions}/${c.baseline.n})`,
        }
      : undefined;
  const concluded = end.result === "concluded" || end.result === "promoted";
  return {
    strategy: "ab",
    plan: text,
    exposure: `users: ${formatWeight(plan.split)} of clients (sticky by ${describeSticky(plan.sticky)}) were served by ${versions.candidate} during the experiment; ${units} unit(s) counted${c.crossed > 0 ? `, ${c.crossed} left out for reaching both sides` : ""}`,
    comparison: [`Experiment: ${analysis.describe()}.`],
    rule: r.rule,
    ...(concluded
      ? {
          headline: `A/B: ${versions.candidate} converts ${analysis.describeEffect()} ${versions.baseline}, effect ${analysis.describeInterval()}${r.pValue !== undefined ? ` (p = ${formatNumber(r.pValue, 3)})` : ""} over ${units} units — ${decision}; ${after}`,
          verdict: r.outcome === "candidate-better" ? ("pass" as const) : ("warn" as const),
        }
      : {}),
    rollbackWords: "ended the experiment",
    checks: [],
    metrics: metric ? { [analysis.metricName]: metric } : {},
    findings: [
      {
        rule: "canary.ab",
        level: "info",
        message: `${analysis.describe()} · ${r.rule} · ${r.outcome}`,
      },
    ],
    outputs: {
      strategy: "ab",
      decision: r.outcome,
      effect: r.effect !== undefined ? String(Number(r.effect.toFixed(6))) : "",
      "effect-low": r.interval ? String(Number(r.interval[0].toFixed(6))) : "",
      "effect-high": r.interval ? String(Number(r.interval[1].toFixed(6))) : "",
      "units-baseline": String(c.baseline.n),
      "units-candidate": String(c.candidate.n),
      "rate-baseline": r.rateBaseline !== undefined ? formatValue(r.rateBaseline, "ratio") : "",
      "rate-candidate": r.rateCandidate !== undefined ? formatValue(r.rateCandidate, "ratio") : "",
    },
  };
}
