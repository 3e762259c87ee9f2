import type { Threshold } from "@mlgate/core";
import type { Versions } from "../metrics/types.js";
import { formatDuration } from "../plan/parse-steps.js";
import { formatWeight } from "../plan/types.js";
import { refuseUnlessBaseline, route, routingOf, usersOnBaseline } from "./routing.js";
import type { EndState, RolloutStrategy, Stage, StrategySummary } from "./types.js";

export interface BlueGreenPlan {
  /** How long green (the candidate) is judged before the switch, with no user on it (ms, scaled). */
  previewMs: number;
  /** Share of live requests mirrored to green during the preview; 0: the probe's synthetic traffic only. */
  mirror: number;
  /** How long blue is kept warm after the switch while green is watched (ms, scaled). */
  guardMs: number;
  /** Thresholds judged in the guard window instead of the rollout's. */
  guardThresholds?: readonly Threshold[];
  /** Only these metrics are judged in the guard window. */
  guardMetrics?: readonly string[];
}

/**
 * Blue/green: judge green (the candidate) while users stay on blue — on synthetic traffic (the probe)
 * or mirrored traffic — then switch every user in one verified move, keep blue warm through the guard
 * window, and switch back (verified) when the guard fails.
 */
export function blueGreenStrategy(plan: BlueGreenPlan, versions: Versions): RolloutStrategy {
  const green = `green (${versions.candidate})`;
  const blue = `blue (${versions.baseline})`;
  const preview: Stage = {
    kind: "preview",
    weight: 0,
    watchMs: plan.previewMs,
    phase: "step",
    guard: false,
    words: {
      look: "the preview of green",
      finding: `preview of green (0% of users${plan.mirror > 0 ? `, ${formatWeight(plan.mirror)} mirrored` : ""})`,
      evaluation: "preview",
      headline: "in the preview of green, before the switch",
    },
    moveWords: plan.mirror > 0 ? "mirror traffic to green" : "check that users are on blue",
    enter: async (traffic) =>
      plan.mirror > 0
        ? route(routingOf(traffic, "mirror", "blue-green"), { canary: 0, mirror: plan.mirror })
        : usersOnBaseline(traffic),
    entered: () =>
      `preview: ${green} is judged on ${plan.mirror > 0 ? `${formatWeight(plan.mirror)} of live requests, mirrored` : "the probe's traffic"}; every user stays on ${blue} (verified)`,
  };
  const switched: Stage = {
    kind: "guard",
    weight: 100,
    watchMs: plan.guardMs,
    phase: plan.guardMs > 0 ? "guard" : "promoted",
    guard: true,
    ...(plan.guardThresholds ? { thresholds: plan.guardThresholds } : {}),
    ...(plan.guardMetrics ? { metrics: plan.guardMetrics } : {}),
    words: {
      look: "the guard window after the switch",
      finding: "guard window after the switch (100%)",
      evaluation: "guard (100%)",
      headline: "in the guard window after the switch",
    },
    moveWords: "switch every user to green",
    // One move: every user to green (a plain weight move also ends any mirroring), read back.
    enter: async (traffic) => (await traffic.promote()).canary,
    entered: (weight) =>
      `switched: ${green} serves ${formatWeight(weight)} of users in one step (verified); ${blue} stays up${plan.guardMs > 0 ? ` for the ${formatDuration(Math.round(plan.guardMs))} guard window` : ""}`,
  };
  const text = `blue/green, preview ${formatDuration(Math.round(plan.previewMs))} on ${plan.mirror > 0 ? `${formatWeight(plan.mirror)} mirrored traffic` : "the probe's traffic"}, one switch, ${formatDuration(Math.round(plan.guardMs))} guard window`;
  return {
    name: "blue-green",
    stages: [preview, switched],
    describe: () => text,
    refuseStart: (weight, traffic) => refuseUnlessBaseline("a blue/green switch", weight, traffic),
    undo: async (traffic) => (await traffic.rollback()).canary,
    undone: (traffic) =>
      `switched back: ${blue} serves every user again (verified by reading ${traffic.describe()})`,
    conclude: async (_traffic, weight) => ({
      result: "promoted",
      weight,
      log: plan.guardMs > 0 ? `guard window passed: ${green} keeps every user; ${blue} may be retired` : "",
      ...(plan.guardMs > 0 ? { phase: "promoted" as const } : {}),
    }),
    summarize: (end) => summarize(end, plan, versions, text),
  };
}

function summarize(end: EndState, plan: BlueGreenPlan, versions: Versions, text: string): StrategySummary {
  const promoted = end.result === "promoted";
  // A failed switch move may or may not have reached the router; a failure in the guard window did.
  const switchedOver = promoted || (end.stoppedAt === "guard" && end.cause !== "router");
  const exposure = promoted
    ? `users: none during the preview, then all of them after the switch`
    : switchedOver
      ? `users: all of them reached green after the switch, until the switch back`
      : `users: none — green was judged before any user reached it`;
  const guard =
    plan.guardMs > 0
      ? ` and the ${formatDuration(Math.round(plan.guardMs))} guard window passed with blue kept warm`
      : "";
  return {
    strategy: "blue-green",
    plan: text,
    exposure,
    comparison: [],
    ...(promoted
      ? {
          headline: `switched every user to ${versions.candidate} in one step after its preview passed${guard}: no metric was worse than ${versions.baseline}`,
        }
      : {}),
    rollbackWords: end.stoppedAt === "guard" ? "switched back to blue" : "stopped",
    checks: [],
    metrics: {},
    findings: [],
    outputs: {
      strategy: "blue-green",
      switched: String(switchedOver),
      "switched-back": String(end.result === "rolled-back" && switchedOver),
    },
  };
}
