import { type Finding, formatNumber, type Metric } from "@mlgate/core";
import type { Versions } from "../metrics/types.js";
import { formatDuration } from "../plan/parse-steps.js";
import { formatWeight } from "../plan/types.js";
import { describeComparison, type OutputComparison, type ShadowAnalysis } from "../shadow/analysis.js";
import type { TrafficProvider } from "../traffic/types.js";
import { refuseUnlessBaseline, route, routingOf, usersOnBaseline } from "./routing.js";
import type { EndState, RolloutStrategy, Stage, StrategySummary } from "./types.js";

/** Who sends the candidate its copy of the traffic. */
export type ShadowSource = "router" | "probe";

export interface ShadowPlan {
  /** Share of live requests the router copies to the candidate, in percent (router source). */
  mirror: number;
  /** How long the shadow run lasts (ms, scaled). */
  durationMs: number;
  source: ShadowSource;
  /** For messages: where the pairs come from. */
  pairs: string;
}

/**
 * Shadow: the candidate gets a copy of live requests (the router's mirror, or the probe replaying
 * recorded requests to both versions) and users only ever get the baseline's answers. Its latency,
 * errors and outputs are compared with the baseline's on the same requests; the verdict says whether
 * it is safe to canary. Nothing is promoted: at the end the mirror is switched off, verified.
 */
export function shadowStrategy(
  plan: ShadowPlan,
  context: { versions: Versions; analysis: ShadowAnalysis; routerName: string },
): RolloutStrategy {
  const { versions, analysis } = context;
  const viaRouter = plan.source === "router";
  const what = viaRouter
    ? `${formatWeight(plan.mirror)} of live requests mirrored for ${formatDuration(Math.round(plan.durationMs))}`
    : `the probe replaying requests to both versions for ${formatDuration(Math.round(plan.durationMs))}`;
  const stage: Stage = {
    kind: "shadow",
    weight: 0,
    watchMs: plan.durationMs,
    phase: "step",
    guard: false,
    words: {
      look: "the shadow run",
      finding: viaRouter
        ? `shadow run (${formatWeight(plan.mirror)} mirrored, 0% of users)`
        : "shadow run (probe replay, 0% of users)",
      evaluation: "shadow",
      headline: "during the shadow run",
    },
    moveWords: viaRouter ? "start mirroring to the candidate" : "check that users stay on the baseline",
    enter: async (traffic) =>
      viaRouter
        ? route(routingOf(traffic, "mirror", "shadow"), { canary: 0, mirror: plan.mirror })
        : usersOnBaseline(traffic),
    entered: () =>
      viaRouter
        ? `shadow: ${formatWeight(plan.mirror)} of live requests are copied to ${versions.candidate}; users get only ${versions.baseline}'s answers (verified: 0% of users on the candidate)`
        : `shadow: the probe sends each request to both versions; users stay on ${versions.baseline} (verified: 0% of users on the candidate)`,
    analysis,
  };
  const stopMirroring = async (traffic: TrafficProvider) =>
    viaRouter
      ? route(routingOf(traffic, "mirror", "shadow"), { canary: 0, mirror: 0 })
      : usersOnBaseline(traffic);
  return {
    name: "shadow",
    stages: [stage],
    describe: () => `shadow, ${what}`,
    refuseStart: (weight, traffic) => refuseUnlessBaseline("a shadow run", weight, traffic),
    undo: stopMirroring,
    undone: (traffic) =>
      viaRouter
        ? `stopped mirroring: the candidate gets no more copies (verified by reading ${traffic.describe()})`
        : `the probe stopped; users were never moved (verified by reading ${traffic.describe()})`,
    conclude: async (traffic) => {
      const weight = await stopMirroring(traffic);
      return {
        result: "concluded",
        weight,
        phase: "concluded",
        log: viaRouter ? "shadow run over: stopped mirroring (verified)" : "shadow run over",
      };
    },
    summarize: (end) => summarizeShadow(end, plan, context),
  };
}

function summarizeShadow(
  end: EndState,
  plan: ShadowPlan,
  context: { versions: Versions; analysis: ShadowAnalysis; routerName: string },
): StrategySummary {
  const { versions, analysis } = context;
  const safe = end.result === "concluded";
  const comparisons = analysis.comparisons;
  const lines = comparisons.map((c) => `Outputs on the same requests: ${describeComparison(c)}.`);
  const checks = analysis.checks;
  const held = checks.filter((c) => c.status === "pass").map((c) => c.name);
  const metrics: Record<string, Metric> = {};
  for (const c of comparisons) {
    if (c.agreement)
      metrics[`agreement(${c.output})`] = {
        value: c.agreement.rate,
        dimension: "ratio",
        interval: [c.agreement.low, c.agreement.high],
        description: `share of ${c.agreement.n} paired answers with the same ${c.output}`,
      };
    if (c.truth)
      metrics[`accuracy_delta(${c.output})`] = {
        value: c.truth.delta,
        dimension: "ratio",
        interval: [c.truth.low, c.truth.high],
        description: `candidate − baseline accuracy on ${c.truth.n} labelled pairs (exact McNemar p = ${formatNumber(c.truth.pValue, 3)})`,
      };
    if (c.psi !== undefined)
      metrics[`psi(${c.output})`] = {
        value: c.psi,
        dimension: "none",
        description: `on ${c.n} paired scores`,
      };
    if (c.ks) {
      metrics[`ks(${c.output})`] = { value: c.ks.statistic, dimension: "none" };
      metrics[`ks_p(${c.output})`] = { value: c.ks.pValue, dimension: "none" };
    }
  }
  const findings: Finding[] = comparisons.map((c) => ({
    rule: "canary.shadow-outputs",
    level: "info",
    message: describeComparison(c),
  }));
  const mirrored = analysis.seen;
  const exposure = `users exposed to the candidate: none — ${mirrored} request(s) ${plan.source === "router" ? `mirrored by ${context.routerName}, whose copies' answers are discarded` : "replayed by the probe to both versions"}; every answer users got came from ${versions.baseline}`;
  const failedSide = analysis.failed;
  const errorsLine =
    mirrored > 0
      ? `Paired answers: ${analysis.compared} of ${mirrored} answered by both without error (${failedSide.candidate} candidate and ${failedSide.baseline} baseline failures).`
      : "No paired answers arrived.";
  return {
    strategy: "shadow",
    plan:
      plan.source === "router"
        ? `shadow, ${formatWeight(plan.mirror)} of live requests mirrored for ${formatDuration(Math.round(plan.durationMs))}; pairs from ${plan.pairs}`
        : `shadow, the probe replaying requests to both versions for ${formatDuration(Math.round(plan.durationMs))}`,
    exposure,
    comparison: [errorsLine, ...lines],
    ...(safe
      ? {
          rule:
            held.length > 0
              ? `every threshold held: ${held.join(", ")}`
              : "latency and errors no worse than the baseline",
          headline: `shadow: ${versions.candidate} is safe to canary — on ${analysis.compared} requests answered by both, ${comparisons.length > 0 ? `${comparisons.map((c) => shortComparison(c)).join(", ")}; ` : ""}latency and errors no worse than ${versions.baseline}; users saw none of its answers`,
          verdict: "pass" as const,
        }
      : {}),
    rollbackWords: plan.source === "router" ? "stopped mirroring" : "stopped",
    checks: [],
    metrics,
    findings,
    outputs: {
      strategy: "shadow",
      "safe-to-canary": String(safe),
      mirrored: String(mirrored),
      paired: String(analysis.compared),
      "user-exposure": "0%",
    },
  };
}

/** `label agreement 99.4%`, `score PSI 0.01` for a headline. */
function shortComparison(c: OutputComparison): string {
  if (c.agreement) return `${c.output} agreement ${formatNumber(c.agreement.rate * 100, 1)}%`;
  if (c.psi !== undefined) return `${c.output} PSI ${formatNumber(c.psi, 3)}`;
  return `${c.output}: not compared`;
}
