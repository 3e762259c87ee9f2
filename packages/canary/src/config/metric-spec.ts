import { type Dimension, GateError, UNITS } from "@mlgate/core";
import { parsePath } from "../metrics/json-path.js";
import {
  AGGREGATES,
  type Aggregate,
  type Comparison,
  type MetricProviderKind,
  type MetricSpec,
  type ProbeSignal,
  type ShadowSignal,
} from "../metrics/types.js";
import { checkCloudWatchQuery } from "../traffic/cloud-index.js";
import type { MetricEntry } from "./section.js";

export interface MetricDefaults {
  compare: Exclude<Comparison, "shift">;
  minSamples: number;
}

const PROBE_SIGNALS: readonly ProbeSignal[] = ["latency", "errors", "prediction"];
const SHADOW_SIGNALS: readonly ShadowSignal[] = ["latency", "errors"];

/** `s` → times in seconds (×1000 to ms); `%` → percentages (×0.01); `ratio` → fractions. */
export function unitOf(unit: string, where: string): { factor: number; dimension: Dimension } {
  const u = unit.trim();
  if (u === "ratio") return { factor: 1, dimension: "ratio" };
  if (u === "none" || u === "") return { factor: 1, dimension: "none" };
  if (u === "count") return { factor: 1, dimension: "count" };
  const def = Object.hasOwn(UNITS, u) ? UNITS[u] : undefined;
  if (!def) {
    throw new GateError(`${where}: unknown unit "${unit}"`, {
      hint: "use s, ms, us (times), ratio (a fraction), %, B, KB, MB (sizes), /s (rates), count or none",
    });
  }
  return { factor: def.factor, dimension: def.dimension };
}

/** `25%` or 25 → 25; a fraction of 1 for tolerances is written with `%`. */
export function percentOf(value: number | string, where: string): number {
  if (typeof value === "number") return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
  if (!m) throw new GateError(`${where}: "${value}" is not a percentage`, { hint: "e.g. 5%" });
  return Number(m[1]);
}

/** A metric entry of the config with every default filled in. */
export function metricSpecOf(entry: MetricEntry, defaults: MetricDefaults, where: string): MetricSpec {
  const provider = entry.provider as MetricProviderKind;
  if (provider === "probe" && !PROBE_SIGNALS.includes(entry.query as ProbeSignal)) {
    throw new GateError(
      `${where}: a probe metric's query is one of ${PROBE_SIGNALS.join(", ")}, not "${entry.query}"`,
    );
  }
  if (provider === "shadow" && !SHADOW_SIGNALS.includes(entry.query as ShadowSignal)) {
    throw new GateError(
      `${where}: a shadow metric's query is one of ${SHADOW_SIGNALS.join(", ")}, not "${entry.query}"`,
    );
  }
  if (provider === "web" && entry.path === undefined) {
    throw new GateError(`${where}: a web metric needs a path to the number in the answer`, {
      hint: "e.g. path: $.data.p95",
    });
  }
  if (entry.path !== undefined) parsePath(entry.path);
  if (provider === "cloudwatch") checkCloudWatchQuery(entry.query, where);
  const signal = provider === "probe" || provider === "shadow" ? (entry.query as ProbeSignal) : undefined;
  const unit = entry.unit
    ? unitOf(entry.unit, `${where}.unit`)
    : signal === "latency"
      ? { factor: 1, dimension: "time" as const }
      : signal === "errors"
        ? { factor: 1, dimension: "ratio" as const }
        : { factor: 1, dimension: "none" as const };
  const kind = entry.kind ?? (signal === "errors" ? "binary" : "continuous");
  const compare =
    (entry.compare as Comparison | undefined) ?? (signal === "prediction" ? "shift" : defaults.compare);
  const tolerance =
    entry.tolerance !== undefined
      ? percentOf(entry.tolerance, `${where}.tolerance`) / 100
      : unit.dimension === "time" && kind === "continuous"
        ? 0.05
        : 0;
  const scale = entry.scale ?? (unit.dimension === "time" && kind === "continuous" ? "log" : "linear");
  if (kind === "binary" && scale === "log") {
    throw new GateError(`${where}: a binary metric (0 or 1 per sample) cannot be compared on the log scale`);
  }
  return {
    name: entry.name,
    provider,
    query: entry.query,
    ...(entry.path !== undefined ? { path: entry.path } : {}),
    factor: unit.factor,
    dimension: unit.dimension,
    aggregate: (entry.aggregate as Aggregate | undefined) ?? (signal === "latency" ? "p95" : "mean"),
    direction: entry.direction ?? "increase",
    compare,
    tolerance,
    kind,
    scale,
    minSamples: entry["min-samples"] ?? defaults.minSamples,
  };
}

/** The probe's metrics when none are configured: p95 latency, error rate, and the score when one is read. */
export function defaultProbeMetrics(withPrediction: boolean): MetricEntry[] {
  return [
    { name: "p95", provider: "probe", query: "latency" },
    { name: "error_rate", provider: "probe", query: "errors" },
    ...(withPrediction ? [{ name: "score", provider: "probe" as const, query: "prediction" }] : []),
  ];
}

const OPTION_KEYS = [
  "aggregate",
  "direction",
  "compare",
  "tolerance",
  "unit",
  "kind",
  "scale",
  "path",
  "min-samples",
] as const;

/**
 * A metric written on one line (`--metric`): `NAME=PROVIDER:QUERY`, then `|key=value` options, e.g.
 * `p95=prometheus:histogram_quantile(0.95, sum by (le) (rate(h_bucket{version="{{version}}"}[1m])))|unit=s`.
 */
export function parseMetricFlag(text: string): MetricEntry {
  const where = `--metric "${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
  if (text.length > 8192) throw new GateError(`${where}: longer than 8192 characters`);
  const m = /^\s*([A-Za-z_][\w.]*)\s*=\s*(prometheus|web|probe|cloudwatch|shadow)\s*:(.*)$/s.exec(text);
  if (!m) {
    throw new GateError(`${where}: expected NAME=PROVIDER:QUERY`, {
      hint: 'e.g. p95=probe:latency, or errors=prometheus:sum(rate(errors_total{version="{{version}}"}[1m]))',
    });
  }
  let rest = m[3]!;
  const options: Record<string, string> = {};
  for (;;) {
    const option = /\|\s*([a-z-]+)\s*=\s*([^|"]*)$/.exec(rest);
    if (!option) break;
    const key = option[1]!;
    if (!(OPTION_KEYS as readonly string[]).includes(key)) {
      throw new GateError(`${where}: unknown option "${key}"`, {
        hint: `options: ${OPTION_KEYS.join(", ")}`,
      });
    }
    options[key] = option[2]!.trim();
    rest = rest.slice(0, option.index);
  }
  const query = rest.trim();
  if (query === "") throw new GateError(`${where}: the query is empty`);
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = options[key];
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v))
      throw new GateError(`${where}: ${key} must be one of ${allowed.join(", ")}`);
    return v as T;
  };
  const minSamples = options["min-samples"];
  if (minSamples !== undefined && !(Number.isInteger(Number(minSamples)) && Number(minSamples) >= 2)) {
    throw new GateError(`${where}: min-samples must be a whole number of at least 2`);
  }
  const entry: MetricEntry = { name: m[1]!, provider: m[2] as MetricEntry["provider"], query };
  const aggregate = oneOf("aggregate", AGGREGATES);
  const direction = oneOf("direction", ["increase", "decrease"] as const);
  const compare = oneOf("compare", ["sequential", "mann-whitney", "shift", "none"] as const);
  const kind = oneOf("kind", ["continuous", "binary"] as const);
  const scale = oneOf("scale", ["log", "linear"] as const);
  return {
    ...entry,
    ...(aggregate ? { aggregate } : {}),
    ...(direction ? { direction } : {}),
    ...(compare ? { compare } : {}),
    ...(kind ? { kind } : {}),
    ...(scale ? { scale } : {}),
    ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
    ...(options.unit !== undefined ? { unit: options.unit } : {}),
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(minSamples !== undefined ? { "min-samples": Number(minSamples) } : {}),
  };
}
