import { extname } from "node:path";
import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { query as jsonPathQuery } from "jsonpath-rfc9535";
import { parse as parseYaml } from "yaml";

/** Named numbers read from a metrics file: `{ accuracy: 0.93, "per_class.cat.f1": 0.88 }`. */
export type MetricValues = Record<string, number>;

export interface MetricsFileOptions {
  /** metric name → JSONPath selecting exactly one number (for files from other tools). */
  select?: Record<string, string>;
  limits?: Partial<MetricsFileLimits>;
}

export interface MetricsFileLimits {
  maxBytes: number;
  maxDepth: number;
  maxMetrics: number;
}

/** Metric names come from the file: a null-prototype object keeps `__proto__` an ordinary name. */
const emptyMetrics = (): MetricValues => Object.create(null) as MetricValues;

const DEFAULT_LIMITS: MetricsFileLimits = { maxBytes: 64 * 1024 * 1024, maxDepth: 64, maxMetrics: 100_000 };

/**
 * Read a metrics file (JSON or YAML). Without `select`, every numeric leaf becomes a metric named by
 * its dotted path (`overall.f1`), and a list of `{name|key|metric, value}` entries (MLflow's REST shape)
 * becomes one metric per name, keeping the latest `step`/`timestamp`.
 */
export async function readMetricsFile(path: string, options: MetricsFileOptions = {}): Promise<MetricValues> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const text = await readTextFile(path, "metrics file", limits);
  const doc = parseMetricsText(text, path);
  return options.select ? selectMetrics(doc, path, options.select) : extractMetrics(doc, path, limits);
}

function parseMetricsText(text: string, file: string): unknown {
  const ext = extname(file).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") {
    try {
      return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
    } catch (e) {
      throw new GateError(`metrics file is not valid YAML: ${(e as Error).message.split("\n")[0]}`, {
        location: { file },
        cause: e,
      });
    }
  }
  return parseJsonText(text, file, "metrics file");
}

/** Flatten numeric leaves into dotted names, or read a `[{name, value}]` list. */
export function extractMetrics(
  doc: unknown,
  file: string,
  limits: MetricsFileLimits = DEFAULT_LIMITS,
): MetricValues {
  const out = emptyMetrics();
  if (Array.isArray(doc) && doc.length > 0 && doc.every(isNamedEntry)) {
    readNamedEntries(doc, out);
  } else if (isLmEvalResults(doc)) {
    readLmEvalResults(doc, out);
  } else {
    flatten(doc, "", 0, { out, count: 0 }, file, limits);
  }
  const count = Object.keys(out).length;
  if (count === 0) {
    throw new GateError(`metrics file ${file} holds no numeric metrics`, {
      location: { file },
      hint: 'expected an object of numbers such as {"accuracy": 0.93}, a [{"name", "value"}] list, or use `metrics:` JSONPath selectors',
    });
  }
  return out;
}

/** Where flattened metrics go, with a running count (counting keys each time would be quadratic). */
interface Sink {
  out: MetricValues;
  count: number;
}

function flatten(
  node: unknown,
  prefix: string,
  depth: number,
  sink: Sink,
  file: string,
  limits: MetricsFileLimits,
): void {
  if (depth > limits.maxDepth) {
    throw new GateError(`metrics file ${file} nests deeper than ${limits.maxDepth} levels at "${prefix}"`, {
      location: { file },
    });
  }
  if (typeof node === "number") {
    if (prefix === "") return;
    if (sink.count >= limits.maxMetrics) {
      throw new GateError(`metrics file ${file} holds more than ${limits.maxMetrics} metrics`, {
        location: { file },
        hint: "select the metrics the gate needs with `metrics:` JSONPath selectors",
      });
    }
    if (!Object.hasOwn(sink.out, prefix)) sink.count++;
    sink.out[prefix] = node;
    return;
  }
  if (node === null || typeof node !== "object") return;
  const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
  for (const [key, value] of entries)
    flatten(value, prefix ? `${prefix}.${key}` : key, depth + 1, sink, file, limits);
}

type JsonObject = Record<string, unknown>;
const isObject = (x: unknown): x is JsonObject => x !== null && typeof x === "object" && !Array.isArray(x);

/** lm-evaluation-harness `results.json`: per-task metrics keyed `metric,filter` beside run metadata. */
function isLmEvalResults(doc: unknown): doc is { results: JsonObject; groups?: JsonObject } {
  if (!isObject(doc) || !isObject(doc.results)) return false;
  if (!("versions" in doc || "configs" in doc || "n-shot" in doc || "config" in doc)) return false;
  return Object.values(doc.results).some(
    (task) => isObject(task) && Object.keys(task).some((k) => k.includes(",")),
  );
}

/**
 * Name lm-eval metrics the way people say them: `hellaswag.acc_norm` for the default filter
 * (`acc_norm,none`), `gsm8k.exact_match.strict-match` for another, stderr as `..._stderr`.
 */
function readLmEvalResults(doc: { results: JsonObject; groups?: JsonObject }, out: MetricValues): void {
  for (const section of [doc.results, doc.groups]) {
    if (!isObject(section)) continue;
    for (const [task, metrics] of Object.entries(section)) {
      if (!isObject(metrics)) continue;
      for (const [key, value] of Object.entries(metrics)) {
        if (typeof value !== "number") continue;
        const comma = key.indexOf(",");
        const metric = comma < 0 ? key : key.slice(0, comma);
        const filter = comma < 0 ? "none" : key.slice(comma + 1);
        out[filter === "none" ? `${task}.${metric}` : `${task}.${metric}.${filter}`] = value;
      }
    }
  }
}

interface NamedEntry {
  name?: string;
  key?: string;
  metric?: string;
  value: number;
  step?: number;
  timestamp?: number;
}

function isNamedEntry(x: unknown): x is NamedEntry {
  if (x === null || typeof x !== "object") return false;
  const e = x as Record<string, unknown>;
  const name = e.name ?? e.key ?? e.metric;
  return typeof name === "string" && typeof e.value === "number";
}

function readNamedEntries(entries: NamedEntry[], out: MetricValues): void {
  const order = new Map<string, [number, number]>();
  for (const e of entries) {
    const name = (e.name ?? e.key ?? e.metric) as string;
    const rank: [number, number] = [e.step ?? 0, e.timestamp ?? 0];
    const seen = order.get(name);
    if (!seen || rank[0] > seen[0] || (rank[0] === seen[0] && rank[1] >= seen[1])) {
      order.set(name, rank);
      out[name] = e.value;
    }
  }
}

/** Pick named metrics with JSONPath (RFC 9535); each path must select exactly one number. */
export function selectMetrics(doc: unknown, file: string, select: Record<string, string>): MetricValues {
  const out = emptyMetrics();
  for (const [name, path] of Object.entries(select)) {
    let found: unknown[];
    try {
      found = jsonPathQuery(doc as Parameters<typeof jsonPathQuery>[0], path) as unknown[];
    } catch (e) {
      throw new GateError(
        `metric "${name}": invalid JSONPath ${JSON.stringify(path)}: ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    if (found.length !== 1) {
      throw new GateError(
        `metric "${name}": JSONPath ${JSON.stringify(path)} selects ${found.length} values in ${file}, expected exactly one`,
        { location: { file } },
      );
    }
    const value = found[0];
    if (typeof value !== "number") {
      throw new GateError(
        `metric "${name}": JSONPath ${JSON.stringify(path)} selects ${JSON.stringify(value)?.slice(0, 80)} in ${file}, expected a number`,
        { location: { file } },
      );
    }
    out[name] = value;
  }
  return out;
}
