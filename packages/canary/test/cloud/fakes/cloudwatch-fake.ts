import { type FakeRequest, type FakeResponse, LoopbackServer, sigV4Problem } from "./loopback.js";

/** A value for the period starting at `t` (epoch seconds), or undefined for no datapoint. */
export type SeriesFn = (t: number) => number | undefined;

interface Query {
  Id?: string;
  MetricStat?: {
    Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name: string; Value: string }[] };
    Period?: number;
    Stat?: string;
    Unit?: string;
  };
  Expression?: string;
  Period?: number;
}

const TARGET = "GraniteServiceVersion20100801.GetMetricData";

/**
 * CloudWatch's GetMetricData as the installed SDK speaks it: AWS JSON 1.0 in query-compatible mode
 * (`x-amzn-query-mode`), timestamps as epoch seconds, errors with `x-amzn-query-error: Code;Type`.
 * Datapoints come from registered series, paged `pageSize` datapoints at a time.
 */
export class CloudWatchFake {
  /** Key: `Namespace|MetricName|Name=Value,...|Stat` (dimensions sorted), or a Metrics Insights expression. */
  readonly series = new Map<string, SeriesFn>();
  /** Expressions that return two series (a GROUP BY). */
  readonly grouped = new Set<string>();
  readonly calls: { input: Record<string, unknown> }[] = [];
  pageSize = 1000;
  throttle = 0;
  deny = false;
  /** Metric names whose results come back Forbidden / InternalError. */
  readonly forbidden = new Set<string>();
  readonly broken = new Set<string>();
  server!: LoopbackServer;

  static async start(): Promise<CloudWatchFake> {
    const fake = new CloudWatchFake();
    fake.server = await LoopbackServer.start((req) => fake.handle(req));
    return fake;
  }

  static key(namespace: string, metric: string, dims: Record<string, string>, stat: string): string {
    const d = Object.entries(dims)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    return `${namespace}|${metric}|${d}|${stat}`;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private handle(req: FakeRequest): FakeResponse {
    if (req.method !== "POST" || req.headers["content-type"] !== "application/x-amz-json-1.0") {
      return fail(400, "InvalidAction", "Sender", `unexpected ${req.method} ${req.headers["content-type"]}`);
    }
    if (req.headers["x-amzn-query-mode"] !== "true")
      return fail(400, "InvalidAction", "Sender", "query mode header missing");
    const auth = sigV4Problem(req.headers, "monitoring");
    if (auth) return fail(403, "IncompleteSignature", "Sender", auth);
    if (req.headers["x-amz-target"] !== TARGET)
      return fail(400, "InvalidAction", "Sender", String(req.headers["x-amz-target"]));
    const input = JSON.parse(req.body) as Record<string, unknown>;
    this.calls.push({ input });
    if (this.throttle > 0) {
      this.throttle--;
      return fail(
        400,
        "Throttling",
        "Sender",
        "Rate exceeded",
        "com.amazon.coral.availability#ThrottlingException",
      );
    }
    if (this.deny) {
      return fail(
        400,
        "AccessDenied",
        "Sender",
        "User: arn:aws:sts::123456789012:assumed-role/deploy/ci is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action",
        "com.amazon.coral.service#AccessDeniedException",
      );
    }
    const start = Number(input.StartTime);
    const end = Number(input.EndTime);
    if (!Number.isFinite(start) || !Number.isFinite(end))
      return validation("StartTime and EndTime must be timestamps in epoch seconds");
    if (start >= end) return validation("The parameter StartTime must be less than the parameter EndTime.");
    if (
      input.ScanBy !== undefined &&
      input.ScanBy !== "TimestampAscending" &&
      input.ScanBy !== "TimestampDescending"
    ) {
      return validation(`ScanBy ${String(input.ScanBy)}`);
    }
    const queries = input.MetricDataQueries as Query[];
    if (!Array.isArray(queries) || queries.length === 0 || queries.length > 500)
      return validation("MetricDataQueries must have 1 to 500 items");
    type Point = { id: string; label: string; t: number; v: number };
    const all: Point[] = [];
    const order: { id: string; label: string; status?: string }[] = [];
    for (const q of queries) {
      if (!q.Id || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id))
        return validation(`The value ${q.Id} for parameter MetricDataQueries.member.1.Id is invalid.`);
      const period = q.MetricStat?.Period ?? q.Period;
      if (typeof period !== "number" || !([1, 5, 10, 20, 30].includes(period) || period % 60 === 0)) {
        return validation(
          `The parameter MetricDataQueries.member.1.MetricStat.Period must be a multiple of 60.`,
        );
      }
      let key: string;
      let labels = [q.Id];
      if (q.Expression !== undefined) {
        if (!/^SELECT .+ FROM /i.test(q.Expression))
          return validation(`Syntax error in expression ${q.Expression}`);
        key = q.Expression;
        if (this.grouped.has(key)) labels = ["churn-blue", "churn-green"];
      } else {
        const m = q.MetricStat?.Metric;
        const stat = q.MetricStat?.Stat ?? "";
        if (
          !/^(Average|Sum|Minimum|Maximum|SampleCount|IQM|p\d{1,2}(\.\d+)?|p100|(tm|wm|tc|ts|pr|TM|WM|TC|TS|PR).+)$/.test(
            stat,
          )
        ) {
          return validation(
            `The value ${stat} for parameter MetricDataQueries.member.1.MetricStat.Stat is invalid.`,
          );
        }
        if (!m?.Namespace || !m.MetricName)
          return validation("MetricStat.Metric needs Namespace and MetricName");
        if (this.forbidden.has(m.MetricName) || this.broken.has(m.MetricName)) {
          order.push({
            id: q.Id,
            label: q.Id,
            status: this.forbidden.has(m.MetricName) ? "Forbidden" : "InternalError",
          });
          continue;
        }
        key = CloudWatchFake.key(
          m.Namespace,
          m.MetricName,
          Object.fromEntries((m.Dimensions ?? []).map((d) => [d.Name, d.Value])),
          stat,
        );
      }
      const fn = this.series.get(key);
      for (const label of labels) {
        order.push({ id: q.Id, label });
        if (!fn) continue;
        // Periods align to the epoch; each datapoint carries its period's start.
        for (let t = Math.ceil(start / period) * period; t < end; t += period) {
          const v = fn(t);
          if (v !== undefined) all.push({ id: q.Id, label, t, v });
        }
      }
    }
    const offset = input.NextToken === undefined ? 0 : Number(String(input.NextToken).replace(/^page-/, ""));
    if (!Number.isInteger(offset) || offset < 0 || offset > all.length) {
      return fail(
        400,
        "InvalidNextToken",
        "Sender",
        "The service returned an invalid next token",
        "com.amazonaws.cloudwatch#InvalidNextToken",
      );
    }
    const page = all.slice(offset, offset + this.pageSize);
    const next = offset + this.pageSize < all.length ? `page-${offset + this.pageSize}` : undefined;
    const results = order
      .map((o) => {
        const mine = page.filter((p) => p.id === o.id && p.label === o.label);
        const remaining = all.slice(offset + this.pageSize).some((p) => p.id === o.id && p.label === o.label);
        return {
          Id: o.id,
          Label: o.label,
          Timestamps: mine.map((p) => p.t),
          Values: mine.map((p) => p.v),
          StatusCode: o.status ?? (remaining ? "PartialData" : "Complete"),
          ...(o.status === "Forbidden"
            ? { Messages: [{ Code: "Forbidden", Value: "Access denied to the source account" }] }
            : {}),
        };
      })
      // The first page lists every query; later ones only those with data left.
      .filter((r) => offset === 0 || r.Timestamps.length > 0);
    return {
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "req-1" },
      body: JSON.stringify({
        MetricDataResults: results,
        Messages: [],
        ...(next ? { NextToken: next } : {}),
      }),
    };
  }
}

function fail(
  status: number,
  code: string,
  type: string,
  message: string,
  shape = `com.amazonaws.cloudwatch#${code}`,
): FakeResponse {
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-query-error": `${code};${type}`,
      "x-amzn-requestid": "req-err",
    },
    body: JSON.stringify({ __type: shape, message }),
  };
}

function validation(message: string): FakeResponse {
  return fail(400, "ValidationError", "Sender", message, "com.amazonaws.cloudwatch#ValidationException");
}
