import { GateError, parseThreshold, resolveFrom, type Threshold } from "@mlgate/core";
import { parseDuration } from "@mlgate/load";
import { abSampleSize } from "../compare/index.js";
import type { AbInput, ShadowInput, StrategyInput, TrafficSpec } from "../input.js";
import { parsePath } from "../metrics/json-path.js";
import type { Strategy } from "../plan/types.js";
import { STRATEGIES } from "../plan/types.js";
import { ALL_OUTPUT_FUNCTIONS, type OutputThreshold, outputThresholdOf } from "../shadow/analysis.js";
import { checkOutputs, type OutputKind, type OutputSpec, outputSpec } from "../shadow/outputs.js";
import { checkStickyKey } from "../traffic/nginx-routing.js";
import { isRoutingProvider, type StickyKey } from "../traffic/types.js";
import { percentOf } from "./metric-spec.js";
import type { CanarySection, MetricEntry } from "./section.js";

/** The flags that choose a strategy and shape it; they win over the config file. */
export interface StrategyOverrides {
  strategy?: Strategy;
  /** Share of live requests mirrored (shadow; blue/green's preview), e.g. `10%`. */
  mirror?: string;
  /** The shadow run's length, blue/green's preview, the A/B test's longest run. */
  duration?: string;
  /** The A/B split, e.g. `50%`. */
  split?: string;
  /** `header:x-client-id` or `cookie:uid`. */
  sticky?: string;
  promote?: "manual" | "auto";
  sampleSize?: number;
  /** Shadow outputs, each `NAME=KIND:PATH`, e.g. `label=label:$.label`. */
  shadowOutputs?: string[];
  shadowSource?: "router" | "probe";
  guard?: string;
}

/** Which strategies each flag shapes: a flag for another strategy is a mistake worth saying. */
const FLAG_STRATEGIES: Record<string, { flag: string; strategies: readonly Strategy[] }> = {
  mirror: { flag: "--mirror", strategies: ["shadow", "blue-green"] },
  duration: { flag: "--duration", strategies: ["shadow", "blue-green", "ab"] },
  split: { flag: "--split", strategies: ["ab"] },
  sticky: { flag: "--sticky", strategies: ["ab"] },
  promote: { flag: "--promote", strategies: ["ab"] },
  sampleSize: { flag: "--sample-size", strategies: ["ab"] },
  shadowOutputs: { flag: "--shadow-output", strategies: ["shadow"] },
  shadowSource: { flag: "--shadow-source", strategies: ["shadow"] },
};

export function strategyOf(o: StrategyOverrides, s: CanarySection): Strategy {
  const kind = o.strategy ?? (s.strategy as Strategy | undefined) ?? "canary";
  if (!STRATEGIES.includes(kind))
    throw new GateError(`unknown strategy "${String(kind)}"`, {
      hint: `use one of ${STRATEGIES.join(", ")}`,
    });
  for (const [key, { flag, strategies }] of Object.entries(FLAG_STRATEGIES)) {
    const value = (o as Record<string, unknown>)[key];
    const given = Array.isArray(value) ? value.length > 0 : value !== undefined;
    if (given && !strategies.includes(kind)) {
      throw new GateError(
        `${flag} applies to strategy ${strategies.join(" or ")}, and this run is a ${kind}`,
        {
          hint: `leave it out, or choose the strategy with --strategy ${strategies[0]}`,
        },
      );
    }
  }
  return kind;
}

/** A percentage setting in (0, 100]. */
function share(value: string | number, where: string, allowHundred = true): number {
  const p = percentOf(value, where);
  if (!(p > 0 && (allowHundred ? p <= 100 : p < 100))) {
    throw new GateError(`${where}: ${p}% is out of range`, {
      hint: allowHundred ? "above 0%, at most 100%" : "above 0% and below 100%: both sides need clients",
    });
  }
  return p;
}

function ms(text: string, where: string): number {
  return parseDuration(text, where);
}

/** `label=label:$.label` → an output. */
export function parseOutputFlag(text: string): OutputSpec {
  const where = `--shadow-output "${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
  const m = /^\s*([A-Za-z_]\w*)\s*=\s*(label|score)\s*:\s*(\S.*)$/.exec(text);
  if (!m) {
    throw new GateError(`${where}: expected NAME=KIND:PATH`, {
      hint: "e.g. label=label:$.label or score=score:$.probabilities[1]",
    });
  }
  return outputSpec(m[1]!, m[3]!.trim(), m[2] as OutputKind, where);
}

/** `header:x-client-id` → a sticky key. */
export function parseStickyFlag(text: string): StickyKey {
  const m = /^\s*(header|cookie)\s*:\s*(\S+)\s*$/.exec(text);
  if (!m) {
    throw new GateError(`--sticky "${text.slice(0, 80)}": expected header:NAME or cookie:NAME`, {
      hint: "e.g. header:x-client-id or cookie:uid",
    });
  }
  return m[1] === "header" ? { header: m[2]! } : { cookie: m[2]! };
}

function outputsOf(o: StrategyOverrides, s: CanarySection): OutputSpec[] {
  const outputs = o.shadowOutputs?.length
    ? o.shadowOutputs.map(parseOutputFlag)
    : (s.shadow?.outputs ?? []).map((e, i) =>
        outputSpec(e.name, e.path, e.kind as OutputKind, `canary.shadow.outputs[${i}]`),
      );
  checkOutputs(outputs, "canary.shadow.outputs");
  return outputs;
}

/** The routers that can do what a strategy needs (kept in step with each provider's abilities). */
const MIRRORS = "embedded, nginx (with canary.traffic.mirror-file) or gateway-api";
const STICKY = "embedded or nginx";

/** Refuse, when the config loads, a router that cannot move traffic the way the strategy needs. */
export function checkRouterCan(
  strategy: Strategy,
  need: "mirror" | "sticky",
  traffic: TrafficSpec,
  hint?: string,
): void {
  let can: boolean;
  let name: string;
  let without = "";
  switch (traffic.kind) {
    case "embedded":
      can = true;
      name = "embedded";
      break;
    case "nginx":
      can = need === "sticky" || traffic.options.mirrorFile !== undefined;
      name = "nginx";
      if (need === "mirror") without = " without canary.traffic.mirror-file";
      break;
    case "command":
      can = false;
      name = "command";
      break;
    case "cloud":
      can = need === "mirror" && traffic.provider === "gateway-api";
      name = traffic.provider;
      break;
    case "instance":
      can = isRoutingProvider(traffic.provider) && traffic.provider.abilities[need];
      name = traffic.provider.kind;
      break;
  }
  if (can) return;
  const what =
    need === "mirror"
      ? "mirrors live traffic to the candidate"
      : "keeps each client on one side (a sticky split)";
  const cannot = need === "mirror" ? "cannot mirror" : "cannot split stickily";
  throw new GateError(
    `strategy ${strategy} ${what}, but the ${name} router ${cannot}${without}; routers that can: ${need === "mirror" ? MIRRORS : STICKY}`,
    hint ? { hint } : {},
  );
}

export interface StrategyContext {
  kind: Strategy;
  section: CanarySection;
  overrides: StrategyOverrides;
  baseDir: string;
  traffic: TrafficSpec;
}

/** What a strategy adds to the plan: its stages (unscaled) and, for blue/green, the guard window. */
export function stagesOf(ctx: StrategyContext): { weight: number; watchMs: number }[] {
  const { kind, section: s, overrides: o } = ctx;
  if (kind === "shadow") {
    return [{ weight: 0, watchMs: ms(o.duration ?? s.shadow?.duration ?? "10m", "canary.shadow.duration") }];
  }
  if (kind === "blue-green") {
    const bg = s["blue-green"];
    return [
      { weight: 0, watchMs: ms(o.duration ?? bg?.preview ?? "5m", "canary.blue-green.preview") },
      { weight: 100, watchMs: ms(o.guard ?? bg?.guard ?? s.guard ?? "10m", "canary.blue-green.guard") },
    ];
  }
  if (kind === "ab") {
    return [
      {
        weight: abSplit(o, s),
        watchMs: ms(o.duration ?? s.ab?.["max-duration"] ?? "1h", "canary.ab.max-duration"),
      },
    ];
  }
  throw new GateError(`stagesOf: ${kind} has steps, not stages`);
}

function abSplit(o: StrategyOverrides, s: CanarySection): number {
  return share(o.split ?? s.ab?.split ?? 50, o.split !== undefined ? "--split" : "canary.ab.split", false);
}

/** The metrics a strategy watches when none are configured. */
export function defaultStrategyMetrics(
  ctx: StrategyContext,
  probeDefaults: MetricEntry[],
  endpoints: boolean,
): MetricEntry[] {
  const { kind, section: s, overrides: o } = ctx;
  if (kind === "shadow") {
    const source = o.shadowSource ?? s.shadow?.source ?? "router";
    if (source === "probe") return probeDefaults;
    const timed =
      ctx.traffic.kind === "embedded" ||
      (s.shadow?.pairs?.latency !== undefined && s.shadow.pairs.status !== undefined);
    if (!timed) {
      throw new GateError("the shadow run has no latency or error metric", {
        hint: "add metrics (e.g. from Prometheus), or give canary.shadow.pairs.latency and .status so the paired answers are timed",
      });
    }
    return [
      { name: "p95", provider: "shadow", query: "latency" },
      { name: "error_rate", provider: "shadow", query: "errors" },
    ];
  }
  if (kind === "ab" && !endpoints) return [];
  return probeDefaults;
}

/** Split thresholds into those on metrics and those on shadow outputs; outputs without one get a default. */
export function splitThresholds(
  kind: Strategy,
  thresholds: readonly Threshold[],
  outputs: readonly OutputSpec[],
): { metric: Threshold[]; output: OutputThreshold[] } {
  const metric: Threshold[] = [];
  const output: OutputThreshold[] = [];
  for (const t of thresholds) {
    const onOutput = kind === "shadow" ? outputThresholdOf(t, outputs) : undefined;
    if (onOutput) output.push(onOutput);
    else if (t.fn !== null && ALL_OUTPUT_FUNCTIONS.includes(t.fn) && !["psi", "ks", "ks_p"].includes(t.fn)) {
      throw new GateError(`threshold "${t.source}": ${t.fn}() compares a shadow run's outputs`, {
        hint: "use it with strategy: shadow and canary.shadow.outputs",
      });
    } else metric.push(t);
  }
  if (kind === "shadow") {
    for (const o of outputs) {
      if (output.some((t) => t.output === o.name)) continue;
      const source = o.kind === "label" ? `agreement(${o.name}) >= 95%` : `psi(${o.name}) < 0.1`;
      const t = parseThreshold(source, { functions: [...ALL_OUTPUT_FUNCTIONS, "delta", "ratio"] });
      output.push({ threshold: t, output: o.name, fn: t.fn! });
    }
  }
  return { metric, output };
}

/** The strategy's own settings, checked against the router that will carry them. */
export function strategyInputOf(
  ctx: StrategyContext,
  plan: { steps: readonly { bakeMs: number }[] },
  thresholds: { output: OutputThreshold[]; guard?: Threshold[] },
  outputs: OutputSpec[],
  guardMetrics: string[] | undefined,
): StrategyInput {
  const { kind, section: s, overrides: o, baseDir, traffic } = ctx;
  if (kind === "canary") return { kind: "canary" };
  if (kind === "shadow") {
    const sh = s.shadow;
    const source = o.shadowSource ?? sh?.source ?? "router";
    const mirror = share(
      o.mirror ?? sh?.mirror ?? 100,
      o.mirror !== undefined ? "--mirror" : "canary.shadow.mirror",
    );
    if (source === "router") {
      checkRouterCan(
        "shadow",
        "mirror",
        traffic,
        "or set canary.shadow.source: probe to replay requests to both versions instead",
      );
      if (
        traffic.kind !== "embedded" &&
        !sh?.pairs &&
        !(traffic.kind === "instance" && "drainPairs" in traffic.provider)
      ) {
        throw new GateError("a shadow run through this router needs both versions' answers", {
          hint: "set canary.shadow.pairs.baseline-log and .candidate-log (prediction logs with the request id the router adds)",
        });
      }
    }
    const p = sh?.pairs;
    const l = sh?.labels;
    const input: ShadowInput = {
      kind: "shadow",
      plan: { mirror, durationMs: plan.steps[0]!.bakeMs, source, pairs: "" },
      outputs,
      thresholds: thresholds.output,
      minPairs: sh?.["min-pairs"] ?? 200,
      confidence: 0.95,
      ...(p
        ? {
            logs: {
              baseline: resolveFrom(baseDir, p["baseline-log"]),
              candidate: resolveFrom(baseDir, p["candidate-log"]),
              id: parsePath(p.id ?? "$.id"),
              ...(p.answer ? { answer: parsePath(p.answer) } : {}),
              ...(p.latency ? { latency: parsePath(p.latency) } : {}),
              ...(p.status ? { status: parsePath(p.status) } : {}),
            },
          }
        : {}),
      ...(l
        ? {
            labels: {
              file: resolveFrom(baseDir, l.file),
              id: parsePath(l.id ?? "$.id"),
              label: parsePath(l.label ?? "$.label"),
            },
          }
        : {}),
      ...(sh?.["save-pairs"] ? { savePairs: resolveFrom(baseDir, sh["save-pairs"]) } : {}),
    };
    return input;
  }
  if (kind === "blue-green") {
    const bg = s["blue-green"];
    const mirrorText = o.mirror ?? bg?.mirror;
    const mirror =
      mirrorText === undefined
        ? 0
        : share(mirrorText, o.mirror !== undefined ? "--mirror" : "canary.blue-green.mirror");
    if (mirror > 0)
      checkRouterCan(
        "blue-green",
        "mirror",
        traffic,
        "or leave blue-green.mirror out: green is then judged on the probe's traffic",
      );
    return {
      kind: "blue-green",
      plan: {
        previewMs: plan.steps[0]!.bakeMs,
        mirror,
        guardMs: plan.steps[1]!.bakeMs,
        ...(thresholds.guard ? { guardThresholds: thresholds.guard } : {}),
        ...(guardMetrics ? { guardMetrics } : {}),
      },
    };
  }
  const ab = s.ab;
  const sticky = o.sticky ? parseStickyFlag(o.sticky) : ab?.sticky;
  if (!sticky) {
    throw new GateError("an A/B test needs a sticky key", {
      hint: "set canary.ab.sticky: { header: x-client-id } (or { cookie: uid }), or --sticky header:x-client-id",
    });
  }
  checkRouterCan("ab", "sticky", traffic);
  if (traffic.kind === "nginx") checkStickyKey(sticky, "canary.ab.sticky");
  if (!ab?.metric) {
    throw new GateError("an A/B test needs the metric it decides on", {
      hint: "set canary.ab.metric.events (JSON-lines event logs) and .conversion",
    });
  }
  const m = ab.metric;
  const alpha = ab.alpha ?? 0.05;
  const rule = ab.decision ?? "sequential";
  let sampleSize = o.sampleSize;
  const planned = ab["sample-size"];
  if (sampleSize === undefined && planned !== undefined) {
    sampleSize =
      typeof planned === "number"
        ? planned
        : abSampleSize({
            baselineRate: percentOf(planned["baseline-rate"], "canary.ab.sample-size.baseline-rate") / 100,
            minimumDetectableEffect:
              percentOf(planned["minimum-effect"], "canary.ab.sample-size.minimum-effect") / 100,
            alpha,
            ...(planned.power !== undefined ? { power: planned.power } : {}),
          });
  }
  if (rule === "fixed" && sampleSize === undefined) {
    throw new GateError("a fixed-sample A/B test needs its sample size", {
      hint: "set canary.ab.sample-size (units per arm, or { baseline-rate, minimum-effect })",
    });
  }
  const files = typeof m.events === "string" ? [m.events] : m.events;
  const input: AbInput = {
    kind: "ab",
    plan: {
      split: abSplit(o, s),
      sticky,
      maxMs: plan.steps[0]!.bakeMs,
      promote: o.promote ?? ab.promote ?? "manual",
    },
    metric: m.name ?? "conversion",
    events: {
      files: files.map((f) => resolveFrom(baseDir, f)),
      unit: parsePath(m.unit ?? "$.client"),
      arm: parsePath(m.version ?? "$.version"),
      type: parsePath(m.type ?? "$.event"),
      conversion: m.conversion ?? "conversion",
    },
    rule,
    ...(sampleSize !== undefined ? { sampleSize } : {}),
    alpha,
    better: m.better ?? "increase",
  };
  return input;
}

export { outputsOf };
