import type { ResumeMode } from "./engine/rollout.js";
import type { JudgeSettings } from "./judge/judge-look.js";
import type { ProbeOptions } from "./metrics/probe.js";
import type { PrometheusOptions } from "./metrics/prometheus.js";
import type { MetricSpec, Versions } from "./metrics/types.js";
import type { WebOptions } from "./metrics/web.js";
import type { RolloutPlan } from "./plan/types.js";
import type { StateStore } from "./state/types.js";
import type { CloudTrafficKind, CloudWatchSettings } from "./traffic/cloud-index.js";
import type { CommandProviderOptions } from "./traffic/command.js";
import type { EmbeddedRouter } from "./traffic/embedded.js";
import type { NginxOptions } from "./traffic/nginx.js";
import type { TrafficProvider } from "./traffic/types.js";

/** Which router to drive; `instance` hands in one already built (tests, the demo). */
export type TrafficSpec =
  | { kind: "embedded"; baseline: string; candidate: string; host?: string; port?: number }
  | { kind: "nginx"; options: NginxOptions }
  | { kind: "command"; options: CommandProviderOptions }
  /** A cloud router, from its `canary.traffic` entry (checked when the config loads, built at run time). */
  | { kind: "cloud"; provider: CloudTrafficKind; config: unknown; baseDir: string }
  | { kind: "instance"; provider: TrafficProvider };

/** Everything a canary needs, resolved and checked; `resolveCanary` builds it from mlgate.yml and flags. */
export interface CanaryInput {
  plan: RolloutPlan;
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
