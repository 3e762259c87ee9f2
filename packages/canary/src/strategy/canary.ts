import { describePlan } from "../plan/build-plan.js";
import { formatWeight, type RolloutPlan } from "../plan/types.js";
import type { EndState, RolloutStrategy, Stage, StrategySummary } from "./types.js";

/** The stages of a canary plan: each step, then the promotion (watched for the guard window). */
export function canaryStages(plan: RolloutPlan): Stage[] {
  const count = plan.steps.length;
  return plan.steps.map((step, i): Stage => {
    const final = step.weight === 100;
    const w = formatWeight(step.weight);
    const name = `step ${i + 1} (${w})`;
    return {
      kind: final ? "guard" : "step",
      weight: step.weight,
      watchMs: final ? plan.guardMs : step.bakeMs,
      phase: final ? (plan.guardMs > 0 ? "guard" : "promoted") : "step",
      guard: final,
      words: final
        ? {
            look: "guard window at 100%",
            finding: "guard window (100%)",
            evaluation: "guard (100%)",
            headline: "in the guard window after the promotion",
          }
        : { look: name, finding: name, evaluation: name, headline: `at step ${i + 1}/${count} (${w})` },
      moveWords: `move the candidate to ${w}`,
      enter: async (traffic) =>
        (final ? await traffic.promote() : await traffic.setWeights({ canary: step.weight })).canary,
      entered: (weight, index, total) =>
        `step ${index + 1}/${total}: ${final ? "promoted: " : ""}the candidate serves ${formatWeight(weight)} (verified)`,
    };
  });
}

/** Rising shares of live traffic, a promotion, a guard window; any failure rolls everything back. */
export function canaryStrategy(plan: RolloutPlan): RolloutStrategy {
  const stages = canaryStages(plan);
  return {
    name: "canary",
    stages,
    describe: () => describePlan(plan),
    undo: async (traffic) => (await traffic.rollback()).canary,
    undone: (traffic) =>
      `rolled back: the baseline serves all traffic (verified by reading ${traffic.describe()})`,
    conclude: async (_traffic, weight) => {
      return {
        result: "promoted",
        weight,
        log: "",
        ...(plan.guardMs > 0 ? { phase: "promoted" as const } : {}),
      };
    },
    summarize: (end: EndState): StrategySummary => {
      const reached = plan.steps.slice(0, Math.min(plan.steps.length, end.stagesCompleted + 1));
      const peak = Math.max(0, ...reached.map((s) => s.weight));
      const shares = plan.steps.filter((s) => s.weight < 100).map((s) => formatWeight(s.weight));
      const exposure =
        end.result === "not-started" || end.result === "cleaned-up" || end.result === "already-promoted"
          ? "users: no traffic moved in this run"
          : end.result === "promoted"
            ? `users: ${shares.length > 0 ? `${shares.join(", ")} of live traffic in turn, then ` : ""}all of it (promoted)`
            : `users: up to ${formatWeight(peak)} of live traffic reached the candidate`;
      return {
        strategy: "canary",
        plan: describePlan(plan),
        exposure,
        comparison: [],
        checks: [],
        metrics: {},
        findings: [],
        outputs: {},
      };
    },
  };
}
