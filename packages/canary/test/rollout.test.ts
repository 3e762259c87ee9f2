import { parseThresholds, renderMarkdown } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import {
  buildPlan,
  buildReport,
  CANARY_FUNCTIONS,
  type CanaryInput,
  DEFAULT_KS_LIMIT,
  DEFAULT_PSI_LIMIT,
  type FailurePolicy,
  MemoryStateStore,
  type MetricSpec,
  parseSteps,
  type RolloutInput,
  runRollout,
  VirtualClock,
} from "../src/index.js";
import { type Draw, MemoryRouter, SyntheticSource, spec } from "./fakes.js";

const latency = spec("p95");
const errors = spec("error_rate", {
  query: "errors",
  dimension: "ratio",
  aggregate: "mean",
  kind: "binary",
  scale: "linear",
  tolerance: 0,
});

/** Baseline latency ~100 ms (lognormal), the candidate `slower` times that; errors at `errorRate`. */
function world(options: { slower?: number; errorRate?: number; candidateData?: boolean } = {}): Draw {
  return (metric, side, _weight, rng) => {
    if (side === "candidate" && options.candidateData === false) return undefined;
    if (metric === "p95")
      return rng.lognormal(Math.log(100), 0.4) * (side === "candidate" ? (options.slower ?? 1) : 1);
    return rng.bernoulli(side === "candidate" ? (options.errorRate ?? 0.001) : 0.001);
  };
}

function setup(
  draw: Draw,
  options: {
    steps?: string;
    gates?: string[];
    metrics?: MetricSpec[];
    policy?: FailurePolicy;
    state?: MemoryStateStore;
    candidate?: string;
    resume?: RolloutInput["resume"];
  } = {},
) {
  const router = new MemoryRouter();
  const source = new SyntheticSource(router, draw);
  const plan = buildPlan({
    steps: parseSteps(options.steps ?? "10% 1m, 50% 1m, 100% 30s", "steps"),
    where: "steps",
    intervalMs: 10_000,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const input: RolloutInput = {
    plan,
    traffic: router,
    sources: [source],
    metrics: options.metrics ?? [latency, errors],
    judge: {
      alpha: 0.01,
      tauSd: 0.25,
      thresholds: parseThresholds(options.gates ?? [], { functions: CANARY_FUNCTIONS }),
      psiLimit: DEFAULT_PSI_LIMIT,
      ksLimit: DEFAULT_KS_LIMIT,
    },
    versions: { baseline: "v1", candidate: options.candidate ?? "v2" },
    environment: "production",
    resume: options.resume ?? "auto",
    ...(options.state ? { state: options.state } : {}),
  };
  return { router, source, input };
}

function canaryInput(input: RolloutInput): CanaryInput {
  return {
    plan: input.plan,
    traffic: { kind: "instance", provider: input.traffic },
    metrics: [...input.metrics],
    judge: { ...input.judge, mode: "sequential" },
    versions: input.versions,
    environment: input.environment,
    resume: input.resume,
  };
}

describe("a rollout", () => {
  it("promotes a candidate as good as the baseline, step by step, and reports every look", async () => {
    const { router, input } = setup(world(), {
      gates: ["p95 < 400ms", "ratio(p95) <= 1.5", "error_rate < 2%"],
    });
    const log: string[] = [];
    const outcome = await runRollout(input, { clock: new VirtualClock(), log: (l) => log.push(l) });
    expect(outcome).toMatchObject({
      result: "promoted",
      finalWeight: 100,
      stepsCompleted: 3,
      rolledBack: false,
    });
    expect(router.moves).toEqual([10, 50, 100]);
    expect(outcome.steps.map((s) => [s.phase, s.weight, s.looks, s.outcome])).toEqual([
      ["step", 10, 6, "passed"],
      ["step", 50, 6, "passed"],
      ["guard", 100, 3, "passed"],
    ]);
    expect(outcome.timeline.map((p) => p.weight)).toEqual([
      10, 10, 10, 10, 10, 10, 50, 50, 50, 50, 50, 50, 100, 100, 100,
    ]);
    expect(log[0]).toBe(
      "plan: 10% 1m, 50% 1m, 100% + 30s guard, a look every 10s, router: the memory router",
    );
    const report = buildReport(outcome, canaryInput(input));
    expect(report.verdict).toBe("pass");
    expect(report.headline).toBe(
      "promoted v2 to 100% after 2 step(s) and a 30s guard window: no metric was worse than the baseline",
    );
    expect(report.checks.map((c) => `${c.name} ${c.status}`)).toEqual([
      "p95 < 400ms pass",
      "ratio(p95) <= 1.5 pass",
      "error_rate < 2% pass",
      "p95: candidate vs baseline (sequential) pass",
      "error_rate: candidate vs baseline (sequential) pass",
    ]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('title "Candidate\'s share of traffic over the rollout"');
    expect(markdown).toContain('title "p95 (p95) per look: candidate vs baseline"');
  });

  it("rolls back a slower candidate at the first convincing look, long before the step ends", async () => {
    const { router, input } = setup(world({ slower: 1.3 }));
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({
      result: "rolled-back",
      cause: "metric",
      metric: "p95",
      finalWeight: 0,
      rolledBack: true,
      stepsCompleted: 0,
    });
    expect(outcome.steps[0]!.looks).toBeLessThan(6);
    expect(router.moves).toEqual([10, 0]);
    const report = buildReport(outcome, canaryInput(input));
    expect(report.verdict).toBe("fail");
    expect(report.headline).toMatch(
      /^p95: the candidate is \d+(\.\d+)?% above the baseline \(sequential test of geometric means, 99% interval \+[\d.]+% to \+[\d.]+%, p = [\d.e-]+ after Holm\) — rolled back at step 1\/3 \(10%\); the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toEqual({
      result: "rolled-back",
      "final-weight": "0",
      "steps-completed": "0",
      "rolled-back": "true",
      reason: outcome.reason,
    });
    const fired = report.findings.find((f) => f.rule === "canary.sequential" && f.message.includes("· fail"));
    expect(fired?.message).toMatch(
      /^step 1 \(10%\) · p95: [\d.]+ms vs [\d.]+ms \(n \d+ \/ \d+\), \+[\d.]+% \[\+[\d.]+%, \+[\d.]+%\], p = [\d.e-]+ \(Holm\) · sequential mSPRT, α = 0\.01, tolerance \+5% · fail$/,
    );
  });

  it("rolls back on a threshold even where the statistics are not yet sure", async () => {
    const { input } = setup(world({ errorRate: 0.2 }), {
      gates: ["error_rate < 5%"],
      metrics: [latency, { ...errors, compare: "none" }],
    });
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({
      result: "rolled-back",
      cause: "metric",
      rule: "threshold error_rate < 5%",
    });
    expect(outcome.reason).toMatch(/^error_rate is 1\d(\.\d+)?%|^error_rate is 2\d(\.\d+)?%/);
  });

  it("extends a step without data, then fails it: no data never promotes", async () => {
    const { router, input } = setup(world({ candidateData: false }));
    const log: string[] = [];
    const outcome = await runRollout(input, { clock: new VirtualClock(), log: (l) => log.push(l) });
    expect(outcome).toMatchObject({
      result: "rolled-back",
      cause: "no-data",
      rolledBack: true,
      finalWeight: 0,
    });
    expect(outcome.reason).toBe(
      "not enough data to judge p95, error_rate during step 1 (10%) after 2 extension(s)",
    );
    expect(outcome.steps[0]!.extensions).toBe(2);
    expect(log.filter((l) => l.includes("extending by"))).toEqual([
      "step 1 (10%): not enough data for p95, error_rate; extending by 1m (1 of 2)",
      "step 1 (10%): not enough data for p95, error_rate; extending by 1m (2 of 2)",
    ]);
    expect(router.moves).toEqual([10, 0]);
    expect(buildReport(outcome, canaryInput(input)).verdict).toBe("error");
  });

  it("stops after the provider fails three looks in a row, and at once when it can never answer", async () => {
    const flaky = setup(world());
    flaky.source.failures = new Set([2, 4, 5, 6]);
    const outcome = await runRollout(flaky.input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({ result: "rolled-back", cause: "provider" });
    expect(outcome.reason).toBe("probe failed 3 times in a row (connection refused) during step 1 (10%)");
    expect(outcome.warnings).toEqual([
      "probe failed (1 of 3 in a row): connection refused",
      "probe failed (1 of 3 in a row): connection refused",
      "probe failed (2 of 3 in a row): connection refused",
    ]);

    const broken = setup(world());
    broken.source.permanentAt = 1;
    const stopped = await runRollout(broken.input, { clock: new VirtualClock() });
    expect(stopped.reason).toBe("probe cannot answer: the query is malformed during step 1 (10%)");
    expect(stopped.steps[0]!.looks).toBe(1);
  });

  it("pauses or holds instead of rolling back when told to, leaving the weights", async () => {
    for (const policy of ["pause", "hold"] as const) {
      const state = new MemoryStateStore();
      const { router, input } = setup(world({ slower: 1.5 }), { policy, state });
      const outcome = await runRollout(input, { clock: new VirtualClock() });
      expect(outcome).toMatchObject({
        result: policy === "pause" ? "paused" : "held",
        finalWeight: 10,
        rolledBack: false,
      });
      expect(router.weight).toBe(10);
      expect((await state.latest())?.phase).toBe(policy === "pause" ? "paused" : "held");
      const report = buildReport(outcome, canaryInput(input));
      expect(report.verdict).toBe(policy === "pause" ? "fail" : "warn");
      expect(report.headline).toMatch(
        policy === "pause"
          ? / — paused at step 1\/3 \(10%\): re-run to resume, or run with resume: cleanup to roll back$/
          : / — held at step 1\/3 \(10%\); the candidate keeps 10% of traffic$/,
      );
    }
  });

  it("rolls back a router that refused a move, and retries a rollback that fails", async () => {
    const { router, input } = setup(world());
    router.failOn.add(50);
    router.failRollbacks = 2;
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({
      result: "rolled-back",
      cause: "router",
      rolledBack: true,
      finalWeight: 0,
      stepsCompleted: 1,
    });
    expect(outcome.reason).toBe("could not move the candidate to 50%: internal error: refused 50%");
    expect(outcome.warnings).toEqual([
      "rollback attempt 1 of 3 failed: internal error: the router is unreachable",
      "rollback attempt 2 of 3 failed: internal error: the router is unreachable",
    ]);
  });

  it("says loudly when the rollback itself cannot be verified", async () => {
    const { router, input } = setup(world({ slower: 2 }));
    router.lie = 10;
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({ result: "rolled-back", rolledBack: false });
    expect(outcome.rollbackError).toBe(
      "the memory router reports the candidate at 10% after it was set to 0% — something else may be changing the router; check that nothing else manages these weights",
    );
    const report = buildReport(outcome, canaryInput(input));
    expect(report.verdict).toBe("error");
    expect(report.headline).toMatch(
      /^ROLLBACK FAILED: the memory router reports the candidate at 10% after it was set to 0% .*; the candidate may still serve 10% — stopped at step 1\/3 \(10%\) because p95: /,
    );
  });

  it("rolls back when cancelled mid-step", async () => {
    const { router, input } = setup(world());
    const abort = new AbortController();
    let looks = 0;
    const outcome = await runRollout(input, {
      clock: new VirtualClock(),
      signal: abort.signal,
      log: (line) => {
        if (line.includes(", look ") && ++looks === 3) abort.abort(new Error("cancelled"));
      },
    });
    expect(outcome).toMatchObject({
      result: "rolled-back",
      cause: "cancelled",
      rolledBack: true,
      finalWeight: 0,
    });
    expect(outcome.reason).toBe("the job was cancelled during step 1 (10%)");
    expect(router.moves).toEqual([10, 0]);
  });
});

describe("progress across runs", () => {
  it("records each step, and a re-run resumes the same candidate where it stopped", async () => {
    const state = new MemoryStateStore();
    await state.begin({
      environment: "production",
      candidate: "v2",
      baseline: "v1",
      step: 1,
      steps: 3,
      weight: 50,
      phase: "step",
    });
    const { router, input } = setup(world(), { state });
    router.weight = 50;
    const log: string[] = [];
    const outcome = await runRollout(input, { clock: new VirtualClock(), log: (l) => log.push(l) });
    expect(outcome).toMatchObject({ result: "promoted", resumedFrom: 1, stepsCompleted: 2 });
    expect(log[1]).toBe("resuming the rollout of v2 at step 2 (step at 50% when the last run ended)");
    expect(router.moves).toEqual([50, 100]);
    expect(state.rollouts).toHaveLength(1);
    expect(state.rollouts[0]!.map((r) => `${r.phase} ${r.step} ${r.weight}`)).toEqual([
      "step 1 50",
      "step 1 50",
      "guard 2 100",
      "promoted 2 100",
    ]);
  });

  it("rolls back another candidate left open; `cleanup` stops there", async () => {
    const state = new MemoryStateStore();
    await state.begin({
      environment: "production",
      candidate: "v9",
      baseline: "v1",
      step: 0,
      steps: 3,
      weight: 10,
      phase: "paused",
    });
    const { router, input } = setup(world(), { state, resume: "cleanup", candidate: "v2" });
    router.weight = 10;
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({ result: "cleaned-up", finalWeight: 0 });
    expect(outcome.reason).toBe(
      "rolled back the earlier rollout of v9; the baseline serves all traffic (verified)",
    );
    expect(state.rollouts[0]!.at(-1)).toMatchObject({
      phase: "rolled-back",
      weight: 0,
      reason: "cleaned up by a later run (an earlier run left v9 at 10%)",
    });
    expect(buildReport(outcome, canaryInput(input)).verdict).toBe("pass");

    const again = await runRollout(setup(world(), { state, resume: "cleanup" }).input, {
      clock: new VirtualClock(),
    });
    expect(again).toMatchObject({ result: "cleaned-up", reason: "no open rollout to clean up" });
  });

  it("does nothing for a candidate an earlier run already promoted", async () => {
    const state = new MemoryStateStore();
    await state.begin({
      environment: "production",
      candidate: "v2",
      baseline: "v1",
      step: 2,
      steps: 3,
      weight: 100,
      phase: "promoted",
    });
    const { router, input } = setup(world(), { state });
    router.weight = 100;
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({
      result: "already-promoted",
      finalWeight: 100,
      reason: "v2 was already promoted by an earlier run",
    });
    expect(router.moves).toEqual([]);
  });

  it("does not move traffic when the rollout cannot be recorded", async () => {
    const state = new MemoryStateStore();
    state.begin = async () => {
      throw new Error("deployments: write is missing");
    };
    const { router, input } = setup(world(), { state });
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({ result: "not-started", cause: "provider" });
    expect(outcome.reason).toBe(
      "could not record the rollout in memory: internal error: deployments: write is missing",
    );
    expect(router.moves).toEqual([]);
    expect(buildReport(outcome, canaryInput(input)).headline).toBe(`${outcome.reason}; no traffic was moved`);
  });
});
