export {
  AbAnalysis,
  type AbAnalysisOptions,
  type AbDecisionRule,
  type AbOutcome,
  type AbState,
} from "./ab/analysis.js";
export {
  type ConversionCounts,
  type ConversionEventOptions,
  ConversionEvents,
  MAX_UNITS,
} from "./ab/events.js";
export { defaultProbeMetrics, parseMetricFlag } from "./config/metric-spec.js";
export {
  type CanaryOverrides,
  type ResolvedCanary,
  resolveCanary,
  TRAFFIC_KINDS,
  type TrafficKind,
} from "./config/resolve.js";
export { CANARY_FUNCTIONS, type CanarySection, canarySection } from "./config/section.js";
export {
  checkRouterCan,
  parseOutputFlag,
  parseStickyFlag,
  type StrategyOverrides,
} from "./config/strategy.js";
export { type Clock, realClock, VirtualClock } from "./engine/clock.js";
export type {
  RolloutOutcome,
  RolloutResult,
  StepRecord,
  StopCause,
  TimelinePoint,
} from "./engine/outcome.js";
export { type ResumeMode, type RolloutInput, type RolloutOptions, runRollout } from "./engine/rollout.js";
export {
  type AbInput,
  CANARY_GATE,
  type CanaryInput,
  type ShadowInput,
  type StrategyInput,
  type TrafficSpec,
} from "./input.js";
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
export {
  ALL_OUTPUT_FUNCTIONS,
  describeComparison,
  MAX_KEPT_PAIRS,
  OUTPUT_FUNCTIONS,
  type OutputComparison,
  type OutputThreshold,
  outputThresholdOf,
  ShadowAnalysis,
  type ShadowAnalysisOptions,
} from "./shadow/analysis.js";
export { JsonlTail, type JsonlTailOptions, type TailRead } from "./shadow/jsonl-tail.js";
export { LabelSource, type LabelSourceOptions } from "./shadow/labels.js";
export { type LogPairOptions, LogPairSource } from "./shadow/log-pairs.js";
export {
  checkOutputs,
  extractOutputs,
  MAX_OUTPUTS,
  type OutputKind,
  type OutputSpec,
  type OutputValues,
  outputSpec,
  outputsOfBody,
} from "./shadow/outputs.js";
export { PairMetricSource } from "./shadow/pair-metrics.js";
export {
  type AnswerPair,
  MAX_BUFFERED_PAIRS,
  PairBuffer,
  PairJoiner,
  type PairSource,
  type SideAnswer,
} from "./shadow/pairs.js";
export { FileStateStore } from "./state/file.js";
export { MemoryStateStore } from "./state/memory.js";
export { isOpen, PHASES, type Phase } from "./state/phase.js";
export { formatRecordLine, parseRecordLine } from "./state/record-line.js";
export type { RolloutRecord, StateStore } from "./state/types.js";
export { type AbPlan, abStrategy } from "./strategy/ab.js";
export { type BlueGreenPlan, blueGreenStrategy } from "./strategy/blue-green.js";
export { buildStrategy } from "./strategy/build.js";
export { canaryStages, canaryStrategy } from "./strategy/canary.js";
export { type ShadowPlan, type ShadowSource, shadowStrategy } from "./strategy/shadow.js";
export type {
  AnalysisContext,
  AnalysisFailure,
  AnalysisLook,
  Conclusion,
  EndState,
  RolloutStrategy,
  Stage,
  StageAnalysis,
  StageKind,
  StageWords,
  StrategySummary,
} from "./strategy/types.js";
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
export {
  EmbeddedRouter,
  type EmbeddedRouterOptions,
  MAX_MIRROR_BODY_BYTES,
  REQUEST_ID_HEADER,
  ROUTE_HEADER,
  SHADOW_HEADER,
  stickyValue,
} from "./traffic/embedded.js";
export { type NginxLiveCheck, type NginxOptions, NginxProvider } from "./traffic/nginx.js";
export {
  checkStickyKey,
  keylessKey,
  mirrorUri,
  nginxHashSlot,
  parseRouting,
  type RenderedRouting,
  renderRouting,
  routingToken,
  routingUri,
  stickyVariable,
} from "./traffic/nginx-routing.js";
export {
  checkLayout,
  parseUpstream,
  renderUpstream,
  type UpstreamLayout,
  upstreamWeights,
} from "./traffic/nginx-upstream.js";
export { runCommand } from "./traffic/run-command.js";
export {
  checkWeights,
  describeRouting,
  describeSticky,
  isRoutingProvider,
  type Routing,
  type RoutingAbilities,
  type RoutingProvider,
  type StickyKey,
  sameSticky,
  sameWeights,
  type TrafficProvider,
  VerifiedProvider,
  VerifiedRoutingProvider,
  type Weights,
} from "./traffic/types.js";
export { SmoothWeightedChoice } from "./traffic/weighted-choice.js";
