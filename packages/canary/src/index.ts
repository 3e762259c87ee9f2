export { defaultProbeMetrics, parseMetricFlag } from "./config/metric-spec.js";
export {
  type CanaryOverrides,
  type ResolvedCanary,
  resolveCanary,
  TRAFFIC_KINDS,
  type TrafficKind,
} from "./config/resolve.js";
export { CANARY_FUNCTIONS, type CanarySection, canarySection } from "./config/section.js";
export { type Clock, realClock, VirtualClock } from "./engine/clock.js";
export type {
  RolloutOutcome,
  RolloutResult,
  StepRecord,
  StopCause,
  TimelinePoint,
} from "./engine/outcome.js";
export { type ResumeMode, type RolloutInput, type RolloutOptions, runRollout } from "./engine/rollout.js";
export { CANARY_GATE, type CanaryInput, type TrafficSpec } from "./input.js";
export { holmAdjust } from "./judge/holm.js";
export {
  DEFAULT_KS_LIMIT,
  DEFAULT_PSI_LIMIT,
  DEFAULT_TAU_SD,
  type Evaluation,
  type JudgeSettings,
  judgeLook,
  type LookContext,
  type LookResult,
} from "./judge/judge-look.js";
export { hodgesLehmann, type MannWhitneyResult, mannWhitney } from "./judge/mann-whitney.js";
export { logNormalCdf, normalCdf, normalQuantile, normalSurvival } from "./judge/normal.js";
export {
  type ArmMoments,
  binaryMoments,
  type SequentialInput,
  type SequentialResult,
  sequentialTest,
} from "./judge/sequential.js";
export {
  type KolmogorovSmirnovResult,
  kolmogorovSmirnov,
  kolmogorovSurvival,
  populationStabilityIndex,
} from "./judge/shift.js";
export { aggregate, Reservoir, RunningMoments } from "./judge/summary.js";
export { MetricTrack } from "./judge/track.js";
export { MAX_PATH_LENGTH, numbersAt, type PathSegment, parsePath, selectPath } from "./metrics/json-path.js";
export { type ProbeOptions, ProbeSource } from "./metrics/probe.js";
export { type PrometheusOptions, PrometheusSource } from "./metrics/prometheus.js";
export * from "./metrics/types.js";
export { type WebOptions, WebSource } from "./metrics/web.js";
export * from "./plan/index.js";
export { buildReport } from "./report/build-report.js";
export { createTrafficProvider, type RunCanaryOptions, rollbackNow, runCanary } from "./run-canary.js";
export { FileStateStore } from "./state/file.js";
export { MemoryStateStore } from "./state/memory.js";
export { isOpen, PHASES, type Phase } from "./state/phase.js";
export { formatRecordLine, parseRecordLine } from "./state/record-line.js";
export type { RolloutRecord, StateStore } from "./state/types.js";
export {
  CLOUD_TRAFFIC_PROVIDERS,
  CLOUD_TRAFFIC_SCHEMAS,
  type CloudRuntime,
  type CloudTrafficKind,
  type CloudWatchSettings,
  checkCloudWatchQuery,
  cloudwatchSettingsSchema,
  createCloudWatchSource,
} from "./traffic/cloud-index.js";
export { CommandProvider, type CommandProviderOptions, parseReportedWeights } from "./traffic/command.js";
export { EmbeddedRouter, type EmbeddedRouterOptions, ROUTE_HEADER } from "./traffic/embedded.js";
export { type NginxLiveCheck, type NginxOptions, NginxProvider } from "./traffic/nginx.js";
export { checkLayout, parseUpstream, renderUpstream, type UpstreamLayout } from "./traffic/nginx-upstream.js";
export { runCommand } from "./traffic/run-command.js";
export {
  checkWeights,
  sameWeights,
  type TrafficProvider,
  VerifiedProvider,
  type Weights,
} from "./traffic/types.js";
export { SmoothWeightedChoice } from "./traffic/weighted-choice.js";
