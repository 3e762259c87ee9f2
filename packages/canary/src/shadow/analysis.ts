import { appendFile, writeFile } from "node:fs/promises";
import {
  type Check,
  evaluateThresholds,
  formatNumber,
  formatValue,
  GateError,
  type Metric,
  type Threshold,
  type ThresholdFunction,
} from "@mlgate/core";
import {
  type AgreementResult,
  agreementRate,
  type KsResult,
  ksTwoSample,
  type PairedCorrectnessResult,
  pairedCorrectness,
  populationStabilityIndex,
  psiLevel,
} from "../compare/index.js";
import type { AnalysisContext, AnalysisLook, StageAnalysis } from "../strategy/types.js";
import type { LabelSource } from "./labels.js";
import type { OutputKind, OutputSpec } from "./outputs.js";
import type { PairMetricSource } from "./pair-metrics.js";
import type { AnswerPair } from "./pairs.js";

/** Threshold functions on outputs, by the kind of output they read. */
export const OUTPUT_FUNCTIONS: Record<OutputKind, readonly string[]> = {
  label: ["agreement", "accuracy_delta", "mcnemar_p"],
  score: ["psi", "ks", "ks_p"],
};

export const ALL_OUTPUT_FUNCTIONS: readonly string[] = [...OUTPUT_FUNCTIONS.label, ...OUTPUT_FUNCTIONS.score];

/** A threshold on one output: `agreement(label) >= 98%`, or `psi < 0.1` when one score output exists. */
export interface OutputThreshold {
  threshold: Threshold;
  output: string;
  fn: string;
}

/**
 * Which output and function a threshold means, or undefined when it is about a metric instead.
 * Throws when it names an output with a function that does not apply to it.
 */
export function outputThresholdOf(t: Threshold, outputs: readonly OutputSpec[]): OutputThreshold | undefined {
  const byName = outputs.find((o) => o.name === t.metric);
  if (byName) {
    if (t.fn === null || !OUTPUT_FUNCTIONS[byName.kind].includes(t.fn)) {
      throw new GateError(
        `threshold "${t.source}": ${byName.name} is a ${byName.kind} output; compare it with ${OUTPUT_FUNCTIONS[byName.kind].map((f) => `${f}(${byName.name})`).join(", ")}`,
      );
    }
    return { threshold: t, output: byName.name, fn: t.fn };
  }
  if (t.fn !== null && ALL_OUTPUT_FUNCTIONS.includes(t.fn)) {
    throw new GateError(`threshold "${t.source}": no shadow output named "${t.metric}"`, {
      hint: outputs.length
        ? `outputs: ${outputs.map((o) => o.name).join(", ")}`
        : "declare the answer's fields under canary.shadow.outputs",
    });
  }
  if (t.fn === null && ALL_OUTPUT_FUNCTIONS.includes(t.metric)) {
    const kind: OutputKind = OUTPUT_FUNCTIONS.label.includes(t.metric) ? "label" : "score";
    const candidates = outputs.filter((o) => o.kind === kind);
    if (candidates.length !== 1) {
      throw new GateError(
        `threshold "${t.source}": ${t.metric} applies to a ${kind} output, and there ${candidates.length === 0 ? "is none" : `are ${candidates.length}`}`,
        {
          hint:
            candidates.length === 0
              ? `declare one under canary.shadow.outputs with kind: ${kind}`
              : `name the output: ${t.metric}(${candidates[0]!.name})`,
        },
      );
    }
    return { threshold: t, output: candidates[0]!.name, fn: t.metric };
  }
  return undefined;
}

/** Everything compared about one output, on the pairs kept so far. */
export interface OutputComparison {
  output: string;
  kind: OutputKind;
  /** Pairs where both answers hold the output. */
  n: number;
  agreement?: AgreementResult;
  psi?: number;
  ks?: KsResult;
  means?: { baseline: number; candidate: number };
  /** Against ground truth, once labels arrived for some of the pairs. */
  truth?: PairedCorrectnessResult;
}

export interface ShadowAnalysisOptions {
  source: PairMetricSource;
  outputs: readonly OutputSpec[];
  thresholds: readonly OutputThreshold[];
  /** Paired answers (both without error) needed before outputs are judged. */
  minPairs: number;
  /** For the agreement and paired intervals (default 0.95). */
  confidence?: number;
  labels?: LabelSource;
  /** Append every pair to this JSON-lines file, for a later look (e.g. when labels arrive). */
  savePairs?: string;
}

/** Pairs kept for the comparison; beyond, a uniform sample of them. */
export const MAX_KEPT_PAIRS = 50_000;
/** Lines written to the save file at most. */
export const MAX_SAVED_PAIRS = 1_000_000;

/**
 * The shadow run's own judgement: the candidate's answers against the baseline's on the same requests.
 * Labels: agreement rate (Wilson interval) and, once ground truth arrives, paired accuracy (exact
 * McNemar). Scores: PSI and the two-sample KS test. Output thresholds are judged at every look once
 * `minPairs` pairs are in; the first that fails stops the run.
 */
export class ShadowAnalysis implements StageAnalysis {
  /** Pairs seen, and those where one side failed. */
  seen = 0;
  failed = { baseline: 0, candidate: 0 };
  saved = 0;
  private failedEither = 0;
  private readonly kept: AnswerPair[] = [];
  private rng = 2463534242;
  private last: OutputComparison[] = [];
  private lastChecks: Check[] = [];
  private saveStarted = false;

  constructor(private readonly options: ShadowAnalysisOptions) {}

  /** The comparison at the last look that had enough pairs. */
  get comparisons(): readonly OutputComparison[] {
    return this.last;
  }

  get checks(): readonly Check[] {
    return this.lastChecks;
  }

  /** Pairs both versions answered without error, counted since the start. */
  get compared(): number {
    return this.seen - this.failedEither;
  }

  async look(ctx: AnalysisContext): Promise<AnalysisLook> {
    const fresh = await this.options.source.takePairs();
    const warnings: string[] = [];
    for (const pair of fresh) this.add(pair);
    if (this.options.savePairs) await this.save(fresh, warnings);
    if (this.options.labels) {
      try {
        await this.options.labels.refresh();
      } catch (e) {
        warnings.push(`ground truth could not be read: ${(e as Error).message}`);
      }
    }
    const n = this.kept.length;
    const need = this.options.minPairs;
    if (this.compared < need) {
      return {
        checks: [],
        short: [`paired answers (${this.compared} of ${need})`],
        warnings,
        summary: `${this.compared} paired answers of ${need} needed`,
      };
    }
    this.last = this.options.outputs.map((o) => this.compare(o));
    const metrics: Record<string, Metric> = {};
    for (const o of this.options.outputs) metrics[o.name] = { value: n, dimension: "count" };
    const thresholds = this.options.thresholds.map(
      (t): Threshold => ({ ...t.threshold, fn: t.fn, metric: t.output }),
    );
    const checks = evaluateThresholds(thresholds, metrics, { functions: this.functions(), missing: "skip" });
    this.lastChecks = checks;
    for (const c of checks) if (c.status === "warn") warnings.push(c.message ?? c.name);
    const failed = checks.find((c) => c.status === "fail");
    const short = ctx.endOfStep
      ? checks.filter((c) => c.status === "skip").map((c) => `${c.name} (${c.message ?? "no data"})`)
      : [];
    const look: AnalysisLook = { checks, short, warnings, summary: this.summary() };
    if (failed) {
      const t = this.options.thresholds.find((x) => x.threshold.source === failed.name)!;
      look.failure = {
        cause: "metric",
        metric: t.output,
        rule: `threshold ${failed.name}`,
        message: `${failed.message ?? failed.name} on ${this.compared} paired answers (the same requests answered by both)`,
      };
    }
    return look;
  }

  private add(pair: AnswerPair): void {
    this.seen++;
    if (pair.baseline.error) this.failed.baseline++;
    if (pair.candidate.error) this.failed.candidate++;
    if (pair.baseline.error || pair.candidate.error) {
      this.failedEither++;
      return;
    }
    const answered = this.seen - this.failedEither;
    if (this.kept.length < MAX_KEPT_PAIRS) {
      this.kept.push(pair);
      return;
    }
    const j = Math.floor(this.random() * answered);
    if (j < MAX_KEPT_PAIRS) this.kept[j] = pair;
  }

  private random(): number {
    let s = this.rng;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.rng = s >>> 0;
    return this.rng / 4294967296;
  }

  private compare(o: OutputSpec): OutputComparison {
    const confidence = this.options.confidence ?? 0.95;
    if (o.kind === "label") {
      const pairs: [string, string][] = [];
      const truthRows: { baselineCorrect: boolean; candidateCorrect: boolean }[] = [];
      for (const p of this.kept) {
        const b = p.baseline.outputs[o.name];
        const c = p.candidate.outputs[o.name];
        if (typeof b !== "string" || typeof c !== "string") continue;
        pairs.push([b, c]);
        const truth = this.options.labels?.get(p.id);
        if (truth !== undefined)
          truthRows.push({ baselineCorrect: b === truth, candidateCorrect: c === truth });
      }
      return {
        output: o.name,
        kind: o.kind,
        n: pairs.length,
        ...(pairs.length > 0 ? { agreement: agreementRate(pairs, confidence) } : {}),
        ...(truthRows.length > 0 ? { truth: pairedCorrectness(truthRows, confidence) } : {}),
      };
    }
    const baseline: number[] = [];
    const candidate: number[] = [];
    for (const p of this.kept) {
      const b = p.baseline.outputs[o.name];
      const c = p.candidate.outputs[o.name];
      if (typeof b !== "number" || typeof c !== "number") continue;
      baseline.push(b);
      candidate.push(c);
    }
    if (baseline.length === 0) return { output: o.name, kind: o.kind, n: 0 };
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    return {
      output: o.name,
      kind: o.kind,
      n: baseline.length,
      psi: populationStabilityIndex(baseline, candidate).psi,
      ks: ksTwoSample(candidate, baseline),
      means: { baseline: mean(baseline), candidate: mean(candidate) },
    };
  }

  /** agreement(), psi() … computed from the comparison of the output they name. */
  private functions(): Record<string, ThresholdFunction> {
    const of = (name: string) => this.last.find((c) => c.output === name);
    const none = (name: string, what: string) => ({ missing: `no ${what} for ${name} yet` });
    return {
      agreement: (_m, name) => {
        const a = of(name)?.agreement;
        return a ? { value: a.rate, dimension: "ratio" } : none(name, "paired labels");
      },
      accuracy_delta: (_m, name) => {
        const t = of(name)?.truth;
        return t ? { value: t.delta, dimension: "ratio" } : none(name, "ground truth");
      },
      mcnemar_p: (_m, name) => {
        const t = of(name)?.truth;
        return t ? { value: t.pValue, dimension: "none" } : none(name, "ground truth");
      },
      psi: (_m, name) => {
        const c = of(name);
        return c?.psi !== undefined ? { value: c.psi, dimension: "none" } : none(name, "paired scores");
      },
      ks: (_m, name) => {
        const k = of(name)?.ks;
        return k ? { value: k.statistic, dimension: "none" } : none(name, "paired scores");
      },
      ks_p: (_m, name) => {
        const k = of(name)?.ks;
        return k ? { value: k.pValue, dimension: "none" } : none(name, "paired scores");
      },
    };
  }

  /** `label agreement 99.2%, score PSI 0.012 (stable)` for the log. */
  summary(): string {
    const parts = this.last.map((c) => describeComparison(c));
    return `${this.compared} paired answers: ${parts.join("; ")}`;
  }

  private async save(pairs: readonly AnswerPair[], warnings: string[]): Promise<void> {
    const file = this.options.savePairs!;
    const room = MAX_SAVED_PAIRS - this.saved;
    if (room <= 0) return;
    const lines = pairs.slice(0, room).map((p) => JSON.stringify(p));
    try {
      if (!this.saveStarted) {
        await writeFile(file, "");
        this.saveStarted = true;
      }
      if (lines.length > 0) await appendFile(file, `${lines.join("\n")}\n`);
      this.saved += lines.length;
      if (this.saved >= MAX_SAVED_PAIRS)
        warnings.push(`${file} holds ${MAX_SAVED_PAIRS} pairs; no more are saved`);
    } catch (e) {
      warnings.push(`cannot save pairs to ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
}

const pct = (x: number) => formatValue(x, "ratio");

/** One output's comparison in a line: `label: agreement 99.2% [98.7%, 99.6%] on 812 pairs`. */
export function describeComparison(c: OutputComparison): string {
  if (c.kind === "label") {
    if (!c.agreement) return `${c.output}: no paired labels`;
    const a = c.agreement;
    const swap = a.confusion[0]
      ? `, most often ${a.confusion[0].baseline} → ${a.confusion[0].candidate} (${a.confusion[0].count})`
      : "";
    const truth = c.truth
      ? `; against ground truth (${c.truth.n}): accuracy ${pct(c.truth.candidateAccuracy)} vs ${pct(c.truth.baselineAccuracy)}, ${c.truth.delta >= 0 ? "+" : ""}${formatNumber(c.truth.delta * 100, 2)} points [${formatNumber(c.truth.low * 100, 2)}, ${formatNumber(c.truth.high * 100, 2)}], McNemar p = ${formatNumber(c.truth.pValue, 3)}`
      : "";
    return `${c.output}: agreement ${pct(a.rate)} [${pct(a.low)}, ${pct(a.high)}] on ${a.n} pairs${swap}${truth}`;
  }
  if (c.psi === undefined || !c.ks) return `${c.output}: no paired scores`;
  const means = c.means
    ? `, mean ${formatNumber(c.means.candidate, 4)} vs ${formatNumber(c.means.baseline, 4)}`
    : "";
  return `${c.output}: PSI ${formatNumber(c.psi, 3)} (${psiLevel(c.psi)}), KS distance ${formatNumber(c.ks.statistic, 3)} (p = ${formatNumber(c.ks.pValue, 3)}) on ${c.n} pairs${means}`;
}
