import type { AbDecisionRule } from "./ab/analysis.js";
import type { ConversionEventOptions } from "./ab/events.js";
import type { ResumeMode } from "./engine/rollout.js";
import type { JudgeSettings } from "./judge/judge-look.js";
import type { ProbeOptions } from "./metrics/probe.js";
import type { PrometheusOptions } from "./metrics/prometheus.js";
import type { MetricSpec, Versions } from "./metrics/types.js";
import type { WebOptions } from "./metrics/web.js";
import type { RolloutPlan } from "./plan/types.js";
import type { OutputThreshold } from "./shadow/analysis.js";
import type { LabelSourceOptions } from "./shadow/labels.js";
import type { LogPairOptions } from "./shadow/log-pairs.js";
import type { OutputSpec } from "./shadow/outputs.js";
import type { StateStore } from "./state/types.js";
import type { AbPlan } from "./strategy/ab.js";
import type { BlueGreenPlan } from "./strategy/blue-green.js";
import type { ShadowPlan } from "./strategy/shadow.js";
import type { CloudTrafficKind, CloudWatchSettings } from "./traffic/cloud-index.js";
import type { CommandProviderOptions } from "./traffic/command.js";
import type { EmbeddedRouter } from "./traffic/embedded.js";
import type { NginxOptions } from "./traffic/nginx.js";
import type { TrafficProvider } from "./traffic/types.js";

/** Which router to drive; `instance` hands in one already built (tests, the demo). */
export type TrafficSpec =
  | {
      kind: "embedded";
      baseline: string;
      candidate: string;
      host?: string;
      port?: number;
      /** Fields of mirrored answers to pair (shadow outputs). */
      outputs?: readonly OutputSpec[];
    }
  | { kind: "nginx"; options: NginxOptions }
  | { kind: "command"; options: CommandProviderOptions }
  /** A cloud router, from its `canary.traffic` entry (checked when the config loads, built at run time). */
  | { kind: "cloud"; provider: CloudTrafficKind; config: unknown; baseDir: string }
  | { kind: "instance"; provider: TrafficProvider };

/** A shadow run's settings beyond its plan: what is compared and where the pairs come from. */
export interface ShadowInput {
  kind: "shadow";
  plan: ShadowPlan;
  outputs: OutputSpec[];
  thresholds: OutputThreshold[];
  minPairs: number;
  /** For the intervals of agreement and paired accuracy. */
  confidence: number;
  /** The two versions' prediction logs, for routers that do not pair answers themselves. */
  logs?: Omit<LogPairOptions, "outputs">;
  labels?: LabelSourceOptions;
  savePairs?: string;
}

export interface AbInput {
  kind: "ab";
  plan: AbPlan;
  metric: string;
  events: Omit<ConversionEventOptions, "versions">;
  rule: AbDecisionRule;
  sampleSize?: number;
  alpha: number;
  better: "increase" | "decrease";
}

/** The strategy and its settings; absent means canary (the plan's steps). */
export type StrategyInput =
  | { kind: "canary" }
  | ShadowInput
  | { kind: "blue-green"; plan: BlueGreenPlan; logs?: Omit<LogPairOptions, "outputs"> }
  | AbInput;

/** Everything a canary needs, resolved and checked; `resolveCanary` builds it from mlgate.yml and flags. */
export interface CanaryInput {
  plan: RolloutPlan;
  /** How traffic reaches the candidate (default canary). */
  strategy?: StrategyInput;
  traffic: TrafficSpec;
  metrics: MetricSpec[];
  prometheus?: Omit<PrometheusOptions, "versions">;
  web?: Omit<WebOptions, "versions">;
  probe?: Omit<ProbeOptions, "now">;
  /** `canary.cloudwatch`, when a metric reads CloudWatch. */
  cloudwatch?: CloudWatchSettings;
  judge: JudgeSettings & { mode: "sequential" | "mann-whitney" };
  versions: Versions;
  environment: string;
  resume: ResumeMode;
  /** Where progress is recorded; none means a re-run cannot resume. */
  state?: StateStore;
  /** Header values read from the environment: the caller masks them in logs. */
  secrets?: string[];
  /** Called once the embedded router listens (where to send traffic). */
  onRouter?: (router: EmbeddedRouter) => void;
}

export const CANARY_GATE = "canary";
