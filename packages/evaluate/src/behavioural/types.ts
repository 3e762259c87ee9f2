/**
 * CheckList-style behavioural tests: minimum functionality (`mft`, each item must be got right),
 * invariance (`inv`, perturbing an input must not change the prediction) and directional expectation
 * (`dir`, a perturbation must move the score the expected way).
 */
export type TestType = "mft" | "inv" | "dir";

export const TEST_TYPES: readonly TestType[] = ["mft", "inv", "dir"];

/** One row of a behavioural results file. */
export interface BehaviouralRow {
  /** Where it is, for messages: `line 12`. */
  line: number;
  test: string;
  type: TestType;
  id?: string;
  /** Groups an original with its perturbations (`inv`, `dir`). */
  case?: string;
  label?: string | number;
  prediction?: string | number;
  score?: number;
  /** On a perturbed row of a `dir` test: which way its score must move from the original's. */
  expect?: "up" | "down";
}

export interface BehaviouralSuite {
  file: string;
  rows: BehaviouralRow[];
}

export interface BehaviouralLimits {
  maxBytes: number;
  maxRows: number;
  maxTests: number;
}

export const DEFAULT_BEHAVIOURAL_LIMITS: BehaviouralLimits = {
  maxBytes: 64 * 1024 ** 2,
  maxRows: 1_000_000,
  maxTests: 10_000,
};

/** One test's outcome: how many of its units (items or cases) failed, and which. */
export interface TestOutcome {
  test: string;
  type: TestType;
  /** `mft.negation`: what its metrics are named after. */
  key: string;
  units: number;
  /** Keys of every unit, to tell which failing ones the baseline also ran. */
  unitKeys: Set<string>;
  /** Keys of the failing units (item ids, or case ids), in file order. */
  failed: string[];
  /** A readable line per failing unit, same order as `failed`. */
  reasons: Map<string, string>;
}
