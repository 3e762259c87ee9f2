import { errorReport, type Report } from "@mlgate/core";
import type { Clock } from "./engine/clock.js";
import { runRollout } from "./engine/rollout.js";
import { CANARY_GATE, type CanaryInput } from "./input.js";
import { ProbeSource } from "./metrics/probe.js";
import { PrometheusSource } from "./metrics/prometheus.js";
import type { MetricSource } from "./metrics/types.js";
import { WebSource } from "./metrics/web.js";
import { buildReport } from "./report/build-report.js";
import { buildStrategy } from "./strategy/build.js";
import { CLOUD_TRAFFIC_PROVIDERS, createCloudWatchSource } from "./traffic/cloud-index.js";
import { CommandProvider } from "./traffic/command.js";
import { EmbeddedRouter } from "./traffic/embedded.js";
import { NginxProvider } from "./traffic/nginx.js";
import type { TrafficProvider } from "./traffic/types.js";

export interface RunCanaryOptions {
  clock?: Clock;
  log?: (line: string) => void;
  /** Abort to cancel: the rollout rolls back and the report says so. */
  signal?: AbortSignal;
}

/** Build the router the input names; the caller closes it. */
export async function createTrafficProvider(input: CanaryInput, clock?: Clock): Promise<TrafficProvider> {
  const t = input.traffic;
  switch (t.kind) {
    case "cloud":
      return CLOUD_TRAFFIC_PROVIDERS[t.provider](t.config as never, {
        baseDir: t.baseDir,
        ...(clock ? { clock } : {}),
      });
    case "instance":
      return t.provider;
    case "nginx":
      return new NginxProvider(t.options);
    case "command":
      return new CommandProvider(t.options);
    case "embedded": {
      const router = await EmbeddedRouter.start({
        baseline: t.baseline,
        candidate: t.candidate,
        ...(t.host ? { host: t.host } : {}),
        ...(t.port !== undefined ? { port: t.port } : {}),
        ...(t.outputs ? { outputs: t.outputs } : {}),
      });
      input.onRouter?.(router);
      return router;
    }
  }
}

function createSources(input: CanaryInput, clock?: Clock): MetricSource[] {
  const sources: MetricSource[] = [];
  if (input.cloudwatch) {
    sources.push(
      createCloudWatchSource(input.cloudwatch, { versions: input.versions, ...(clock ? { clock } : {}) }),
    );
  }
  if (input.prometheus) sources.push(new PrometheusSource({ ...input.prometheus, versions: input.versions }));
  if (input.web) sources.push(new WebSource({ ...input.web, versions: input.versions }));
  if (input.probe) sources.push(new ProbeSource(input.probe));
  return sources;
}

/**
 * Run the canary: drive the router step by step, judge the metrics at every look, promote or roll
 * back, and report. Never rejects: anything that stops the gate from judging is an `error` report.
 */
export async function runCanary(input: CanaryInput, options: RunCanaryOptions = {}): Promise<Report> {
  const sources: MetricSource[] = [];
  let traffic: TrafficProvider | undefined;
  try {
    sources.push(...createSources(input, options.clock));
    traffic = await createTrafficProvider(input, options.clock);
    const built = buildStrategy(input, traffic, sources);
    sources.push(...built.sources);
    const outcome = await runRollout(
      {
        plan: input.plan,
        strategy: built.strategy,
        traffic,
        sources,
        metrics: input.metrics,
        judge: input.judge,
        versions: input.versions,
        environment: input.environment,
        resume: input.resume,
        ...(input.state ? { state: input.state } : {}),
      },
      options,
    );
    return buildReport(outcome, input);
  } catch (e) {
    return errorReport(CANARY_GATE, e);
  } finally {
    await Promise.allSettled(sources.map((s) => s.close()));
    // A router handed in belongs to the caller.
    if (traffic && input.traffic.kind !== "instance") await traffic.close().catch(() => {});
  }
}

/**
 * Roll back without a rollout: what the action's post step does when the job was cancelled or
 * crashed mid-rollout. Verified by reading the weights back; returns them.
 */
export async function rollbackNow(input: CanaryInput): Promise<number> {
  const traffic = await createTrafficProvider(input);
  try {
    return (await traffic.rollback()).canary;
  } finally {
    if (input.traffic.kind !== "instance") await traffic.close().catch(() => {});
  }
}
