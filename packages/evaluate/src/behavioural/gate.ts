import {
  type Check,
  closestMatches,
  didYouMean,
  evaluateThreshold,
  type Finding,
  formatThreshold,
  GateError,
  type Metric,
  parseThreshold,
  type Threshold,
} from "@mlgate/core";
import { judgeSuite } from "./outcomes.js";
import { readBehavioural } from "./read.js";
import { TEST_TYPES, type TestOutcome, type TestType } from "./types.js";

export interface BehaviouralInput {
  /** The candidate's behavioural test results. */
  results: string;
  /** The baseline's, to compare with and to tell newly failing tests apart. */
  baseline?: string;
  /** The threshold of every test no gate names, by type, on `failure_rate` or `failures`. */
  defaults?: Partial<Record<TestType, string>>;
  /** How far a `dir` score may move against its expected direction and still pass (default 0). */
  tolerance?: number;
}

/** Every test must hold by default: no failing minimum-functionality item, few flipped perturbations. */
export const DEFAULT_BEHAVIOURAL_GATES: Readonly<Record<TestType, string>> = {
  mft: "failures == 0",
  inv: "failure_rate <= 5%",
  dir: "failure_rate <= 5%",
};

/** Gates on behavioural tests name their metrics `mft.<test>.failure_rate`, `inv.<test>.failures`, .... */
export function isBehaviouralGate(t: Pick<Threshold, "metric">): boolean {
  return /^(mft|inv|dir)\./.test(t.metric);
}

/** The per-test quantities a gate can hold. */
const QUANTITIES = ["failure_rate", "failures", "total"] as const;

export interface BehaviouralJudgement {
  checks: Check[];
  metrics: Record<string, Metric>;
  findings: Finding[];
  notes: string[];
  /** Tests that held for the baseline and fail now. */
  newlyFailing: string[];
}

const EXAMPLES = 3;

/**
 * Judge behavioural tests: each test becomes one check per gate naming it, or one check with its
 * type's default threshold, showing the failure count and rate and a few failing examples. With the
 * baseline's results, a test that held for the baseline and fails now says so, and `delta()` gates
 * compare the two.
 */
export async function judgeBehavioural(
  input: BehaviouralInput,
  gates: readonly Threshold[],
): Promise<BehaviouralJudgement> {
  const tolerance = input.tolerance ?? 0;
  const candidate = judgeSuite(await readBehavioural(input.results), tolerance);
  const baseline = input.baseline ? judgeSuite(await readBehavioural(input.baseline), tolerance) : undefined;
  const metrics = metricsOf(candidate, baseline);
  const names = Object.keys(metrics);

  for (const t of gates) {
    if (!Object.hasOwn(metrics, t.metric)) {
      const guess = didYouMean(closestMatches(t.metric, names));
      throw new GateError(
        `"${t.source}": no behavioural test metric "${t.metric}"${guess ? `; ${guess}` : ""}`,
        {
          hint: `tests are named <type>.<test>.<failure_rate|failures|total>, e.g. ${names.slice(0, 3).join(", ")}`,
        },
      );
    }
    if (t.slice !== undefined) throw new GateError(`"${t.source}": behavioural tests have no slices`);
  }

  const defaults = { ...DEFAULT_BEHAVIOURAL_GATES, ...input.defaults };
  const thresholds: { t: Threshold; outcome: TestOutcome }[] = [];
  for (const outcome of candidate.values()) {
    const named = gates.filter((t) => t.metric.startsWith(`${outcome.key}.`));
    const own = named.length > 0 ? named : [defaultThreshold(defaults[outcome.type], outcome)];
    for (const t of own) thresholds.push({ t, outcome });
  }

  const newlyFailing: string[] = [];
  const checks = thresholds.map(({ t, outcome }) => {
    const check = evaluateThreshold(t, metrics, { missing: "skip" });
    const before = baseline?.get(outcome.test);
    const heldBefore =
      before !== undefined && t.fn === null && check.status !== "pass" && check.status !== "skip"
        ? evaluateThreshold(t, baselineValues(metrics), { missing: "skip" }).status === "pass"
        : false;
    if (heldBefore) newlyFailing.push(outcome.test);
    return decorate(check, outcome, before, heldBefore);
  });

  const findings: Finding[] = [];
  for (const [test, outcome] of baseline ?? []) {
    if (!candidate.has(test)) {
      findings.push({
        rule: "behavioural.missing",
        level: "warn",
        message: `behavioural test "${test}" (${outcome.type}) ran for the baseline but not for the candidate`,
        file: input.results,
      });
    }
  }
  return {
    checks,
    metrics: rateMetrics(metrics),
    findings,
    notes: [summary(candidate, checks, newlyFailing)],
    newlyFailing,
  };
}

function defaultThreshold(text: string, outcome: TestOutcome): Threshold {
  let t: Threshold;
  try {
    t = parseThreshold(text);
  } catch (e) {
    throw new GateError(
      `the default gate of ${outcome.type} tests, "${text}", is not a threshold: ${(e as Error).message}`,
    );
  }
  if (!(QUANTITIES as readonly string[]).includes(t.metric) || t.slice !== undefined) {
    throw new GateError(
      `the default gate of ${outcome.type} tests, "${text}", must hold failure_rate, failures or total`,
      {
        hint: 'e.g. "failure_rate <= 5%", "failures == 0" or "delta(failure_rate) <= 0"',
      },
    );
  }
  const scoped = { ...t, metric: `${outcome.key}.${t.metric}` };
  return { ...scoped, source: formatThreshold(scoped) };
}

function metricsOf(
  candidate: Map<string, TestOutcome>,
  baseline: Map<string, TestOutcome> | undefined,
): Record<string, Metric> {
  const out = Object.create(null) as Record<string, Metric>;
  for (const c of candidate.values()) {
    const b = baseline?.get(c.test);
    const same = b !== undefined && b.type === c.type ? b : undefined;
    const add = (
      name: string,
      value: number,
      base: number | undefined,
      dimension: Metric["dimension"],
      description: string,
    ) => {
      out[`${c.key}.${name}`] = {
        value,
        dimension,
        description,
        ...(base === undefined ? {} : { baseline: base }),
      };
    };
    const rate = (o: TestOutcome) => (o.units === 0 ? 0 : o.failed.length / o.units);
    const noun = c.type === "mft" ? "items" : "cases";
    add(
      "failure_rate",
      rate(c),
      same && rate(same),
      "ratio",
      `share of ${noun} failing ${c.type} test "${c.test}"`,
    );
    add(
      "failures",
      c.failed.length,
      same?.failed.length,
      "count",
      `${noun} failing ${c.type} test "${c.test}"`,
    );
    add("total", c.units, same?.units, "count", `${noun} of ${c.type} test "${c.test}"`);
  }
  return out;
}

/** The same metrics with the baseline's values in place of the candidate's. */
function baselineValues(metrics: Record<string, Metric>): Record<string, Metric> {
  const out = Object.create(null) as Record<string, Metric>;
  for (const [name, m] of Object.entries(metrics)) {
    if (m.baseline !== undefined) out[name] = { ...m, value: m.baseline };
  }
  return out;
}

/** Only the failure rates go into the report's metric table; counts are in each check. */
function rateMetrics(metrics: Record<string, Metric>): Record<string, Metric> {
  return Object.fromEntries(Object.entries(metrics).filter(([name]) => name.endsWith(".failure_rate")));
}

function decorate(
  check: Check,
  outcome: TestOutcome,
  before: TestOutcome | undefined,
  heldBefore: boolean,
): Check {
  const noun = outcome.type === "mft" ? "items" : "cases";
  const counts = `${outcome.failed.length} of ${outcome.units} ${noun} failed`;
  const actual =
    check.actual === undefined ? counts : `${check.actual} (${outcome.failed.length}/${outcome.units})`;
  if (check.status === "pass" || check.status === "skip") return { ...check, actual };
  // Units that held for the baseline come first among the examples: they are what changed.
  const failedBefore = new Set(before?.failed);
  const held = (u: string) => before?.unitKeys.has(u) === true && !failedBefore.has(u);
  const ordered = [...outcome.failed.filter(held), ...outcome.failed.filter((u) => !held(u))];
  const examples = ordered
    .slice(0, EXAMPLES)
    .map((u) => `${outcome.reasons.get(u) ?? u}${held(u) ? " (held for the baseline)" : ""}`);
  const more = outcome.failed.length > EXAMPLES ? `; and ${outcome.failed.length - EXAMPLES} more` : "";
  const prefix = heldBefore ? "newly failing, it held for the baseline: " : "";
  return {
    ...check,
    actual,
    message: `${prefix}${check.message ?? counts}; ${counts}, e.g. ${examples.join("; ")}${more}`,
  };
}

function summary(
  candidate: Map<string, TestOutcome>,
  checks: readonly Check[],
  newlyFailing: readonly string[],
): string {
  const byType = TEST_TYPES.map(
    (type) => [type, [...candidate.values()].filter((o) => o.type === type).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([type, n]) => `${n} ${type}`);
  const failing = checks.filter((c) => c.status === "fail" || c.status === "warn").length;
  const fresh =
    newlyFailing.length > 0
      ? ` Newly failing since the baseline: ${newlyFailing.map((t) => `"${t}"`).join(", ")}.`
      : "";
  return `Behavioural tests: ${candidate.size} (${byType.join(", ")}); ${failing} of ${checks.length} checks did not hold.${fresh}`;
}
