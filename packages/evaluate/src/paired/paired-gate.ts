import {
  type Chart,
  type Check,
  closestMatches,
  didYouMean,
  type Finding,
  formatBound,
  formatNumber,
  formatSliceName,
  GateError,
  type Metric,
  makeReport,
  parseThresholds,
  type Report,
  type Threshold,
  worstVerdict,
} from "@mlgate/core";
import { evalSetFingerprint } from "../baseline/fingerprint.js";
import { type GateExtras, NO_EXTRAS, noBaselineCheck } from "../extras.js";
import { type ColumnMap, type ItemTable, pairItems, readItems } from "../items/index.js";
import { type EvalData, type MetricName, metricsFor } from "../metrics/index.js";
import { EVAL_GATE } from "../metrics-gate.js";
import { minimumDetectableEffect, requiredSampleSize } from "../stats/index.js";
import { encodePaired, subset } from "./data.js";
import { type Decision, decideAll, type Judgement } from "./decide.js";
import { type Estimate, estimate, type Quantity } from "./estimate.js";
import {
  changesTable,
  type ItemChange,
  type ItemChanges,
  itemChanges,
  writeItemChanges,
} from "./item-changes.js";
import { judgeMustPass } from "./must-pass.js";
import { prepared } from "./prepared.js";
import { groupSlices, selectSlices } from "./slices.js";

export interface PairedGateInput {
  /** Per-item results of the candidate (JSONL, CSV, or a per-item file of another tool). */
  candidate: string;
  /** Per-item results of the baseline on the same items, joined on `id`. */
  baseline?: string;
  gates: readonly string[];
  columns?: Partial<ColumnMap>;
  kind?: ItemTable["kind"];
  /** Two-sided confidence of every interval (default 0.95: each bound errs with 2.5%). */
  confidence?: number;
  /** Paired bootstrap resamples for metrics without an exact interval (default 2000). */
  resamples?: number;
  seed?: number;
  /** Slices with fewer paired items are not judged (default 30). */
  minItems?: number;
  /** What an undecided comparison does to the verdict (default warn). */
  inconclusive?: "warn" | "fail";
  /** Ids of a regression set: each one the candidate newly gets wrong fails the gate. */
  mustPass?: readonly string[];
  /** Write every item whose outcome flipped (newly failing, newly passing) to this JSON Lines file. */
  itemChanges?: string;
  /** Comparisons without baseline results: an error (default), or skipped (while a first baseline is saved). */
  missingBaseline?: "error" | "skip";
}

export interface PairedOptions {
  confidence: number;
  resamples: number;
  seed: number;
  minItems: number;
  inconclusive: "warn" | "fail";
}

export const PAIRED_DEFAULTS: Readonly<PairedOptions> = {
  confidence: 0.95,
  resamples: 2000,
  seed: 1,
  minItems: 30,
  inconclusive: "warn",
};

/** A test with the data it was judged on and what came out. */
interface Estimated {
  test: Test;
  candidate: EvalData;
  baseline?: EvalData;
  estimate: Estimate;
}

/** One threshold applied to one scope (the whole set, or one slice). */
interface Test {
  threshold: Threshold;
  name: string;
  slice?: string;
  metric: MetricName;
  quantity: Quantity;
  indices?: Uint32Array;
}

const QUANTITY: Record<string, Quantity> = { delta: "delta", ratio: "ratio" };

const PROBABILITY =
  "needs the positive-class probability of a binary classifier (a `probability` column, or map one with --column probability=NAME)";
/** Why a known metric does not apply to these results. */
const NEEDS: Partial<Record<string, string>> = {
  roc_auc: PROBABILITY,
  pr_auc: PROBABILITY,
  log_loss: `${PROBABILITY}, with values in [0, 1]`,
  brier: `${PROBABILITY}, with values in [0, 1]`,
  ece: `${PROBABILITY}, with values in [0, 1]`,
  rmse: "needs regression results (numeric label and prediction)",
  mae: "needs regression results (numeric label and prediction)",
  r2: "needs regression results (numeric label and prediction)",
  pass_rate: "needs a per-item 0/1 score column",
  mean_score: "needs a per-item score column",
};

/**
 * Judge per-item results of a candidate against a baseline, per metric and per slice, with intervals.
 * `extras` (behavioural tests, baseline checks, notes) join the report before the verdict is taken.
 */
export async function runPairedGate(input: PairedGateInput, extras: GateExtras = NO_EXTRAS): Promise<Report> {
  const started = Date.now();
  const options: PairedOptions = { ...PAIRED_DEFAULTS, ...definedOnly(input) };
  const skipComparisons = input.missingBaseline === "skip" && input.baseline === undefined;
  if (input.gates.length === 0 && !input.mustPass?.length && extras.checks.length === 0 && !skipComparisons) {
    throw new GateError("no gates to check", {
      hint: "add `gates:` under `eval-gate:` in mlgate.yml, or pass --gate 'delta(accuracy) >= -0.01'",
    });
  }
  const parsed = parseThresholds(input.gates);
  const thresholds = skipComparisons ? parsed.filter((t) => t.fn === null) : parsed;
  const unjudged = skipComparisons
    ? parsed.filter((t) => t.fn !== null).map((t) => noBaselineCheck(t.source))
    : [];
  const readOptions = {
    ...(input.columns ? { columns: input.columns } : {}),
    ...(input.kind ? { kind: input.kind } : {}),
  };
  const candidateTable = await readItems(input.candidate, readOptions);
  const baselineTable = input.baseline ? await readItems(input.baseline, readOptions) : undefined;
  if (baselineTable && baselineTable.kind !== candidateTable.kind) {
    throw new GateError(
      `the candidate's results are ${candidateTable.kind} but the baseline's are ${baselineTable.kind}`,
      { hint: "both files must hold the same kind of results; set `kind` to say which" },
    );
  }

  const findings: Finding[] = [];
  const paired = baselineTable ? pairItems(candidateTable, baselineTable) : undefined;
  const records = paired?.candidate ?? candidateTable.records;
  const sliceColumns = paired?.sliceColumns ?? candidateTable.sliceColumns;
  if (paired) findings.push(...mismatchFindings(paired.onlyInCandidate, paired.onlyInBaseline, input));
  // What the readers noticed (empty slice values, labels that differ between the two files, ...).
  const readerNotes = [
    ...candidateTable.warnings.map((message) => ({ message, file: input.candidate })),
    ...(baselineTable?.warnings ?? []).map((message) => ({ message, file: input.baseline ?? "" })),
    ...(paired?.warnings ?? [])
      .filter((message) => !/ only in the (candidate|baseline) /.test(message))
      .map((message) => ({ message, file: input.candidate })),
  ];
  for (const note of readerNotes)
    findings.push({ rule: "items.notice", level: "warn", message: note.message, file: note.file });
  if (records.length === 0)
    throw new GateError("no item is in both the candidate's and the baseline's results");

  const data = encodePaired(candidateTable.kind, records, paired?.baseline, {
    candidate: input.candidate,
    ...(input.baseline ? { baseline: input.baseline } : {}),
  });
  const available = metricsFor(data.candidate);
  const groups = thresholds.some((t) => t.slice !== undefined) ? groupSlices(records, sliceColumns) : [];
  const tests = thresholds.flatMap((t) =>
    expand(t, available, groups, sliceColumns, data.baseline !== undefined),
  );

  // Estimate every test; slices under the minimum are reported, not judged.
  const estimated: Estimated[] = [];
  const skipped: { test: Test; n: number }[] = [];
  const sliceData = new Map<Uint32Array, { candidate: EvalData; baseline?: EvalData }>();
  for (const test of tests) {
    const n = test.indices?.length ?? data.n;
    if (test.slice !== undefined && n < options.minItems) {
      skipped.push({ test, n });
      continue;
    }
    let scoped = test.indices
      ? sliceData.get(test.indices)
      : { candidate: data.candidate, ...(data.baseline ? { baseline: data.baseline } : {}) };
    if (!scoped && test.indices) {
      const indices = test.indices;
      scoped = {
        candidate: subset(data.candidate, indices),
        ...(data.baseline ? { baseline: subset(data.baseline, indices) } : {}),
      };
      sliceData.set(indices, scoped);
    }
    if (!scoped) continue;
    estimated.push({ test, ...scoped, estimate: estimateOrExplain(test, scoped, n, options) });
  }
  const judgements = decideAll(
    estimated.map(({ test, estimate }) => ({ threshold: test.threshold, estimate })),
    options.confidence,
  );

  const comparisons = estimated.filter((e) => e.test.quantity !== "value").length;
  const checks: Check[] = [];
  const decisions: Decision[] = [];
  estimated.forEach(({ test, estimate: e }, i) => {
    const j = judgements[i];
    if (!j) return;
    decisions.push(j.decision);
    checks.push(toCheck(test, e, j, comparisons, options));
  });
  let mustPassFailing: ItemChange[] = [];
  if (input.mustPass?.length) {
    const judged = judgeMustPass(input.mustPass, records, data.candidate, data.baseline, paired?.baseline);
    checks.push(judged.check);
    findings.push(...judged.findings);
    mustPassFailing = judged.failing;
  }
  for (const { test, n } of skipped) {
    checks.push({
      name: test.name,
      status: "skip",
      message: `only ${n} paired items in slice ${test.slice} (minimum ${options.minItems}): not judged`,
    });
  }
  checks.push(...unjudged);

  const evalSetSha256 = evalSetFingerprint(candidateTable.records);
  const late = extras.late?.({ evalSetSha256 }) ?? { checks: [], notes: [] };
  checks.push(...extras.checks, ...late.checks);
  findings.push(...extras.findings);

  const changes =
    data.baseline && paired
      ? itemChanges(records, paired.baseline, data.candidate, data.baseline, new Set(input.mustPass ?? []))
      : undefined;
  if (changes && input.itemChanges) await writeItemChanges(input.itemChanges, changes);
  const shown = describeChanges(changes, mustPassFailing, input.itemChanges !== undefined);

  const verdict = worstVerdict(
    ...checks.map((c) => (c.status === "fail" ? "fail" : c.status === "warn" ? "warn" : "pass")),
    ...findings.map((f) => (f.level === "fail" ? "fail" : f.level === "warn" ? "warn" : "pass")),
  );
  const confidencePct = `${formatNumber(options.confidence * 100)}%`;
  return makeReport({
    gate: EVAL_GATE,
    verdict,
    headline: headline(checks, decisions, data.n, data.baseline !== undefined, confidencePct),
    checks,
    findings,
    metrics: { ...metricTable(data, available, estimated), ...extras.metrics },
    charts: deltaChart(estimated),
    outputs: {
      "failed-checks": String(checks.filter((c) => c.status === "fail").length),
      "inconclusive-checks": String(decisions.filter((d) => d === "inconclusive").length),
      items: String(data.n),
      "eval-set-sha256": evalSetSha256,
      ...(changes
        ? {
            "newly-failing": String(changes.newlyFailing.length),
            "newly-passing": String(changes.newlyPassing.length),
          }
        : {}),
    },
    notes: [
      `${data.n} ${data.baseline ? "paired " : ""}items, ${candidateTable.kind} results. Intervals are two-sided ${confidencePct}; comparisons pass when the whole interval clears the limit and fail when the evidence against survives Holm's correction across ${estimated.filter((e) => e.test.quantity !== "value").length} comparison(s). Bootstrap seed ${options.seed}, ${options.resamples} resamples.`,
      ...(shown.note ? [shown.note] : []),
      ...extras.notes,
      ...late.notes,
    ],
    links: [...extras.links],
    ...(shown.table ? { details: shown.table } : {}),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  });
}

/** The metric code guards its inputs with RangeErrors; say which check met them, as bad input. */
function estimateOrExplain(
  test: Test,
  scoped: { candidate: EvalData; baseline?: EvalData },
  n: number,
  options: PairedOptions,
): Estimate {
  try {
    return estimate(test.metric, test.quantity, scoped.candidate, scoped.baseline, n, options);
  } catch (e) {
    if (e instanceof RangeError) throw new GateError(`"${test.name}": ${e.message}`, { cause: e });
    throw e;
  }
}

/**
 * The table of failing items for the report's preformatted block (items the baseline got right and
 * the candidate gets wrong; without a baseline, the failing must-pass examples), and a note with the
 * counts when there is nothing to tabulate.
 */
function describeChanges(
  changes: ItemChanges | undefined,
  mustPassFailing: readonly ItemChange[],
  written: boolean,
): { table?: string; note?: string } {
  const more = written
    ? "in the item-changes file"
    : "(list them all with --item-changes FILE, action input item-changes)";
  if (!changes) {
    if (mustPassFailing.length === 0) return {};
    return {
      table: changesTable(`Failing must-pass examples: ${mustPassFailing.length}`, mustPassFailing, more),
    };
  }
  const { newlyFailing, newlyPassing } = changes;
  const passing = `${newlyPassing.length} item(s) the baseline got wrong the candidate gets right`;
  if (newlyFailing.length === 0) return { note: `No item the baseline got right fails now; ${passing}.` };
  return {
    table: changesTable(
      `Newly failing: ${newlyFailing.length} item(s) the baseline got right the candidate gets wrong; newly passing: ${newlyPassing.length}.`,
      newlyFailing,
      more,
    ),
  };
}

function definedOnly(input: PairedGateInput): Partial<PairedOptions> {
  const picked: Partial<PairedOptions> = {};
  if (input.confidence !== undefined) picked.confidence = input.confidence;
  if (input.resamples !== undefined) picked.resamples = input.resamples;
  if (input.seed !== undefined) picked.seed = input.seed;
  if (input.minItems !== undefined) picked.minItems = input.minItems;
  if (input.inconclusive !== undefined) picked.inconclusive = input.inconclusive;
  return picked;
}

function expand(
  t: Threshold,
  available: readonly MetricName[],
  groups: ReturnType<typeof groupSlices>,
  sliceColumns: readonly string[],
  hasBaseline: boolean,
): Test[] {
  if (!(available as readonly string[]).includes(t.metric)) {
    const needs = NEEDS[t.metric];
    if (needs)
      throw new GateError(`"${t.source}": ${t.metric} ${needs}`, {
        hint: `metrics available here: ${available.join(", ")}`,
      });
    const hint = didYouMean(closestMatches(t.metric, available));
    throw new GateError(
      `"${t.source}": no metric "${t.metric}" for these results${hint ? `; ${hint}` : ""}`,
      {
        hint: `metrics available here: ${available.join(", ")}`,
      },
    );
  }
  const quantity = t.fn === null ? "value" : QUANTITY[t.fn];
  if (quantity === undefined)
    throw new GateError(`"${t.source}": ${t.fn}() is not available for per-item results`);
  if (quantity !== "value" && !hasBaseline) {
    throw new GateError(`"${t.source}" compares against the baseline, but no baseline results were given`, {
      hint: "pass --baseline FILE (action input `baseline`) with the baseline's per-item results",
    });
  }
  const metric = t.metric as MetricName;
  if (t.slice === undefined) return [{ threshold: t, name: t.source, metric, quantity }];
  return selectSlices(t.slice, groups, sliceColumns).map((g) => ({
    threshold: t,
    name:
      t.slice === "*"
        ? t.source.replace(/slice\s*\(\s*\*\s*\)/, `slice(${formatSliceName(g.name)})`)
        : t.source,
    slice: g.name,
    metric,
    quantity,
    indices: g.indices,
  }));
}

const fmt = (x: number) => (Number.isFinite(x) ? formatNumber(x, 3) : String(x));
const signed = (x: number) => (x > 0 ? `+${fmt(x)}` : fmt(x));

function subjectOf(test: Test): string {
  return test.quantity === "value" ? test.metric : `${test.quantity}(${test.metric})`;
}

function toCheck(
  test: Test,
  e: Estimate,
  judgement: Judgement,
  comparisons: number,
  options: PairedOptions,
): Check {
  const { decision, adjustedP, pWorse } = judgement;
  const show = test.quantity === "delta" ? signed : fmt;
  const actual = `${show(e.estimate)} [${show(e.low)}, ${show(e.high)}]`;
  const expected = formatBound(test.threshold);
  const where = test.slice === undefined ? "" : ` in slice ${test.slice}`;
  const base = `${subjectOf(test)}${where} = ${actual}, n = ${e.n}, ${e.method}${exactEvidence(judgement, e)}`;
  let message: string;
  if (decision === "pass") {
    message = `${base}; the interval clears ${expected}`;
  } else if (decision === "fail") {
    message =
      test.quantity === "value"
        ? `${base}; the estimate misses ${expected}`
        : `${base}; on the wrong side of ${expected} (Holm-adjusted p = ${fmt(adjustedP)})`;
  } else if (!straddles(test.threshold, e)) {
    // Each interval is per comparison; the decision to fail is taken across all of them.
    message = `${base}; the interval misses ${expected}, but with ${comparisons} comparisons the evidence (p = ${fmt(pWorse)}) does not survive Holm's correction (adjusted p = ${fmt(adjustedP)}): ${planning(e, test.threshold.value, options)}`;
  } else {
    message = `${base}; the interval straddles ${expected}: ${planning(e, test.threshold.value, options)}`;
  }
  const status =
    decision === "pass"
      ? "pass"
      : decision === "fail"
        ? test.threshold.level === "warn"
          ? "warn"
          : "fail"
        : options.inconclusive === "fail" && test.threshold.level === "fail"
          ? "fail"
          : "warn";
  return {
    name: test.name,
    status,
    actual,
    expected,
    message: decision === "inconclusive" ? `inconclusive: ${message}` : message,
  };
}

/** At a zero margin a paired 0/1 comparison is decided by the exact McNemar test: say so, with its counts. */
function exactEvidence(judgement: Judgement, e: Estimate): string {
  if (judgement.test !== "exact McNemar" || !e.discordant) return "";
  const { onlyBaseline, onlyCandidate } = e.discordant;
  return `; zero margin, so the p-value is the exact McNemar test on the ${onlyBaseline + onlyCandidate} discordant items (${onlyBaseline} only the baseline got right, ${onlyCandidate} only the candidate): one-sided p = ${fmt(judgement.pWorse)}`;
}

/** Whether the limit lies inside the interval. */
function straddles(t: Threshold, e: Estimate): boolean {
  return e.low <= t.value && t.value <= e.high;
}

/** What this many items can detect, and how many would decide. */
function planning(e: Estimate, limit: number, options: { confidence: number }): string {
  const plan = { alpha: (1 - options.confidence) / 2, power: 0.8, sided: "one" as const };
  const mde = minimumDetectableEffect(e.standardError, plan);
  const gap = Math.abs(e.estimate - limit);
  const needed = gap > 0 ? requiredSampleSize(e.n, e.standardError, gap, plan) : Number.POSITIVE_INFINITY;
  const decide = Number.isFinite(needed)
    ? `about ${Math.ceil(needed).toLocaleString("en-US")} items would decide at 80% power`
    : "no number of items decides while the estimate sits on the limit";
  return `at n = ${e.n} the smallest detectable difference is ${fmt(mde)}; ${decide}`;
}

function headline(
  checks: readonly Check[],
  decisions: readonly Decision[],
  n: number,
  paired: boolean,
  confidence: string,
): string {
  const failed = checks.filter((c) => c.status === "fail");
  const undecided = decisions.filter((d) => d === "inconclusive").length;
  const list = (cs: readonly Check[]) =>
    cs
      .slice(0, 3)
      .map((c) => `${c.name} (${c.actual ?? c.message ?? ""})`)
      .join("; ") + (cs.length > 3 ? `; and ${cs.length - 3} more` : "");
  if (failed.length > 0) return `${failed.length} of ${checks.length} checks failed: ${list(failed)}`;
  const warned = checks.filter((c) => c.status === "warn");
  if (undecided > 0) {
    return `inconclusive: ${undecided} comparison(s) cannot be told apart from their limit with ${n} items: ${list(warned)}`;
  }
  if (warned.length > 0) return `all must-pass checks passed; ${warned.length} warning(s): ${list(warned)}`;
  const vs = paired ? ` against the baseline (${n} paired items, ${confidence} intervals)` : ` (${n} items)`;
  // Checks not judged (small slices, comparisons without a baseline) are not counted as passed.
  const judged = checks.filter((c) => c.status !== "skip").length;
  const unjudged = checks.length - judged;
  if (judged === 0) return `no check could be judged${vs}`;
  if (unjudged === 0) return judged === 1 ? `the only check passed${vs}` : `all ${judged} checks passed${vs}`;
  return `${judged === 1 ? "1 check passed" : `all ${judged} judged checks passed`}${vs}; ${unjudged} not judged`;
}

function mismatchFindings(
  onlyCandidate: readonly string[],
  onlyBaseline: readonly string[],
  input: PairedGateInput,
): Finding[] {
  const sample = (ids: readonly string[]) =>
    ids
      .slice(0, 5)
      .map((id) => JSON.stringify(id))
      .join(", ") + (ids.length > 5 ? ", …" : "");
  const out: Finding[] = [];
  if (onlyCandidate.length > 0) {
    out.push({
      rule: "items.unpaired",
      level: "warn",
      message: `${onlyCandidate.length} item(s) only in the candidate's results, left out of every comparison: ${sample(onlyCandidate)}`,
      file: input.candidate,
    });
  }
  if (onlyBaseline.length > 0) {
    out.push({
      rule: "items.unpaired",
      level: "warn",
      message: `${onlyBaseline.length} item(s) only in the baseline's results, left out of every comparison: ${sample(onlyBaseline)}`,
      ...(input.baseline ? { file: input.baseline } : {}),
    });
  }
  return out;
}

/** Every applicable metric on the whole set, with the baseline's value and the gated intervals. */
function metricTable(
  data: ReturnType<typeof encodePaired>,
  available: readonly MetricName[],
  estimated: readonly Estimated[],
): Record<string, Metric> {
  const out = Object.create(null) as Record<string, Metric>;
  for (const name of available) {
    const value = prepared(data.candidate, name).compute();
    const base = data.baseline ? prepared(data.baseline, name).compute() : undefined;
    out[name] = base === undefined ? { value } : { value, baseline: base };
  }
  for (const { test, estimate: e, candidate, baseline } of estimated) {
    if (test.quantity !== "delta") continue;
    const key = test.slice === undefined ? test.metric : `${test.metric} [${test.slice}]`;
    const value = prepared(candidate, test.metric).compute();
    const base = baseline ? prepared(baseline, test.metric).compute() : undefined;
    out[key] = {
      value,
      ...(base === undefined ? {} : { baseline: base }),
      interval: [e.low, e.high],
      intervalOf: "delta",
    };
  }
  return out;
}

/** Differences from the baseline with their intervals and limits, one bar per comparison. */
function deltaChart(estimated: readonly Estimated[]): Chart[] {
  const deltas = estimated.filter((e) => e.test.quantity === "delta").slice(0, 30);
  if (deltas.length === 0) return [];
  return [
    {
      kind: "line",
      title: "Candidate minus baseline, with intervals and limits",
      x: deltas.map(({ test }) => (test.slice === undefined ? test.metric : `${test.slice}: ${test.metric}`)),
      series: [
        { name: "interval low", values: deltas.map((d) => d.estimate.low) },
        { name: "estimate", values: deltas.map((d) => d.estimate.estimate) },
        { name: "interval high", values: deltas.map((d) => d.estimate.high) },
        { name: "limit", values: deltas.map((d) => d.test.threshold.value) },
      ],
    },
  ];
}
