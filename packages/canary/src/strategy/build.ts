import { GateError } from "@mlgate/core";
import { AbAnalysis } from "../ab/analysis.js";
import { ConversionEvents } from "../ab/events.js";
import type { CanaryInput } from "../input.js";
import { ProbeSource } from "../metrics/probe.js";
import type { MetricSource } from "../metrics/types.js";
import { ShadowAnalysis } from "../shadow/analysis.js";
import { LabelSource } from "../shadow/labels.js";
import { type LogPairOptions, LogPairSource } from "../shadow/log-pairs.js";
import type { OutputSpec } from "../shadow/outputs.js";
import { PairMetricSource } from "../shadow/pair-metrics.js";
import type { PairSource } from "../shadow/pairs.js";
import type { TrafficProvider } from "../traffic/types.js";
import { abStrategy } from "./ab.js";
import { blueGreenStrategy } from "./blue-green.js";
import { canaryStrategy } from "./canary.js";
import { shadowStrategy } from "./shadow.js";
import type { RolloutStrategy } from "./types.js";

function isPairSource(x: unknown): x is PairSource {
  return typeof (x as Partial<PairSource> | null)?.drainPairs === "function";
}

/**
 * Where paired answers come from: the probe (replay), the router itself when it pairs (the embedded
 * router), or the two versions' prediction logs.
 */
function pairSourceOf(
  traffic: TrafficProvider,
  sources: readonly MetricSource[],
  viaProbe: boolean,
  logs: Omit<LogPairOptions, "outputs"> | undefined,
  outputs: readonly OutputSpec[],
): PairSource {
  if (viaProbe) {
    const probe = sources.find((s): s is ProbeSource => s instanceof ProbeSource);
    if (!probe)
      throw new GateError("shadow source: probe needs canary.probe (or baseline and candidate endpoints)");
    return probe;
  }
  if (logs) return new LogPairSource({ ...logs, outputs });
  if (isPairSource(traffic)) return traffic;
  throw new GateError(`${traffic.describe()} does not pair the two versions' answers itself`, {
    hint: "give canary.shadow.pairs: the baseline's and the candidate's prediction logs, joined by request id",
  });
}

/** The strategy object for the input, and the extra metric sources it brings (paired answers). */
export function buildStrategy(
  input: CanaryInput,
  traffic: TrafficProvider,
  sources: readonly MetricSource[],
): { strategy: RolloutStrategy; sources: MetricSource[] } {
  const s = input.strategy ?? { kind: "canary" };
  const wantsPairs = input.metrics.some((m) => m.provider === "shadow");
  switch (s.kind) {
    case "canary":
      if (wantsPairs) throw new GateError("shadow metrics need strategy: shadow (or blue-green with mirror)");
      return { strategy: canaryStrategy(input.plan), sources: [] };
    case "shadow": {
      const pairs = pairSourceOf(traffic, sources, s.plan.source === "probe", s.logs, s.outputs);
      const metricSource = new PairMetricSource(pairs);
      const analysis = new ShadowAnalysis({
        source: metricSource,
        outputs: s.outputs,
        thresholds: s.thresholds,
        minPairs: s.minPairs,
        confidence: s.confidence,
        ...(s.labels ? { labels: new LabelSource(s.labels) } : {}),
        ...(s.savePairs ? { savePairs: s.savePairs } : {}),
      });
      return {
        strategy: shadowStrategy(
          { ...s.plan, pairs: pairs.describe() },
          { versions: input.versions, analysis, routerName: traffic.describe() },
        ),
        sources: [metricSource],
      };
    }
    case "blue-green": {
      const extra: MetricSource[] = [];
      if (wantsPairs) {
        if (s.plan.mirror === 0)
          throw new GateError("shadow metrics in a blue/green preview need blue-green.mirror");
        extra.push(new PairMetricSource(pairSourceOf(traffic, sources, false, s.logs, [])));
      }
      return { strategy: blueGreenStrategy(s.plan, input.versions), sources: extra };
    }
    case "ab": {
      if (wantsPairs) throw new GateError("shadow metrics need strategy: shadow (or blue-green with mirror)");
      const analysis = new AbAnalysis({
        metric: s.metric,
        events: new ConversionEvents({ ...s.events, versions: input.versions }),
        rule: s.rule,
        ...(s.sampleSize !== undefined ? { sampleSize: s.sampleSize } : {}),
        alpha: s.alpha,
        better: s.better,
        split: s.plan.split,
      });
      return { strategy: abStrategy(s.plan, { versions: input.versions, analysis }), sources: [] };
    }
  }
}
