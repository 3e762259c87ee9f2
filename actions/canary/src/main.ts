import {
  type CanaryInput,
  formatWeight,
  isOpen,
  resolveCanary,
  rollbackNow,
  runCanary,
  STRATEGIES,
  type Strategy,
  TRAFFIC_KINDS,
  type TrafficKind,
} from "@mlgate/canary";
import { describeError } from "@mlgate/core";
import {
  configLocation,
  connectGitHub,
  GATE_ACTION_INPUTS,
  publishFromInputs,
  readInputs,
  repositoryFromEnv,
  runGateAction,
  runner,
  runUrl,
  saveStepState,
  stepState,
} from "@mlgate/github";
import { z } from "zod";
import { GitHubDeploymentStore } from "./deployment-store.js";

// Inputs left empty fall back to the config file's keys, then to the gate's defaults.
const inputs = z.object({
  strategy: z.enum(STRATEGIES as [Strategy, ...Strategy[]]).optional(),
  provider: z.enum(TRAFFIC_KINDS as [TrafficKind, ...TrafficKind[]]).optional(),
  baseline: z.string().optional(),
  candidate: z.string().optional(),
  baselineVersion: z.string().optional(),
  candidateVersion: z.string().optional(),
  steps: z.string().optional(),
  metrics: z.array(z.string()).optional(),
  gates: z.array(z.string()).optional(),
  interval: z.string().optional(),
  guard: z.string().optional(),
  timeScale: z.number().gt(0).max(1000).optional(),
  judge: z.enum(["sequential", "mann-whitney"]).optional(),
  confidence: z.number().gt(0.5).lt(1).optional(),
  minSamples: z.int().min(2).optional(),
  prometheusUrl: z.string().optional(),
  probeRate: z.string().optional(),
  prediction: z.string().optional(),
  environment: z.string().optional(),
  resume: z.enum(["auto", "restart", "cleanup"]).optional(),
  onFailure: z.enum(["rollback", "pause", "hold"]).optional(),
  mirror: z.string().optional(),
  duration: z.string().optional(),
  shadowSource: z.enum(["router", "probe"]).optional(),
  shadowOutputs: z.array(z.string()).optional(),
  split: z.string().optional(),
  sticky: z.string().optional(),
  promote: z.enum(["manual", "auto"]).optional(),
  sampleSize: z.int().min(10).max(100_000_000).optional(),
  deployments: z.boolean().default(true),
  ...GATE_ACTION_INPUTS,
});

type Given = z.output<typeof inputs>;

/** Saved for the post step: the main step began moving traffic and has not finished. */
const ROLLOUT_STATE = "rollout";

function mask(secrets: readonly string[] | undefined): void {
  for (const s of secrets ?? []) if (s.trim() !== "") runner.setSecret(s);
}

async function resolve(given: Given): Promise<CanaryInput> {
  const { input } = await resolveCanary(
    {
      provider: given.provider,
      baseline: given.baseline,
      candidate: given.candidate,
      baselineVersion: given.baselineVersion,
      candidateVersion: given.candidateVersion,
      steps: given.steps,
      metrics: given.metrics,
      gates: given.gates,
      interval: given.interval,
      guard: given.guard,
      timeScale: given.timeScale,
      judge: given.judge,
      confidence: given.confidence,
      minSamples: given.minSamples,
      prometheusUrl: given.prometheusUrl,
      probeRate: given.probeRate,
      prediction: given.prediction,
      environment: given.environment,
      resume: given.resume,
      onFailure: given.onFailure,
      strategy: given.strategy,
      mirror: given.mirror,
      duration: given.duration,
      shadowSource: given.shadowSource,
      shadowOutputs: given.shadowOutputs,
      split: given.split,
      sticky: given.sticky,
      promote: given.promote,
      sampleSize: given.sampleSize,
    },
    configLocation(given),
  );
  mask(input.secrets);
  return input;
}

async function deploymentStore(given: Given, input: CanaryInput): Promise<GitHubDeploymentStore | undefined> {
  const repository = repositoryFromEnv();
  if (!given.deployments || !given.token || !repository) return undefined;
  const logUrl = runUrl();
  return new GitHubDeploymentStore(await connectGitHub(given.token), repository, {
    environment: input.environment,
    ref: process.env.GITHUB_SHA ?? "HEAD",
    ...(logUrl ? { logUrl } : {}),
  });
}

/** The main step: run the rollout; a cancelled job (SIGINT, SIGTERM) rolls back before it exits. */
async function main(): Promise<void> {
  saveStepState("post", "true");
  await runGateAction("canary", async () => {
    const given = readInputs(inputs);
    const input = await resolve(given);
    const store = await deploymentStore(given, input);
    if (store) input.state = store;
    const abort = new AbortController();
    const cancel = (signal: string) => {
      runner.warning(`received ${signal}: stopping the rollout and rolling back`);
      abort.abort(new Error(`received ${signal}`));
    };
    process.once("SIGINT", () => cancel("SIGINT"));
    process.once("SIGTERM", () => cancel("SIGTERM"));
    saveStepState(ROLLOUT_STATE, "started");
    const report = await runCanary(input, { log: (line) => runner.info(line), signal: abort.signal });
    saveStepState(ROLLOUT_STATE, "finished");
    return {
      report,
      publish: publishFromInputs(given),
    };
  });
}

/**
 * The post step runs however the job ended. When the main step began a rollout and never finished
 * it (the job was cancelled, or the process died), roll back and record why.
 */
async function post(): Promise<void> {
  if (stepState(ROLLOUT_STATE) !== "started") {
    runner.info("canary: the main step finished the rollout (or never began one); nothing to clean up");
    return;
  }
  try {
    const given = readInputs(inputs);
    const input = await resolve(given);
    if (input.traffic.kind === "embedded") {
      runner.info("canary: the embedded router ended with the main step; nothing to roll back");
      return;
    }
    const store = await deploymentStore(given, input);
    const open = store ? await store.latest() : undefined;
    if (store && open && !isOpen(open.phase)) {
      runner.info(`canary: the rollout already ended (${open.phase}); nothing to clean up`);
      return;
    }
    runner.warning("canary: the job ended mid-rollout (cancelled or crashed); rolling back");
    const weight = await rollbackNow(input);
    const reason = "the job ended mid-rollout (cancelled or crashed); rolled back by the post step";
    runner.info(`canary: rolled back; the candidate serves ${formatWeight(weight)} (verified)`);
    if (store && open) await store.update({ ...open, weight, phase: "rolled-back", reason });
  } catch (e) {
    runner.setFailed(
      `mlgate canary could not roll back after the job ended mid-rollout: ${describeError(e)}`,
    );
  }
}

await (stepState("post") === "true" ? post() : main());
