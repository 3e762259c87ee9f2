import { type Check, formatNumber, formatValue } from "@mlgate/core";
import {
  type AbFixedResult,
  type AbSequentialResult,
  type ArmCounts,
  abFixedSample,
  abSequential,
} from "../compare/index.js";
import { normalSurvival } from "../judge/normal.js";
import { formatWeight } from "../plan/types.js";
import type { AnalysisContext, AnalysisLook, StageAnalysis } from "../strategy/types.js";
import { type ConversionCounts, type ConversionEvents, MAX_UNITS } from "./events.js";

export type AbDecisionRule = "sequential" | "fixed";

export interface AbAnalysisOptions {
  /** The metric's name in messages and checks, e.g. `conversion`. */
  metric: string;
  events: ConversionEvents;
  rule: AbDecisionRule;
  /** Units per arm: where the fixed test is read, and where the sequential one stops undecided. */
  sampleSize?: number;
  /** False-positive rate of the decision (two-sided). */
  alpha: number;
  /** Which way is better: `increase` (conversions) or `decrease` (churn, complaints). */
  better: "increase" | "decrease";
  /** The candidate's planned share of units, in percent (for the sample-ratio check). */
  split: number;
}

/** How the experiment came out. */
export type AbOutcome = "candidate-better" | "candidate-worse" | "no-difference" | "undecided";

export interface AbState {
  counts: ConversionCounts;
  outcome: AbOutcome;
  /** rate(candidate) − rate(baseline), and its interval (a confidence sequence when sequential). */
  effect?: number;
  interval?: [number, number];
  relative?: number;
  pValue?: number;
  rateBaseline?: number;
  rateCandidate?: number;
  rule: string;
}

/** A sample-ratio mismatch this unlikely means the split or the logging is broken. */
const SRM_P = 0.001;

/**
 * The A/B test's decision at each look: the always-valid mSPRT on the difference of conversion rates
 * (stops at the first convincing evidence either way), or the fixed-horizon two-proportion test read
 * once both arms reach the planned sample size. A candidate significantly worse stops the experiment
 * as a metric failure; a better one, or no difference at the planned size, ends it.
 */
export class AbAnalysis implements StageAnalysis {
  private state: AbState;

  constructor(private readonly options: AbAnalysisOptions) {
    this.state = {
      counts: options.events.snapshot(),
      outcome: "undecided",
      rule: this.rule(),
    };
  }

  get result(): AbState {
    return this.state;
  }

  get metricName(): string {
    return this.options.metric;
  }

  rule(): string {
    const o = this.options;
    const size = o.sampleSize !== undefined ? `${o.sampleSize} units per arm` : "";
    return o.rule === "sequential"
      ? `sequential mSPRT on the difference of ${o.metric} rates, always-valid α = ${formatNumber(o.alpha)}${size ? `, at most ${size}` : ""}`
      : `two-proportion z-test at ${size}, α = ${formatNumber(o.alpha)} (two-sided)`;
  }

  async look(ctx: AnalysisContext): Promise<AnalysisLook> {
    const o = this.options;
    const counts = await o.events.refresh();
    const warnings = this.warnings(counts);
    const a = counts.baseline;
    const b = counts.candidate;
    const reached = o.sampleSize !== undefined && a.n >= o.sampleSize && b.n >= o.sampleSize;
    let outcome: AbOutcome = "undecided";
    let result: AbSequentialResult | AbFixedResult | undefined;
    if (o.rule === "sequential") {
      const r = abSequential(a, b, { alpha: o.alpha });
      result = r;
      outcome = this.outcomeOf(r.decision);
      if (outcome === "undecided" && (reached || ctx.endOfStep) && a.n > 0 && b.n > 0)
        outcome = "no-difference";
    } else if (reached) {
      const r = abFixedSample(a, b, 1 - o.alpha);
      result = r;
      outcome = this.outcomeOf(r.decision);
    }
    this.state = {
      counts,
      outcome,
      rule: this.rule(),
      ...(result
        ? {
            effect: result.effect,
            interval: [result.low, result.high] as [number, number],
            pValue: result.pValue,
            rateBaseline: result.rateA,
            rateCandidate: result.rateB,
            relative: result.rateA > 0 ? result.effect / result.rateA : Number.NaN,
          }
        : {}),
    };
    const check = this.check();
    const look: AnalysisLook = { checks: [check], short: [], warnings, summary: this.describe() };
    if (outcome === "candidate-worse") {
      look.failure = {
        cause: "metric",
        metric: o.metric,
        rule: this.state.rule,
        message: `${o.metric}: the candidate converts ${this.describeEffect()} the baseline (${this.state.rule}, p = ${formatNumber(this.state.pValue ?? 1, 3)})`,
      };
    } else if (outcome !== "undecided") {
      look.done = true;
      look.summary = `${this.describe()} — decided: ${outcome}`;
    } else if (ctx.endOfStep) {
      look.short = [
        o.sampleSize !== undefined
          ? `${o.metric} (${Math.min(a.n, b.n)} of ${o.sampleSize} units in the smaller arm)`
          : `${o.metric} (no units on one side)`,
      ];
    }
    return look;
  }

  private outcomeOf(decision: string): AbOutcome {
    if (decision === "continue") return "undecided";
    if (decision === "no-difference") return "no-difference";
    const candidateHigher = decision === "b-better";
    const good = this.options.better === "increase" ? candidateHigher : !candidateHigher;
    return good ? "candidate-better" : "candidate-worse";
  }

  private warnings(c: ConversionCounts): string[] {
    const out: string[] = [];
    if (c.crossed > 0)
      out.push(`${c.crossed} unit(s) reached both versions (the split was not sticky for them); left out`);
    if (c.overflow > 0)
      out.push(`${c.overflow} event(s) of units beyond the ${MAX_UNITS}-unit limit were not counted`);
    const total = c.baseline.n + c.candidate.n;
    const p = this.options.split / 100;
    if (total >= 100 && p > 0 && p < 1) {
      const z = (c.candidate.n - total * p) / Math.sqrt(total * p * (1 - p));
      const pValue = 2 * normalSurvival(Math.abs(z));
      if (pValue < SRM_P)
        out.push(
          `sample ratio mismatch: the candidate has ${formatValue(c.candidate.n / total, "ratio")} of the units, ${formatWeight(this.options.split)} planned (p = ${formatNumber(pValue, 3)}); check the router's split and the event logging`,
        );
    }
    return out;
  }

  /** `+2.3 points (12.1% vs 9.8%, +23% relative) above`… */
  describeEffect(): string {
    const s = this.state;
    if (s.effect === undefined || s.rateBaseline === undefined || s.rateCandidate === undefined)
      return "no differently from";
    const rel = Number.isFinite(s.relative ?? Number.NaN)
      ? `, ${signed((s.relative ?? 0) * 100)}% relative`
      : "";
    const where = s.effect > 0 ? "above" : s.effect < 0 ? "below" : "level with";
    return `${formatNumber(Math.abs(s.effect) * 100, 2)} points ${where} (${pct(s.rateCandidate)} vs ${pct(s.rateBaseline)}${rel})`;
  }

  /** The effect with its interval: `+2.30 points [+1.10, +3.50]`. */
  describeInterval(): string {
    const s = this.state;
    if (s.effect === undefined || !s.interval) return "—";
    return `${signed(s.effect * 100)} points [${signed(s.interval[0] * 100)}, ${signed(s.interval[1] * 100)}]`;
  }

  describe(): string {
    const c = this.state.counts;
    const rate = (x: ArmCounts) => (x.n > 0 ? pct(x.conversions / x.n) : "—");
    return `${this.options.metric}: candidate ${c.candidate.conversions}/${c.candidate.n} (${rate(c.candidate)}), baseline ${c.baseline.conversions}/${c.baseline.n} (${rate(c.baseline)})${this.state.effect !== undefined ? `, effect ${this.describeInterval()}` : ""}${this.state.pValue !== undefined ? `, p = ${formatNumber(this.state.pValue, 3)}` : ""}`;
  }

  check(): Check {
    const s = this.state;
    const status =
      s.outcome === "candidate-worse"
        ? "fail"
        : s.outcome === "undecided"
          ? "skip"
          : s.outcome === "no-difference"
            ? "warn"
            : "pass";
    return {
      name: `${this.options.metric}: candidate vs baseline (A/B)`,
      status,
      actual:
        s.effect !== undefined
          ? `${this.describeInterval()}${s.pValue !== undefined ? `, p = ${formatNumber(s.pValue, 3)}` : ""}`
          : "—",
      expected: s.rule,
      ...(status !== "pass" ? { message: this.describe() } : {}),
    };
  }
}

const pct = (x: number) => formatValue(x, "ratio");
const signed = (x: number) => `${x >= 0 ? "+" : ""}${formatNumber(x, 2)}`;
