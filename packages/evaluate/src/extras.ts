import type { Check, Finding, Link, Metric } from "@mlgate/core";

/**
 * What eval-gate adds to the report of whichever gate judged the results (per-item or aggregate):
 * behavioural test checks, baseline checks, notes and links. The gate folds them in before it takes
 * its verdict and writes its headline, so one line still says everything.
 */
export interface GateExtras {
  checks: Check[];
  findings: Finding[];
  notes: string[];
  links: Link[];
  metrics: Record<string, Metric>;
  /** Checks that need what the gate read: the fingerprint of the candidate's eval set (per-item results). */
  late?: (facts: { evalSetSha256?: string }) => { checks: Check[]; notes: string[] };
}

export const NO_EXTRAS: Readonly<GateExtras> = Object.freeze({
  checks: [],
  findings: [],
  notes: [],
  links: [],
  metrics: {},
});

/** The skip check of a comparison that has no baseline to compare with (while the first one is saved). */
export function noBaselineCheck(name: string): Check {
  return { name, status: "skip", message: "no baseline results to compare with: not judged" };
}
