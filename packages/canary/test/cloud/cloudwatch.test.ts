import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/engine/clock.js";
import { type CloudWatchOptions, CloudWatchSource } from "../../src/metrics/cloudwatch.js";
import { MetricSourceError, type MetricSpec } from "../../src/metrics/types.js";
import { CloudWatchFake } from "./fakes/cloudwatch-fake.js";
import { TEST_CREDENTIALS, TEST_REGION } from "./fakes/loopback.js";

let fake: CloudWatchFake;
let source: CloudWatchSource;

const MIN = 60_000;
/** A window start that is not on a minute boundary, so alignment is exercised. */
const T0 = 1_700_000_000_000 + 17_000;

function make(extra: Partial<CloudWatchOptions> = {}): CloudWatchSource {
  source = new CloudWatchSource({
    region: TEST_REGION,
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
    versions: { baseline: "blue", candidate: "green" },
    clock: new VirtualClock(),
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    ...extra,
  });
  return source;
}

function spec(name: string, query: string, extra: Partial<MetricSpec> = {}): MetricSpec {
  return {
    name,
    provider: "cloudwatch" as MetricSpec["provider"],
    query,
    factor: 1,
    dimension: "time",
    aggregate: "p95",
    direction: "increase",
    compare: "sequential",
    tolerance: 0.05,
    kind: "continuous",
    scale: "log",
    minSamples: 5,
    ...extra,
  } as MetricSpec;
}

const LATENCY =
  "namespace=AWS/SageMaker metric=ModelLatency EndpointName=churn VariantName={{version}} stat=p95";
const latency = spec("p95", LATENCY, { factor: 0.001 });

async function failure(p: Promise<unknown>): Promise<MetricSourceError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(MetricSourceError);
  return e as MetricSourceError;
}

beforeEach(async () => {
  fake = await CloudWatchFake.start();
  // microseconds, as SageMaker reports ModelLatency; the minute index makes each value traceable
  fake.series.set(
    CloudWatchFake.key(
      "AWS/SageMaker",
      "ModelLatency",
      { EndpointName: "churn", VariantName: "blue" },
      "p95",
    ),
    (t) => 100_000 + ((t / 60) % 1000),
  );
  fake.series.set(
    CloudWatchFake.key(
      "AWS/SageMaker",
      "ModelLatency",
      { EndpointName: "churn", VariantName: "green" },
      "p95",
    ),
    (t) => 200_000 + ((t / 60) % 1000),
  );
});

afterEach(async () => {
  await source?.close();
  await fake.close();
});

const minuteOf = (ms: number) => (ms / 1000 / 60) % 1000;

describe("CloudWatchSource", () => {
  it("asks for each side with its version in the dimension and returns one sample per period, oldest first", async () => {
    const got = await make().collect([latency], { from: T0, to: T0 + 10 * MIN });
    const input = fake.calls[0]!.input as {
      MetricDataQueries: {
        Id: string;
        MetricStat: { Metric: { Dimensions: unknown }; Period: number; Stat: string };
      }[];
      StartTime: number;
      EndTime: number;
      ScanBy: string;
    };
    expect(input.MetricDataQueries.map((q) => q.Id)).toEqual(["m0_candidate", "m0_baseline"]);
    expect(input.MetricDataQueries[0]!.MetricStat.Metric.Dimensions).toEqual([
      { Name: "EndpointName", Value: "churn" },
      { Name: "VariantName", Value: "green" },
    ]);
    expect(input.MetricDataQueries[1]!.MetricStat).toMatchObject({ Period: 60, Stat: "p95" });
    expect(input.ScanBy).toBe("TimestampAscending");
    // two minutes behind, cut at minute boundaries
    const start = Math.floor((T0 - 2 * MIN) / MIN) * MIN;
    expect(input.StartTime * 1000).toBe(start);
    expect(input.EndTime * 1000).toBe(start + 10 * MIN);
    const first = minuteOf(start);
    const pair = got.get("p95")!;
    expect(pair.baseline).toEqual(Array.from({ length: 10 }, (_, k) => (100_000 + first + k) * 0.001));
    expect(pair.candidate).toEqual(Array.from({ length: 10 }, (_, k) => (200_000 + first + k) * 0.001));
  });

  it("tiles successive windows without overlap or gap", async () => {
    make();
    const whole = await source.collect([latency], { from: T0, to: T0 + 9 * MIN + 30_000 });
    const a = await source.collect([latency], { from: T0, to: T0 + 4 * MIN + 5_000 });
    const b = await source.collect([latency], { from: T0 + 4 * MIN + 5_000, to: T0 + 9 * MIN + 30_000 });
    expect([...a.get("p95")!.baseline, ...b.get("p95")!.baseline]).toEqual(whole.get("p95")!.baseline);
    // 9.5 minutes starting at :17 cross ten minute boundaries
    expect(whole.get("p95")!.baseline.length).toBe(10);
  });

  it("returns nothing, without a call, for a window shorter than a period", async () => {
    const got = await make().collect([latency], { from: T0 + 3_000, to: T0 + 20_000 });
    expect(got.get("p95")).toEqual({ candidate: [], baseline: [] });
    expect(fake.calls).toEqual([]);
  });

  it("follows NextToken across pages", async () => {
    const once = await make().collect([latency], { from: T0, to: T0 + 30 * MIN });
    fake.pageSize = 7;
    const paged = await source.collect([latency], { from: T0, to: T0 + 30 * MIN });
    expect(paged).toEqual(once);
    expect(fake.calls.length).toBe(1 + Math.ceil(60 / 7));
    expect((fake.calls[2]!.input as { NextToken?: string }).NextToken).toBe("page-7");
  });

  it("gives up after too many pages, for good", async () => {
    fake.pageSize = 1;
    const e = await failure(make({ maxPages: 5 }).collect([latency], { from: T0, to: T0 + 30 * MIN }));
    expect(e.message).toBe("CloudWatch answered more than 5 pages for one window");
    expect(e.permanent).toBe(true);
  });

  it("uses each metric's own period and the source's default statistic", async () => {
    fake.series.set(
      CloudWatchFake.key(
        "AWS/SageMaker",
        "Invocation5XXErrors",
        { EndpointName: "churn", VariantName: "blue" },
        "Sum",
      ),
      () => 0,
    );
    fake.series.set(
      CloudWatchFake.key(
        "AWS/SageMaker",
        "Invocation5XXErrors",
        { EndpointName: "churn", VariantName: "green" },
        "Sum",
      ),
      () => 2,
    );
    const errors = spec(
      "errors",
      "namespace=AWS/SageMaker metric=Invocation5XXErrors EndpointName=churn VariantName={{version}} period=5m",
    );
    const got = await make({ stat: "Sum" }).collect([latency, errors], { from: T0, to: T0 + 20 * MIN });
    expect(fake.calls.length).toBe(2);
    expect(got.get("errors")!.candidate.length).toBe(4);
    expect(got.get("errors")!.candidate.every((v) => v === 2)).toBe(true);
    expect(got.get("p95")!.candidate.length).toBe(20);
  });

  it("fills {{version}} in a Metrics Insights query", async () => {
    for (const v of ["blue", "green"]) {
      fake.series.set(
        `SELECT AVG(ModelLatency) FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE VariantName = '${v}'`,
        () => (v === "blue" ? 1 : 2),
      );
    }
    const insights = spec(
      "latency",
      `SELECT AVG(ModelLatency) FROM SCHEMA("AWS/SageMaker", EndpointName, VariantName) WHERE VariantName = '{{version}}'`,
    );
    const got = await make().collect([insights], { from: T0, to: T0 + 5 * MIN });
    expect(got.get("latency")).toEqual({ candidate: [2, 2, 2, 2, 2], baseline: [1, 1, 1, 1, 1] });
    const q = (fake.calls[0]!.input as { MetricDataQueries: { Expression: string; Period: number }[] })
      .MetricDataQueries[0]!;
    expect(q.Period).toBe(60);
  });

  it("refuses an Insights query that returns several series", async () => {
    const q = 'SELECT AVG(ModelLatency) FROM SCHEMA("AWS/SageMaker", VariantName) GROUP BY VariantName';
    fake.series.set(q, () => 1);
    fake.grouped.add(q);
    const e = await failure(make().collect([spec("latency", q)], { from: T0, to: T0 + 5 * MIN }));
    expect(e.message).toBe("metric latency: the query for the candidate returns more than one series");
    expect(e.permanent).toBe(true);
  });

  it("retries throttling with backoff, then fails in a way that may pass", async () => {
    fake.throttle = 2;
    const got = await make().collect([latency], { from: T0, to: T0 + 3 * MIN });
    expect(got.get("p95")!.baseline.length).toBe(3);
    fake.throttle = 100;
    const before = fake.calls.length;
    const e = await failure(source.collect([latency], { from: T0, to: T0 + 3 * MIN }));
    expect(fake.calls.length - before).toBe(3);
    expect(e.message).toMatch(/^CloudWatch GetMetricData on metrics p95 failed: Throttling: Rate exceeded/);
    expect(e.permanent).toBe(false);
    expect(e.hint).toContain("throttling");
  });

  it("treats a query CloudWatch rejects as permanent", async () => {
    const bad = spec("latency", 'SELECT AVG(ModelLatency) FORM SCHEMA("AWS/SageMaker")');
    const e = await failure(make().collect([bad], { from: T0, to: T0 + 5 * MIN }));
    expect(e.message).toContain("failed: ValidationException (ValidationError): Syntax error in expression");
    expect(e.permanent).toBe(true);
    expect(e.hint).toBe("check the queries of latency");
    expect(fake.calls.length).toBe(1);
  });

  it("treats AccessDenied as permanent and names the permission", async () => {
    fake.deny = true;
    const e = await failure(make().collect([latency], { from: T0, to: T0 + 5 * MIN }));
    expect(e.message).toContain("AccessDenied");
    expect(e.permanent).toBe(true);
    expect(e.hint).toBe(
      "the job's AWS identity needs the IAM permission cloudwatch:GetMetricData on metrics p95",
    );
  });

  it("tells a forbidden metric from a CloudWatch hiccup", async () => {
    fake.forbidden.add("ModelLatency");
    let e = await failure(make().collect([latency], { from: T0, to: T0 + 5 * MIN }));
    expect(e.permanent).toBe(true);
    expect(e.message).toContain("may not read this metric");
    fake.forbidden.clear();
    fake.broken.add("ModelLatency");
    e = await failure(source.collect([latency], { from: T0, to: T0 + 5 * MIN }));
    expect(e.permanent).toBe(false);
  });

  it("answers empty samples for a metric with no datapoints", async () => {
    const quiet = spec("quiet", "namespace=Custom metric=Nothing version={{version}}");
    const got = await make().collect([quiet], { from: T0, to: T0 + 5 * MIN });
    expect(got.get("quiet")).toEqual({ candidate: [], baseline: [] });
  });

  it("rejects a malformed query before calling, for good", async () => {
    const e = await failure(
      make().collect([spec("x", "namespace=AWS/SageMaker metric=ModelLatency stat=p999")], {
        from: T0,
        to: T0 + 5 * MIN,
      }),
    );
    expect(e.permanent).toBe(true);
    expect(e.message).toContain("expected a statistic");
    expect(fake.calls).toEqual([]);
  });

  it("refuses a default period CloudWatch would refuse", () => {
    expect(() => make({ periodSeconds: 45 })).toThrow(/45 s is not one CloudWatch accepts/);
  });
});
