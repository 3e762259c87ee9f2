import {
  closestMatches,
  didYouMean,
  type GateConfigSource,
  GateError,
  loadGateSection,
  parseThresholds,
  type ReportSettings,
  reportSettingsOf,
  type Threshold,
} from "@mlgate/core";
import { parseDuration } from "@mlgate/load";
import type { ResumeMode } from "../engine/rollout.js";
import { CANARY_GATE, type CanaryInput } from "../input.js";
import { DEFAULT_KS_LIMIT, DEFAULT_PSI_LIMIT, DEFAULT_TAU_SD } from "../judge/judge-look.js";
import { type MetricSpec, VERSION_LABEL, type Versions } from "../metrics/types.js";
import { buildPlan, buildStagePlan } from "../plan/build-plan.js";
import { parseSteps, type WrittenStep } from "../plan/parse-steps.js";
import type { FailureClass, FailurePolicy } from "../plan/types.js";
import { defaultProbeMetrics, metricSpecOf, parseMetricFlag, percentOf } from "./metric-spec.js";
import { expandHeaders, probeOf } from "./probe.js";
import {
  CANARY_FUNCTIONS,
  type CanarySection,
  canarySection,
  type MetricEntry,
  type StepEntry,
} from "./section.js";
import {
  defaultStrategyMetrics,
  outputsOf,
  type StrategyOverrides,
  splitThresholds,
  stagesOf,
  strategyInputOf,
  strategyOf,
} from "./strategy.js";
import { checkHttpUrl, type TrafficKind, trafficOf } from "./traffic.js";

export { TRAFFIC_KINDS, type TrafficKind } from "./traffic.js";

/** What the command line or the action inputs say; these win over the config file. */
export interface CanaryOverrides extends StrategyOverrides {
  provider?: TrafficKind;
  baseline?: string;
  candidate?: string;
  baselineVersion?: string;
  candidateVersion?: string;
  steps?: string;
  /** One-line metrics (`NAME=PROVIDER:QUERY|key=value`); they replace the config's. */
  metrics?: string[];
  gates?: string[];
  interval?: string;
  guard?: string;
  timeScale?: number;
  judge?: "sequential" | "mann-whitney";
  confidence?: number;
  minSamples?: number;
  prometheusUrl?: string;
  probeRate?: string;
  prediction?: string;
  environment?: string;
  resume?: ResumeMode;
  onFailure?: FailurePolicy;
  /** Where `${env.NAME}` in headers reads from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedCanary {
  input: CanaryInput;
  /** The section's `report:` block; the caller's own flags and inputs win over it. */
  report: ReportSettings;
}

const DEFAULT_MIN_SAMPLES = 20;

/** Merge the config file's section with overrides into the gate's input. */
export async function resolveCanary(
  overrides: CanaryOverrides,
  source: GateConfigSource,
): Promise<ResolvedCanary> {
  const loaded = await loadGateSection(CANARY_GATE, canarySection, source);
  const section: CanarySection = loaded.section ?? ({} as CanarySection);
  const baseDir = loaded.baseDir;
  const secrets: string[] = [];
  const env = overrides.env ?? process.env;
  const expand = (h: Record<string, string> | undefined, where: string) =>
    expandHeaders(h, where, env, secrets);

  const versions = versionsOf(overrides, section);
  const kind = strategyOf(overrides, section);
  const traffic = trafficOf(overrides, section, baseDir);
  const strategyContext = { kind, section, overrides, baseDir, traffic };
  const planSettings = {
    ...durationKey("intervalMs", overrides.interval ?? section.interval, "interval"),
    ...((overrides.timeScale ?? section["time-scale"])
      ? { timeScale: overrides.timeScale ?? section["time-scale"]! }
      : {}),
    ...(section["max-extensions"] !== undefined ? { maxExtensions: section["max-extensions"] } : {}),
    ...(section["provider-failures"] !== undefined
      ? { maxProviderFailures: section["provider-failures"] }
      : {}),
    ...(policyOf(overrides, section) ? { policy: policyOf(overrides, section)! } : {}),
  };
  if (kind !== "canary" && (overrides.steps !== undefined || section.steps !== undefined)) {
    throw new GateError(
      `strategy ${kind} has no steps; ${overrides.steps !== undefined ? "--steps" : "canary.steps"} applies to canary`,
      {
        hint:
          kind === "shadow"
            ? "set canary.shadow.duration (and mirror)"
            : kind === "blue-green"
              ? "set canary.blue-green.preview and .guard"
              : "set canary.ab.split and .max-duration",
      },
    );
  }
  const plan =
    kind === "canary"
      ? buildPlan({
          steps: stepsOf(overrides, section),
          where: overrides.steps !== undefined ? "--steps" : "canary.steps",
          ...durationKey("guardMs", overrides.guard ?? section.guard, "guard"),
          ...planSettings,
        })
      : buildStagePlan({ strategy: kind, stages: stagesOf(strategyContext), ...planSettings });

  const mode = overrides.judge ?? section.judge ?? "sequential";
  const confidence = overrides.confidence ?? section.confidence ?? (mode === "sequential" ? 0.99 : 0.98);
  const minSamples = overrides.minSamples ?? section["min-samples"] ?? DEFAULT_MIN_SAMPLES;
  const prediction = overrides.prediction ?? section.probe?.prediction;
  const outputs = kind === "shadow" ? outputsOf(overrides, section) : [];
  const endpoints = Boolean(
    (section.probe?.baseline ?? overrides.baseline ?? section.baseline) &&
      (section.probe?.candidate ?? overrides.candidate ?? section.candidate),
  );

  const entries: MetricEntry[] =
    overrides.metrics && overrides.metrics.length > 0
      ? overrides.metrics.map(parseMetricFlag)
      : (section.metrics ??
        (kind === "canary"
          ? defaultProbeMetrics(prediction !== undefined)
          : defaultStrategyMetrics(
              strategyContext,
              defaultProbeMetrics(prediction !== undefined),
              endpoints,
            )));
  const metrics = entries.map((e, i) =>
    metricSpecOf(
      e,
      { compare: mode, minSamples },
      overrides.metrics?.length ? `--metric ${e.name}` : `canary.metrics[${i}]`,
    ),
  );
  checkUnique(metrics);
  for (const o of outputs) {
    if (metrics.some((m) => m.name === o.name)) {
      throw new GateError(`"${o.name}" names both a metric and a shadow output`, {
        hint: "give the output another name",
      });
    }
  }
  checkVersionsNeeded(
    metrics,
    Boolean(section.versions || overrides.baselineVersion || overrides.candidateVersion),
  );

  const parsed = parseThresholds([...(overrides.gates ?? section.gates ?? [])], {
    functions: CANARY_FUNCTIONS,
  });
  const split = splitThresholds(kind, parsed, outputs);
  const thresholds = thresholdsOf(split.metric, metrics);
  const bg = section["blue-green"];
  const guardThresholds = bg?.["guard-gates"]
    ? thresholdsOf(parseThresholds(bg["guard-gates"], { functions: CANARY_FUNCTIONS }), metrics)
    : undefined;
  const guardMetrics = bg?.["guard-metrics"];
  for (const name of guardMetrics ?? []) {
    if (!metrics.some((m) => m.name === name))
      throw new GateError(`canary.blue-green.guard-metrics: no metric named "${name}"`, {
        hint: `metrics: ${metrics.map((m) => m.name).join(", ")}`,
      });
  }
  const uses = (provider: MetricSpec["provider"]) => metrics.some((m) => m.provider === provider);
  const strategy = strategyInputOf(
    strategyContext,
    plan,
    { output: split.output, ...(guardThresholds ? { guard: guardThresholds } : {}) },
    outputs,
    guardMetrics,
  );
  if (strategy.kind === "shadow" && traffic.kind === "embedded") traffic.outputs = outputs;
  if (uses("shadow")) {
    const paired =
      strategy.kind === "shadow" ||
      (strategy.kind === "blue-green" && strategy.plan.mirror > 0 && traffic.kind === "embedded");
    if (!paired) {
      throw new GateError(
        "shadow metrics read the paired answers of mirrored requests, which this run does not have",
        {
          hint: "use them with strategy: shadow, or blue-green with mirror on the embedded router; elsewhere use probe or prometheus metrics",
        },
      );
    }
  }

  const input: CanaryInput = {
    plan,
    ...(kind !== "canary" ? { strategy } : {}),
    traffic,
    metrics,
    judge: {
      mode,
      alpha: 1 - confidence,
      tauSd: DEFAULT_TAU_SD,
      thresholds,
      psiLimit: section["psi-limit"] ?? DEFAULT_PSI_LIMIT,
      ksLimit: section["ks-limit"] ?? DEFAULT_KS_LIMIT,
    },
    versions,
    environment: overrides.environment ?? section.environment ?? "production",
    resume: overrides.resume ?? section.resume ?? "auto",
    secrets,
  };
  if (uses("prometheus")) {
    const p = section.prometheus;
    const url = overrides.prometheusUrl ?? p?.url;
    if (!url)
      throw new GateError("prometheus metrics need the server's URL", {
        hint: "set canary.prometheus.url or --prometheus-url",
      });
    const stepMs = p?.step ? parseDuration(p.step, "canary.prometheus.step") : 15_000;
    const headers = expand(p?.headers, "canary.prometheus.headers");
    input.prometheus = {
      url: checkHttpUrl(url, "the Prometheus URL"),
      stepMs,
      delayMs: p?.delay ? parseDuration(p.delay, "canary.prometheus.delay") : 2 * stepMs,
      timeoutMs: p?.timeout ? parseDuration(p.timeout, "canary.prometheus.timeout") : 10_000,
      ...(headers ? { headers } : {}),
    };
  }
  if (uses("web")) {
    const headers = expand(section.web?.headers, "canary.web.headers");
    input.web = {
      timeoutMs: section.web?.timeout ? parseDuration(section.web.timeout, "canary.web.timeout") : 10_000,
      ...(headers ? { headers } : {}),
    };
  }
  const replay = strategy.kind === "shadow" && strategy.plan.source === "probe";
  if (uses("probe") || replay) {
    input.probe = await probeOf(overrides, section, baseDir, prediction, expand);
    if (replay) input.probe.outputs = outputs;
  }
  if (uses("cloudwatch")) input.cloudwatch = section.cloudwatch ?? {};
  return { input, report: reportSettingsOf(section.report, baseDir) };
}

function durationKey<K extends string>(
  key: K,
  text: string | undefined,
  what: string,
): Partial<Record<K, number>> {
  return text === undefined ? {} : ({ [key]: parseDuration(text, what) } as Record<K, number>);
}

function versionsOf(o: CanaryOverrides, s: CanarySection): Versions {
  const versions = {
    baseline: o.baselineVersion ?? s.versions?.baseline ?? "baseline",
    candidate: o.candidateVersion ?? s.versions?.candidate ?? "candidate",
  };
  for (const [side, label] of Object.entries(versions)) {
    if (!VERSION_LABEL.test(label)) {
      throw new GateError(
        `the ${side} version label "${label}" holds characters that cannot go into a query`,
        {
          hint: "use letters, digits and _ . : + @ / -",
        },
      );
    }
  }
  if (versions.baseline === versions.candidate) {
    throw new GateError(`the baseline and the candidate have the same version label "${versions.baseline}"`);
  }
  return versions;
}

function stepsOf(o: CanaryOverrides, s: CanarySection): WrittenStep[] {
  if (o.steps !== undefined) return parseSteps(o.steps, "--steps");
  if (s.steps === undefined) {
    throw new GateError("no rollout steps", {
      hint: "set canary.steps or --steps, e.g. 5% 5m, 25% 10m, 50% 10m, 100%",
    });
  }
  if (typeof s.steps === "string") return parseSteps(s.steps, "canary.steps");
  return s.steps.map((item: StepEntry, i) => {
    const where = `canary.steps[${i}]`;
    if (typeof item === "string") {
      const parsed = parseSteps(item, where);
      if (parsed.length !== 1)
        throw new GateError(`${where} holds ${parsed.length} steps; write one per list item`);
      return parsed[0]!;
    }
    const weight = percentOf(item.weight, `${where}.weight`);
    return { weight, ...(item.bake ? { bakeMs: parseDuration(item.bake, `${where}.bake`) } : {}) };
  });
}

function policyOf(
  o: CanaryOverrides,
  s: CanarySection,
): FailurePolicy | Partial<Record<FailureClass, FailurePolicy>> | undefined {
  if (o.onFailure) return o.onFailure;
  const p = s["on-failure"];
  if (p === undefined) return undefined;
  if (typeof p === "string") return p as FailurePolicy;
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Partial<
    Record<FailureClass, FailurePolicy>
  >;
}

function checkUnique(metrics: readonly MetricSpec[]): void {
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m.name))
      throw new GateError(`two metrics are named "${m.name}"`, { hint: "give each metric its own name" });
    seen.add(m.name);
  }
}

function checkVersionsNeeded(metrics: readonly MetricSpec[], labelsGiven: boolean): void {
  const own = (m: MetricSpec) => m.provider === "probe" || m.provider === "shadow";
  const templated = metrics.find((m) => !own(m) && !/\{\{\s*version\s*\}\}/.test(m.query));
  if (templated) {
    throw new GateError(
      `metric ${templated.name}: the query has no {{version}}, so it cannot tell the candidate from the baseline`,
      {
        hint: 'select the version in the query, e.g. version="{{version}}"',
      },
    );
  }
  if (metrics.some((m) => !own(m)) && !labelsGiven) {
    // Defaults are fine for the probe, but a query filled with "baseline" is almost never what was meant.
    throw new GateError("prometheus and web metrics need the version labels of both sides", {
      hint: "set canary.versions.baseline and .candidate (or --baseline-version and --candidate-version)",
    });
  }
}

function thresholdsOf(thresholds: Threshold[], metrics: readonly MetricSpec[]): Threshold[] {
  const names = metrics.map((m) => m.name);
  for (const t of thresholds) {
    if (t.slice !== undefined) throw new GateError(`threshold "${t.source}": the canary has no slices`);
    if (!names.includes(t.metric)) {
      const guess = didYouMean(closestMatches(t.metric, names));
      throw new GateError(
        `threshold "${t.source}": no metric named "${t.metric}"${guess ? `; ${guess}` : ""}`,
        {
          hint: `metrics: ${names.join(", ")}`,
        },
      );
    }
  }
  return thresholds;
}
