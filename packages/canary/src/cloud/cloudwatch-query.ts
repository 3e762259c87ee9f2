import { GateError } from "@mlgate/core";

/** One CloudWatch metric, or a Metrics Insights query, as a canary metric names it. */
export type CloudWatchQuery =
  | {
      kind: "metric";
      namespace: string;
      metricName: string;
      dimensions: { Name: string; Value: string }[];
      stat?: string;
      periodSeconds?: number;
      unit?: CloudWatchUnit;
    }
  | { kind: "insights"; expression: string };

export const MAX_QUERY_LENGTH = 4096;
/** CloudWatch's own limit per metric. */
export const MAX_DIMENSIONS = 30;

/** The units CloudWatch stores (StandardUnit). */
export const CLOUDWATCH_UNITS = [
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "Bytes/Second",
  "Kilobytes/Second",
  "Megabytes/Second",
  "Gigabytes/Second",
  "Terabytes/Second",
  "Bits/Second",
  "Kilobits/Second",
  "Megabits/Second",
  "Gigabits/Second",
  "Terabits/Second",
  "Count/Second",
  "None",
] as const;

export type CloudWatchUnit = (typeof CLOUDWATCH_UNITS)[number];

const RESERVED = new Set(["namespace", "metric", "stat", "period", "unit"]);

const STAT_ALIASES: Record<string, string> = {
  average: "Average",
  avg: "Average",
  mean: "Average",
  sum: "Sum",
  minimum: "Minimum",
  min: "Minimum",
  maximum: "Maximum",
  max: "Maximum",
  samplecount: "SampleCount",
  count: "SampleCount",
  iqm: "IQM",
};

/** Percentiles (p95, p99.9) and the trimmed/winsorized/rank statistics (tm90, TM(10%:90%), PR(:300)). */
const EXTENDED_STAT =
  /^(?:[pP](?:100|\d{1,2}(?:\.\d{1,10})?)|(?:tm|wm|tc|ts|pr|TM|WM|TC|TS|PR)(?:\d{1,2}(?:\.\d{1,10})?|\([0-9.%:eE+-]{1,40}\)))$/;

/** `Average`, `avg`, `p95` → the statistic CloudWatch expects, or undefined when it is none. */
export function normalizeStat(text: string): string | undefined {
  const alias = STAT_ALIASES[text.toLowerCase()];
  if (alias) return alias;
  if (!EXTENDED_STAT.test(text)) return undefined;
  return /^[pP]\d/.test(text) ? `p${text.slice(1)}` : text;
}

/** Periods CloudWatch accepts: high resolution 1, 5, 10, 20 or 30 s, else whole minutes (up to a day). */
export function validPeriod(seconds: number): boolean {
  return (
    Number.isInteger(seconds) &&
    ([1, 5, 10, 20, 30].includes(seconds) || (seconds % 60 === 0 && seconds > 0 && seconds <= 86_400))
  );
}

/** `60`, `60s`, `5m`, `1h` → seconds. */
function parsePeriod(text: string): number | undefined {
  const m = /^(\d{1,6})(s|m|min|h)?$/.exec(text);
  if (!m) return undefined;
  const factor = m[2] === "h" ? 3600 : m[2] === "m" || m[2] === "min" ? 60 : 1;
  return Number(m[1]) * factor;
}

class QuerySyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

interface Token {
  key: string;
  value: string;
  offset: number;
  valueOffset: number;
}

/** `key=value` pairs separated by spaces; a value may be "double quoted" with \" and \\ inside. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    while (i < text.length && text[i] !== "=" && !/\s/.test(text[i]!)) i++;
    const key = text.slice(start, i);
    if (text[i] !== "=" || key === "") throw new QuerySyntaxError("expected key=value", start);
    i++;
    const valueOffset = i;
    let value = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new QuerySyntaxError("unterminated quoted value", valueOffset);
        const c = text[i]!;
        if (c === '"') {
          i++;
          break;
        }
        if (c === "\\" && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        value += c;
        i++;
      }
      if (i < text.length && !/\s/.test(text[i]!))
        throw new QuerySyntaxError("expected a space after the quoted value", i);
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) value += text[i++];
    }
    if (value === "") throw new QuerySyntaxError(`empty value for ${key}`, valueOffset);
    tokens.push({ key, value, offset: start, valueOffset });
  }
  return tokens;
}

function parseOrThrow(text: string): CloudWatchQuery {
  const trimmed = text.trim();
  if (/^select\s/i.test(trimmed)) return { kind: "insights", expression: trimmed };
  const tokens = tokenize(text);
  let namespace: string | undefined;
  let metricName: string | undefined;
  let stat: string | undefined;
  let periodSeconds: number | undefined;
  let unit: CloudWatchUnit | undefined;
  const dimensions: { Name: string; Value: string }[] = [];
  const seen = new Set<string>();
  for (const t of tokens) {
    const isDimension = t.key.startsWith("dim.") || !RESERVED.has(t.key);
    const key = isDimension ? (t.key.startsWith("dim.") ? t.key.slice(4) : t.key) : t.key;
    const id = isDimension ? `dim:${key}` : key;
    if (seen.has(id)) throw new QuerySyntaxError(`${key} is given twice`, t.offset);
    seen.add(id);
    if (isDimension) {
      if (key === "" || key.length > 255 || key.startsWith(":"))
        throw new QuerySyntaxError("a dimension name is 1 to 255 characters", t.offset);
      if (t.value.length > 1024)
        throw new QuerySyntaxError("a dimension value is at most 1024 characters", t.valueOffset);
      dimensions.push({ Name: key, Value: t.value });
      continue;
    }
    switch (key) {
      case "namespace":
        if (t.value.length > 255 || t.value.startsWith(":"))
          throw new QuerySyntaxError("not a CloudWatch namespace", t.valueOffset);
        namespace = t.value;
        break;
      case "metric":
        if (t.value.length > 255)
          throw new QuerySyntaxError("a metric name is at most 255 characters", t.valueOffset);
        metricName = t.value;
        break;
      case "stat":
        stat = normalizeStat(t.value);
        if (!stat)
          throw new QuerySyntaxError(
            "expected a statistic: Average, Sum, Minimum, Maximum, SampleCount, p95, p99.9, tm90",
            t.valueOffset,
          );
        break;
      case "period":
        periodSeconds = parsePeriod(t.value);
        if (periodSeconds === undefined || !validPeriod(periodSeconds)) {
          throw new QuerySyntaxError(
            "expected a period of 1, 5, 10, 20 or 30 s, or whole minutes up to 1 day",
            t.valueOffset,
          );
        }
        break;
      case "unit":
        unit = CLOUDWATCH_UNITS.find((u) => u === t.value);
        if (!unit)
          throw new QuerySyntaxError(
            "expected a CloudWatch unit such as Milliseconds or Count",
            t.valueOffset,
          );
        break;
    }
  }
  if (dimensions.length > MAX_DIMENSIONS)
    throw new QuerySyntaxError(`more than ${MAX_DIMENSIONS} dimensions`, 0);
  if (!namespace) throw new QuerySyntaxError("missing namespace=...", text.length);
  if (!metricName) throw new QuerySyntaxError("missing metric=...", text.length);
  return {
    kind: "metric",
    namespace,
    metricName,
    dimensions,
    ...(stat ? { stat } : {}),
    ...(periodSeconds !== undefined ? { periodSeconds } : {}),
    ...(unit ? { unit } : {}),
  };
}

function caret(text: string, offset: number): string {
  const from = Math.max(0, Math.min(offset, text.length) - 60);
  const shown = text.slice(from, from + 120);
  return `  ${shown}\n  ${" ".repeat(Math.min(offset - from, shown.length))}^`;
}

/**
 * Parse a CloudWatch metric written as `key=value` pairs:
 * `namespace=AWS/SageMaker metric=ModelLatency EndpointName=churn VariantName={{version}} stat=p95`.
 * `namespace`, `metric`, `stat`, `period` and `unit` are settings; every other key is a dimension
 * (`dim.stat=...` for a dimension named like a setting). A query starting with SELECT is a Metrics
 * Insights query. `where` names the metric in messages.
 */
export function parseCloudWatchQuery(text: string, where: string): CloudWatchQuery {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new GateError(
      `${where}: the CloudWatch query is ${text.length} characters long; the limit is ${MAX_QUERY_LENGTH}`,
    );
  }
  try {
    return parseOrThrow(text);
  } catch (e) {
    if (!(e instanceof QuerySyntaxError)) throw e;
    throw new GateError(
      `${where}: ${e.reason} at column ${e.offset + 1} of the CloudWatch query\n${caret(text, e.offset)}`,
      {
        hint: "write namespace=NS metric=NAME Dimension=value ... stat=p95 period=60, or a Metrics Insights SELECT",
      },
    );
  }
}

function quote(value: string): string {
  return /^[^\s"\\]+$/.test(value) ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The query back as text, in the form `parseCloudWatchQuery` reads. */
export function formatCloudWatchQuery(query: CloudWatchQuery): string {
  if (query.kind === "insights") return query.expression;
  const parts = [`namespace=${quote(query.namespace)}`, `metric=${quote(query.metricName)}`];
  for (const d of query.dimensions) {
    const key = RESERVED.has(d.Name) || d.Name.startsWith("dim.") ? `dim.${d.Name}` : d.Name;
    parts.push(`${key}=${quote(d.Value)}`);
  }
  if (query.stat) parts.push(`stat=${query.stat}`);
  if (query.periodSeconds !== undefined) parts.push(`period=${query.periodSeconds}`);
  if (query.unit) parts.push(`unit=${query.unit}`);
  return parts.join(" ");
}
