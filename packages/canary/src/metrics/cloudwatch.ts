import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { AwsCaller, type AwsRetrySettings } from "../cloud/aws-call.js";
import { type AwsConnection, awsClientSettings } from "../cloud/aws-config.js";
import {
  awsErrorCodes,
  awsGateError,
  httpStatusOf,
  isAccessDenied,
  isBadCredentials,
  isTransient,
} from "../cloud/aws-errors.js";
import { type CloudWatchQuery, parseCloudWatchQuery, validPeriod } from "../cloud/cloudwatch-query.js";
import type { Clock } from "../engine/clock.js";
import {
  type CollectWindow,
  fillTemplate,
  type MetricSource,
  MetricSourceError,
  type MetricSpec,
  type SamplePair,
  type Versions,
} from "./types.js";

export interface CloudWatchOptions extends AwsConnection {
  versions: Versions;
  /** Period of a metric whose query names none, in seconds (default 60); each period is one sample. */
  periodSeconds?: number;
  /** Statistic of a metric whose query names none (default Average). */
  stat?: string;
  /** How far behind real time to stay, so late datapoints have landed (default 2 min). */
  delayMs?: number;
  /** Pages of one GetMetricData call before giving up (default 20). */
  maxPages?: number;
  retry?: AwsRetrySettings;
  clock?: Clock;
}

/** GetMetricData takes at most 500 queries per call. */
const MAX_QUERIES_PER_CALL = 500;
/** Samples per metric and side within one window; beyond this the period is too fine for the window. */
const MAX_SAMPLES = 100_000;

const SIDES = ["candidate", "baseline"] as const;
type Side = (typeof SIDES)[number];

interface Planned {
  id: string;
  metric: MetricSpec;
  side: Side;
  query: MetricDataQuery;
  periodMs: number;
}

/** Codes that say the request itself is wrong: asking again will not help. */
const BAD_REQUEST = new Set([
  "ValidationError",
  "ValidationException",
  "InvalidParameterValue",
  "InvalidParameterValueException",
  "InvalidParameterCombination",
  "InvalidParameterCombinationException",
  "MissingParameter",
  "MissingRequiredParameterException",
]);

/**
 * CloudWatch metrics through GetMetricData: one query per metric and side, with `{{version}}` filled
 * in (in a dimension such as SageMaker's VariantName, or in a Metrics Insights query). Each period's
 * statistic is one sample. Windows are cut at period boundaries so that successive windows neither
 * overlap nor leave a gap: a window takes the periods that end inside it.
 */
export class CloudWatchSource implements MetricSource {
  readonly kind = "cloudwatch";
  private readonly client: CloudWatchClient;
  private readonly aws: AwsCaller;
  private readonly endpoint: string | undefined;

  constructor(private readonly options: CloudWatchOptions) {
    const period = options.periodSeconds ?? 60;
    if (!validPeriod(period)) {
      throw new MetricSourceError(`cloudwatch: a period of ${period} s is not one CloudWatch accepts`, {
        permanent: true,
        hint: "use 1, 5, 10, 20 or 30 s (high-resolution metrics) or whole minutes",
      });
    }
    const settings = awsClientSettings(options, "CloudWatch");
    this.endpoint = settings.endpoint;
    this.client = new CloudWatchClient(settings);
    this.aws = new AwsCaller({
      service: "CloudWatch",
      endpoint: settings.endpoint,
      retry: options.retry,
      clock: options.clock,
    });
  }

  async collect(metrics: readonly MetricSpec[], window: CollectWindow): Promise<Map<string, SamplePair>> {
    const out = new Map<string, SamplePair>(metrics.map((m) => [m.name, { candidate: [], baseline: [] }]));
    const planned = metrics.flatMap((metric, i) => SIDES.map((side) => this.plan(metric, i, side)));
    const delay = this.options.delayMs ?? 120_000;
    // One call per period: StartTime and EndTime are shared by every query of a call.
    const byPeriod = new Map<number, Planned[]>();
    for (const p of planned) byPeriod.set(p.periodMs, [...(byPeriod.get(p.periodMs) ?? []), p]);
    for (const [periodMs, group] of byPeriod) {
      const start = Math.floor((window.from - delay) / periodMs) * periodMs;
      const end = Math.floor((window.to - delay) / periodMs) * periodMs;
      if (end <= start) continue;
      if ((end - start) / periodMs > MAX_SAMPLES) {
        throw new MetricSourceError(
          `metric ${group[0]!.metric.name}: a window of ${(end - start) / periodMs} periods is too many`,
          {
            permanent: true,
            hint: "use a longer period",
          },
        );
      }
      for (let i = 0; i < group.length; i += MAX_QUERIES_PER_CALL) {
        const chunk = group.slice(i, i + MAX_QUERIES_PER_CALL);
        const series = await this.fetch(chunk, start, end);
        for (const p of chunk) {
          const values = series.get(p.id) ?? [];
          out.get(p.metric.name)![p.side] = values.map((v) => v * p.metric.factor);
        }
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private plan(metric: MetricSpec, index: number, side: Side): Planned {
    const text = fillTemplate(metric.query, { version: this.options.versions[side] });
    let parsed: CloudWatchQuery;
    try {
      parsed = parseCloudWatchQuery(text, `metric ${metric.name}`);
    } catch (e) {
      throw new MetricSourceError((e as Error).message, {
        permanent: true,
        hint: (e as { hint?: string }).hint,
        cause: e,
      });
    }
    const id = `m${index}_${side}`;
    if (parsed.kind === "insights") {
      const period = this.options.periodSeconds ?? 60;
      return {
        id,
        metric,
        side,
        periodMs: period * 1000,
        query: { Id: id, Expression: parsed.expression, Period: period, ReturnData: true },
      };
    }
    const period = parsed.periodSeconds ?? this.options.periodSeconds ?? 60;
    const stat = parsed.stat ?? this.options.stat ?? "Average";
    return {
      id,
      metric,
      side,
      periodMs: period * 1000,
      query: {
        Id: id,
        MetricStat: {
          Metric: {
            Namespace: parsed.namespace,
            MetricName: parsed.metricName,
            Dimensions: parsed.dimensions,
          },
          Period: period,
          Stat: stat,
          ...(parsed.unit ? { Unit: parsed.unit } : {}),
        },
        ReturnData: true,
      },
    };
  }

  /** Values per query id for periods starting in [start, end), oldest first, across every page. */
  private async fetch(chunk: readonly Planned[], start: number, end: number): Promise<Map<string, number[]>> {
    const points = new Map<string, Map<number, number>>(chunk.map((p) => [p.id, new Map()]));
    const labels = new Map<string, string>();
    const maxPages = this.options.maxPages ?? 20;
    let token: string | undefined;
    for (let page = 1; ; page++) {
      const answer = await this.call(chunk, start, end, token);
      for (const result of answer.MetricDataResults ?? []) {
        const id = result.Id ?? "";
        const planned = chunk.find((p) => p.id === id);
        const store = points.get(id);
        if (!planned || !store) continue;
        this.checkResult(planned, result, labels);
        const times = result.Timestamps ?? [];
        const values = result.Values ?? [];
        for (let k = 0; k < Math.min(times.length, values.length); k++) {
          const t = new Date(times[k]!).getTime();
          const v = values[k]!;
          if (Number.isFinite(t) && t >= start && t < end && Number.isFinite(v)) store.set(t, v);
        }
      }
      token = answer.NextToken || undefined;
      if (!token) break;
      if (page >= maxPages) {
        throw new MetricSourceError(`CloudWatch answered more than ${maxPages} pages for one window`, {
          permanent: true,
          hint: "use a longer period, or fewer metrics",
        });
      }
    }
    return new Map(
      [...points].map(([id, byTime]) => [
        id,
        [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v),
      ]),
    );
  }

  /** Per-result trouble: one metric forbidden, CloudWatch failing inside, a query returning many series. */
  private checkResult(
    planned: Planned,
    result: NonNullable<GetMetricDataCommandOutput["MetricDataResults"]>[number],
    labels: Map<string, string>,
  ): void {
    const name = planned.metric.name;
    const note = result.Messages?.map((m) => `${m.Code}: ${m.Value}`).join("; ");
    if (result.StatusCode === "Forbidden") {
      throw new MetricSourceError(
        `metric ${name}: CloudWatch may not read this metric for the ${planned.side}${note ? ` (${note})` : ""}`,
        {
          permanent: true,
          hint: "the job's AWS identity needs cloudwatch:GetMetricData on the metric's account (cross-account: the sharing role)",
        },
      );
    }
    if (result.StatusCode === "InternalError") {
      throw new MetricSourceError(
        `metric ${name}: CloudWatch failed internally for the ${planned.side}${note ? ` (${note})` : ""}`,
      );
    }
    const label = result.Label ?? "";
    const known = labels.get(planned.id);
    if (known !== undefined && known !== label) {
      throw new MetricSourceError(
        `metric ${name}: the query for the ${planned.side} returns more than one series`,
        {
          permanent: true,
          hint: "drop GROUP BY from the Metrics Insights query, or narrow it with WHERE",
        },
      );
    }
    labels.set(planned.id, label);
  }

  private async call(chunk: readonly Planned[], start: number, end: number, token: string | undefined) {
    try {
      return await this.aws.raw(() =>
        this.client.send(
          new GetMetricDataCommand({
            MetricDataQueries: chunk.map((p) => p.query),
            StartTime: new Date(start),
            EndTime: new Date(end),
            ScanBy: "TimestampAscending",
            ...(token ? { NextToken: token } : {}),
          }),
        ),
      );
    } catch (e) {
      throw this.sourceError(e, chunk);
    }
  }

  /** An SDK failure as a MetricSourceError: permanent when asking again cannot help. */
  private sourceError(e: unknown, chunk: readonly Planned[]): MetricSourceError {
    const names = [...new Set(chunk.map((p) => p.metric.name))].join(", ");
    const gate = awsGateError(
      e,
      {
        service: "CloudWatch",
        action: "GetMetricData",
        resource: `metrics ${names}`,
        permission: "cloudwatch:GetMetricData",
      },
      this.endpoint,
    );
    const codes = awsErrorCodes(e);
    const badRequest = codes.some((c) => BAD_REQUEST.has(c));
    const status = httpStatusOf(e);
    const permanent =
      badRequest ||
      isAccessDenied(e) ||
      isBadCredentials(e) ||
      (!isTransient(e) &&
        status !== undefined &&
        status >= 400 &&
        status < 500 &&
        !codes.includes("InvalidNextToken"));
    const hint = badRequest ? `check the queries of ${names}` : gate.hint;
    return new MetricSourceError(gate.message, { permanent, ...(hint ? { hint } : {}), cause: e });
  }
}
