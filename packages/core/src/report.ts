/**
 * The one contract every gate honours: evidence in, a Report out.
 * Renderers (markdown, SARIF, JUnit, JSON, text) and the GitHub layer only ever read this shape.
 */

/** `fail`: the evidence says no. `error`: the gate could not judge (bad input, unreachable service). */
export type Verdict = "pass" | "warn" | "fail" | "error";

export const VERDICTS: readonly Verdict[] = ["pass", "warn", "fail", "error"];

/** How much a single finding weighs on the verdict. */
export type FindingLevel = "fail" | "warn" | "info";

/** Something the gate found, optionally anchored in a file (becomes an annotation / SARIF result). */
export interface Finding {
  /** Stable rule id, e.g. `threshold`, `pickle.dangerous-global`, `openapi.request-property-removed`. */
  rule: string;
  level: FindingLevel;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  /** Free-form facts for machines (rendered in JSON/SARIF properties, not in prose). */
  properties?: Record<string, unknown>;
}

/** The outcome of one threshold or rule check (each one becomes a JUnit test case). */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface Check {
  /** What was checked, as the user wrote it: `p95 < 250ms`. */
  name: string;
  status: CheckStatus;
  /** The observed value, formatted with its unit: `231.4ms`. */
  actual?: string;
  /** The bound it was held to: `< 250ms`. */
  expected?: string;
  /** Why, in one line, when it did not pass (or was skipped). */
  message?: string;
}

/** Dimensions a metric value can carry; values are stored in the canonical unit of each. */
export type Dimension = "time" | "bytes" | "ratio" | "rate" | "count" | "none";

/** Canonical units: time in milliseconds, bytes in bytes, ratio as a fraction (0.01 = 1%), rate per second. */
export interface Metric {
  value: number;
  dimension?: Dimension;
  /** Baseline value, when the gate compares against one. */
  baseline?: number;
  /** Confidence interval of the value (or of its difference from baseline when `intervalOf` is `delta`). */
  interval?: [number, number];
  intervalOf?: "value" | "delta";
  /** Human description of what the number is. */
  description?: string;
}

export interface Link {
  title: string;
  url: string;
}

/** A picture for the markdown renderer (drawn as a Mermaid chart). */
export type Chart =
  | {
      kind: "bar" | "line";
      title: string;
      /** Category labels along the x axis. */
      x: string[];
      yLabel?: string;
      series: { name: string; values: number[] }[];
    }
  | {
      kind: "pie";
      title: string;
      slices: { label: string; value: number }[];
    };

export interface Report {
  /** Bumped only on incompatible changes to this shape. */
  schemaVersion: 1;
  gate: string;
  verdict: Verdict;
  /** One line a person understands: what was decided and why. */
  headline: string;
  findings: Finding[];
  checks: Check[];
  metrics: Record<string, Metric>;
  links: Link[];
  charts?: Chart[];
  /** Gate-specific outputs handed to the next step (become action outputs). */
  outputs?: Record<string, string>;
  /** Free text rendered below the tables, e.g. how to reproduce locally. */
  notes?: string[];
  /** Preformatted diagnostic shown under the headline as-is, e.g. a caret under the bad character. */
  details?: string;
  startedAt?: string;
  durationMs?: number;
  tool: { name: string; version: string };
}

export const TOOL = { name: "mlgate", version: "0.1.0" } as const;

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2, error: 3 };

/** The worse of several verdicts (error > fail > warn > pass). */
export function worstVerdict(...verdicts: Verdict[]): Verdict {
  let worst: Verdict = "pass";
  for (const v of verdicts) if (RANK[v] > RANK[worst]) worst = v;
  return worst;
}

/** The verdict implied by findings and checks alone (a gate may still raise it to `error`). */
export function verdictOf(findings: readonly Finding[], checks: readonly Check[]): Verdict {
  const levels: Verdict[] = [
    ...findings.map((f): Verdict => (f.level === "fail" ? "fail" : f.level === "warn" ? "warn" : "pass")),
    ...checks.map((c): Verdict => (c.status === "fail" ? "fail" : c.status === "warn" ? "warn" : "pass")),
  ];
  return worstVerdict(...levels);
}

/** Process exit code of the command line: 0 pass or warn, 1 fail, 2 error. */
export function exitCodeOf(verdict: Verdict): 0 | 1 | 2 {
  return verdict === "error" ? 2 : verdict === "fail" ? 1 : 0;
}

/** Build a Report with the boring fields filled in. */
export function makeReport(
  fields: Pick<Report, "gate" | "verdict" | "headline"> & Partial<Omit<Report, "schemaVersion" | "tool">>,
): Report {
  return {
    schemaVersion: 1,
    findings: [],
    checks: [],
    metrics: {},
    links: [],
    ...fields,
    tool: { ...TOOL },
  };
}
