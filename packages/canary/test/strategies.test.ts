import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseThreshold, parseThresholds, renderMarkdown } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import { AbAnalysis } from "../src/ab/analysis.js";
import {
  abStrategy,
  blueGreenStrategy,
  buildReport,
  buildStagePlan,
  CANARY_FUNCTIONS,
  type CanaryInput,
  DEFAULT_KS_LIMIT,
  DEFAULT_PSI_LIMIT,
  LabelSource,
  MemoryStateStore,
  type MetricSpec,
  type OutputThreshold,
  outputSpec,
  PairMetricSource,
  parsePath,
  type RolloutInput,
  type RolloutStrategy,
  runRollout,
  ShadowAnalysis,
  shadowStrategy,
  VirtualClock,
} from "../src/index.js";
import { type Draw, type MemoryRouter, SyntheticSource, spec } from "./fakes.js";
import { FakePairs, fakeConversions, RoutingRouter } from "./strategies/fakes.js";

const versions = { baseline: "v1", candidate: "v2" };
const latency = spec("p95");
const errors = spec("error_rate", {
  query: "errors",
  dimension: "ratio",
  aggregate: "mean",
  kind: "binary",
  scale: "linear",
  tolerance: 0,
});
const outputs = [outputSpec("label", "$.label", "label", "t"), outputSpec("score", "$.score", "score", "t")];

/** Latency ~100 ms for both unless `slower` says otherwise for the candidate at that weight. */
function world(slower: (weight: number) => number = () => 1): Draw {
  return (metric, side, weight, rng) => {
    if (metric === "p95")
      return rng.lognormal(Math.log(100), 0.3) * (side === "candidate" ? slower(weight) : 1);
    return rng.bernoulli(0.001);
  };
}

function outputThresholds(texts: string[]): OutputThreshold[] {
  return texts.map((text) => {
    const t = parseThreshold(text, { functions: CANARY_FUNCTIONS });
    return { threshold: t, output: /\((\w+)\)/.exec(text)![1]!, fn: t.fn! };
  });
}

function rollout(
  router: RoutingRouter,
  strategy: RolloutStrategy,
  stages: { weight: number; watchMs: number }[],
  options: {
    gates?: string[];
    draw?: Draw;
    extra?: RolloutInput["sources"];
    state?: MemoryStateStore;
    metrics?: MetricSpec[];
  } = {},
): { input: RolloutInput; canary: CanaryInput } {
  const plan = buildStagePlan({ strategy: strategy.name as "shadow", stages, intervalMs: 10_000 });
  const input: RolloutInput = {
    plan,
    strategy,
    traffic: router,
    sources: [
      new SyntheticSource(router as unknown as MemoryRouter, options.draw ?? world()),
      ...(options.extra ?? []),
    ],
    metrics: options.metrics ?? [latency, errors],
    judge: {
      alpha: 0.01,
      tauSd: 0.25,
      thresholds: parseThresholds(options.gates ?? [], { functions: CANARY_FUNCTIONS }),
      psiLimit: DEFAULT_PSI_LIMIT,
      ksLimit: DEFAULT_KS_LIMIT,
    },
    versions,
    environment: "production",
    resume: "auto",
    ...(options.state ? { state: options.state } : {}),
  };
  const canary: CanaryInput = {
    plan,
    traffic: { kind: "instance", provider: router },
    metrics: [...input.metrics],
    judge: { ...input.judge, mode: "sequential" },
    versions,
    environment: "production",
    resume: "auto",
  };
  return { input, canary };
}

function shadowRun(pairs: FakePairs, gates: string[], minPairs = 100) {
  const router = new RoutingRouter();
  const source = new PairMetricSource(pairs);
  const analysis = new ShadowAnalysis({ source, outputs, thresholds: outputThresholds(gates), minPairs });
  const strategy = shadowStrategy(
    { mirror: 50, durationMs: 60_000, source: "router", pairs: pairs.describe() },
    { versions, analysis, routerName: router.describe() },
  );
  return {
    router,
    analysis,
    ...rollout(router, strategy, [{ weight: 0, watchMs: 60_000 }], { extra: [source] }),
  };
}

describe("shadow", () => {
  it("passes a candidate whose answers agree: safe to canary, users never on it, mirroring stopped (verified)", async () => {
    const state = new MemoryStateStore();
    const { router, input, canary } = shadowRun(new FakePairs({ perDrain: 40 }), [
      "agreement(label) >= 98%",
      "psi(score) < 0.1",
    ]);
    input.state = state;
    const log: string[] = [];
    const outcome = await runRollout(input, { clock: new VirtualClock(), log: (l) => log.push(l) });
    expect(outcome.result).toBe("concluded");
    expect(router.moves).toEqual([
      { canary: 0, mirror: 50 },
      { canary: 0, mirror: 0 },
    ]);
    expect(log[0]).toBe(
      "plan: shadow, 50% of live requests mirrored for 1m, a look every 10s, router: the memory router",
    );
    expect(log).toContain(
      "shadow: 50% of live requests are copied to v2; users get only v1's answers (verified: 0% of users on the candidate)",
    );
    expect(log).toContain("shadow run over: stopped mirroring (verified)");
    expect(state.rollouts[0]!.map((r) => `${r.strategy} ${r.phase} ${r.weight}`)).toEqual([
      "shadow starting 0",
      "shadow step 0",
      "shadow concluded 0",
    ]);
    const report = buildReport(outcome, canary);
    expect(report.verdict).toBe("pass");
    expect(report.headline).toMatch(
      /^shadow: v2 is safe to canary — on \d+ requests answered by both, label agreement 100%, score PSI 0; latency and errors no worse than v1; users saw none of its answers$/,
    );
    expect(report.outputs).toMatchObject({
      result: "concluded",
      strategy: "shadow",
      "safe-to-canary": "true",
      "user-exposure": "0%",
      "final-weight": "0",
    });
    expect(Number(report.outputs!.paired)).toBeGreaterThanOrEqual(100);
    expect(report.checks.map((c) => `${c.name}: ${c.status}`)).toEqual(
      expect.arrayContaining(["agreement(label) >= 98%: pass", "psi(score) < 0.1: pass"]),
    );
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("Strategy: shadow; users exposed to the candidate: none");
    expect(markdown).toMatch(/label: agreement 100% \\?\[[\d.]+%, 100%\\?\] on \d+ pairs/);
  });

  it("catches a candidate whose scores shifted while latency and errors are fine, and stops mirroring", async () => {
    const { router, input, canary } = shadowRun(new FakePairs({ perDrain: 40, shift: 0.3 }), [
      "agreement(label) >= 50%",
      "psi(score) < 0.1",
    ]);
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({
      result: "rolled-back",
      cause: "metric",
      metric: "score",
      rule: "threshold psi(score) < 0.1",
    });
    expect(router.routing).toEqual({ canary: 0, mirror: 0 });
    expect(router.moves.every((m) => m.canary === 0)).toBe(true);
    const report = buildReport(outcome, canary);
    expect(report.verdict).toBe("fail");
    expect(report.headline).toMatch(
      /^psi\(score\) is [\d.]+, limit < 0\.1 on \d+ paired answers \(the same requests answered by both\) — stopped mirroring during the shadow run; the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({ "safe-to-canary": "false", "rolled-back": "true" });
    // The metrics were no worse: only the outputs decided.
    expect(report.checks.find((c) => c.name.startsWith("p95"))?.status).toBe("pass");
  });

  it("fails on agreement, naming the most frequent label swap", async () => {
    const { input, canary, analysis } = shadowRun(new FakePairs({ perDrain: 40, disagree: 0.2 }), [
      "agreement(label) >= 98%",
    ]);
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome.rule).toBe("threshold agreement(label) >= 98%");
    expect(outcome.reason).toMatch(
      /^agreement\(label\) is [78]\d(\.\d+)?%, limit >= 98% on \d+ paired answers/,
    );
    expect(analysis.comparisons[0]!.agreement!.confusion.length).toBe(2);
    expect(
      buildReport(outcome, canary).findings.some((f) =>
        /most often (churn → stay|stay → churn)/.test(f.message),
      ),
    ).toBe(true);
  });

  it("does not pass without paired answers: the run is extended, then fails as no data", async () => {
    const { input } = shadowRun(new FakePairs({ perDrain: 0 }), ["psi(score) < 0.1"]);
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({ result: "rolled-back", cause: "no-data" });
    expect(outcome.reason).toBe(
      "not enough data to judge paired answers (0 of 100) during the shadow run after 2 extension(s)",
    );
  });

  it("refuses to start while users are on the candidate", async () => {
    const { router, input, canary } = shadowRun(new FakePairs({ perDrain: 10 }), []);
    router.routing = { canary: 10, mirror: 0 };
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome.result).toBe("not-started");
    expect(outcome.reason).toBe(
      "a shadow run starts with every user on the baseline, but the memory router sends 10% to the candidate; finish or roll back that rollout first (resume: cleanup)",
    );
    expect(router.moves).toEqual([]);
    expect(buildReport(outcome, canary).verdict).toBe("error");
  });

  it("compares accuracy against ground truth as labels arrive", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mlgate-labels-"));
    try {
      const file = join(dir, "labels.jsonl");
      // Ground truth says the baseline is right on every request it answered.
      const pairs = new FakePairs({ perDrain: 40, disagree: 0.1 });
      const truthOf = new Map<string, string>();
      const original = pairs.drainPairs.bind(pairs);
      pairs.drainPairs = async () => {
        const got = await original();
        for (const p of got) truthOf.set(p.id, String(p.baseline.outputs.label));
        await writeFile(
          file,
          [...truthOf].map(([id, label]) => JSON.stringify({ id, label })).join("\n") + "\n",
        );
        return got;
      };
      const router = new RoutingRouter();
      const source = new PairMetricSource(pairs);
      const analysis = new ShadowAnalysis({
        source,
        outputs,
        thresholds: outputThresholds(["accuracy_delta(label) >= -2%"]),
        minPairs: 50,
        labels: new LabelSource({ file, id: parsePath("$.id"), label: parsePath("$.label") }),
      });
      const strategy = shadowStrategy(
        { mirror: 100, durationMs: 60_000, source: "router", pairs: "fake" },
        { versions, analysis, routerName: "memory" },
      );
      const { input } = rollout(router, strategy, [{ weight: 0, watchMs: 60_000 }], { extra: [source] });
      const outcome = await runRollout(input, { clock: new VirtualClock() });
      expect(outcome.rule).toBe("threshold accuracy_delta(label) >= -2%");
      const truth = analysis.comparisons[0]!.truth!;
      expect(truth.baselineAccuracy).toBe(1);
      expect(truth.delta).toBeLessThan(-0.05);
      expect(truth.pValue).toBeLessThan(0.05);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("blue/green", () => {
  const plan = (guardMs = 30_000) => ({ previewMs: 60_000, mirror: 0, guardMs });
  const stages = [
    { weight: 0, watchMs: 60_000 },
    { weight: 100, watchMs: 30_000 },
  ];

  it("switches every user in one verified move after the preview, and keeps green when the guard holds", async () => {
    const router = new RoutingRouter();
    const state = new MemoryStateStore();
    const { input, canary } = rollout(router, blueGreenStrategy(plan(), versions), stages, {
      gates: ["ratio(p95) <= 1.5"],
      state,
    });
    const log: string[] = [];
    const outcome = await runRollout(input, { clock: new VirtualClock(), log: (l) => log.push(l) });
    expect(outcome).toMatchObject({ result: "promoted", finalWeight: 100, stepsCompleted: 2 });
    expect(router.moves).toEqual([{ canary: 100, mirror: 0 }]);
    expect(log).toContain(
      "switched: green (v2) serves 100% of users in one step (verified); blue (v1) stays up for the 30s guard window",
    );
    expect(state.rollouts[0]!.map((r) => r.phase)).toEqual(["starting", "step", "guard", "promoted"]);
    const report = buildReport(outcome, canary);
    expect(report.verdict).toBe("pass");
    expect(report.headline).toBe(
      "switched every user to v2 in one step after its preview passed and the 30s guard window passed with blue kept warm: no metric was worse than v1",
    );
    expect(report.outputs).toMatchObject({
      strategy: "blue-green",
      switched: "true",
      "switched-back": "false",
    });
  });

  it("switches back, verified, when green fails its guard window", async () => {
    const router = new RoutingRouter();
    const { input, canary } = rollout(
      router,
      blueGreenStrategy({ ...plan(), guardThresholds: parseThresholds(["p95 < 200ms"]) }, versions),
      stages,
      { gates: ["ratio(p95) <= 1.5"], draw: world((w) => (w === 100 ? 3 : 1)) },
    );
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(router.moves).toEqual([
      { canary: 100, mirror: 0 },
      { canary: 0, mirror: 0 },
    ]);
    expect(outcome).toMatchObject({
      result: "rolled-back",
      rolledBack: true,
      finalWeight: 0,
      stepsCompleted: 1,
    });
    const report = buildReport(outcome, canary);
    expect(report.verdict).toBe("fail");
    expect(report.headline).toMatch(
      /^p95 is [\d.]+ms, limit < 200ms — switched back to blue in the guard window after the switch; the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({ switched: "true", "switched-back": "true" });
  });

  it("never switches a green that fails its preview", async () => {
    const router = new RoutingRouter();
    const { input, canary } = rollout(router, blueGreenStrategy(plan(), versions), stages, {
      draw: world(() => 1.6),
    });
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome.stoppedAt?.phase).toBe("preview");
    expect(router.moves.every((m) => m.canary === 0)).toBe(true);
    const report = buildReport(outcome, canary);
    expect(report.headline).toMatch(
      / — stopped in the preview of green, before the switch; the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({ switched: "false", "switched-back": "false" });
    expect(renderMarkdown(report)).toContain("users: none — green was judged before any user reached it");
  });
});

describe("A/B", () => {
  function abRun(
    rates: { baseline: number; candidate: number },
    extra: { promote?: "manual" | "auto"; rule?: "sequential" | "fixed"; sampleSize?: number } = {},
  ) {
    const router = new RoutingRouter();
    const analysis = new AbAnalysis({
      metric: "conversion",
      events: fakeConversions({ perLook: 100, rates }),
      rule: extra.rule ?? "sequential",
      ...(extra.sampleSize ? { sampleSize: extra.sampleSize } : {}),
      alpha: 0.05,
      better: "increase",
      split: 50,
    });
    const strategy = abStrategy(
      { split: 50, sticky: { header: "x-client-id" }, maxMs: 600_000, promote: extra.promote ?? "manual" },
      { versions, analysis },
    );
    return {
      router,
      analysis,
      ...rollout(router, strategy, [{ weight: 50, watchMs: 600_000 }], { metrics: [] }),
    };
  }

  it("declares a better candidate early, with the effect and its interval, and returns traffic to the baseline", async () => {
    const { router, input, canary } = abRun({ baseline: 0.1, candidate: 0.2 });
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome.result).toBe("concluded");
    expect(outcome.steps[0]!.looks).toBeLessThan(60);
    expect(router.moves).toEqual([
      { canary: 50, mirror: 0, sticky: { header: "x-client-id" } },
      { canary: 0, mirror: 0 },
    ]);
    const report = buildReport(outcome, canary);
    expect(report.verdict).toBe("pass");
    expect(report.headline).toMatch(
      /^A\/B: v2 converts [\d.]+ points above \([\d.]+% vs [\d.]+%, \+[\d.]+% relative\) v1, effect \+[\d.]+ points \[\+[\d.]+, \+[\d.]+\] \(p = [\d.e-]+\) over \d+ units — v2 wins; not promoted \(promote: manual\); v1 serves every client again \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({
      decision: "candidate-better",
      strategy: "ab",
      result: "concluded",
    });
    expect(Number(report.outputs!["effect-low"])).toBeGreaterThan(0);
    expect(renderMarkdown(report)).toContain(
      "Decided by: sequential mSPRT on the difference of conversion rates, always-valid α = 0.05.",
    );
  });

  it("promotes a winner by itself only with promote: auto", async () => {
    const { router, input } = abRun({ baseline: 0.1, candidate: 0.2 }, { promote: "auto" });
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({ result: "promoted", finalWeight: 100 });
    expect(router.moves.at(-1)).toEqual({ canary: 100, mirror: 0 });
  });

  it("stops a worse candidate as soon as the evidence is convincing", async () => {
    const { router, input, canary } = abRun({ baseline: 0.2, candidate: 0.1 });
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome).toMatchObject({ result: "rolled-back", cause: "metric", metric: "conversion" });
    expect(router.routing).toEqual({ canary: 0, mirror: 0 });
    const report = buildReport(outcome, canary);
    expect(report.verdict).toBe("fail");
    expect(report.headline).toMatch(
      /^conversion: the candidate converts [\d.]+ points below .* — ended the experiment during the experiment; the baseline serves all traffic \(verified\)$/,
    );
  });

  it("reads a fixed-sample test once, at the planned size, and calls equal rates inconclusive", async () => {
    const { input, canary, analysis } = abRun(
      { baseline: 0.15, candidate: 0.15 },
      { rule: "fixed", sampleSize: 1500 },
    );
    const outcome = await runRollout(input, { clock: new VirtualClock() });
    expect(outcome.result).toBe("concluded");
    expect(analysis.result.counts.baseline.n).toBe(1500);
    expect(analysis.result.outcome).toBe("no-difference");
    const report = buildReport(outcome, canary);
    expect(report.verdict).toBe("warn");
    expect(report.outputs).toMatchObject({ decision: "no-difference" });
  });
});
