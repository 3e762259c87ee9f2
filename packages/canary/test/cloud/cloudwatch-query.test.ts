import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CLOUDWATCH_UNITS,
  type CloudWatchQuery,
  formatCloudWatchQuery,
  MAX_QUERY_LENGTH,
  normalizeStat,
  parseCloudWatchQuery,
} from "../../src/cloud/cloudwatch-query.js";

function error(text: string): GateError {
  try {
    parseCloudWatchQuery(text, "metric p95");
  } catch (e) {
    expect(e).toBeInstanceOf(GateError);
    return e as GateError;
  }
  throw new Error(`parsed: ${text}`);
}

describe("parseCloudWatchQuery", () => {
  it("reads settings and dimensions", () => {
    expect(
      parseCloudWatchQuery(
        "namespace=AWS/SageMaker metric=ModelLatency EndpointName=churn VariantName=green stat=P99.9 period=5m unit=Microseconds",
        "m",
      ),
    ).toEqual({
      kind: "metric",
      namespace: "AWS/SageMaker",
      metricName: "ModelLatency",
      dimensions: [
        { Name: "EndpointName", Value: "churn" },
        { Name: "VariantName", Value: "green" },
      ],
      stat: "p99.9",
      periodSeconds: 300,
      unit: "Microseconds",
    });
  });

  it("reads quoted values, escapes and dimensions named like settings", () => {
    const q = parseCloudWatchQuery(
      'namespace="My App" metric=Latency Route="/v1/predict \\"fast\\"" dim.stat=x stat=avg',
      "m",
    );
    expect(q).toMatchObject({
      namespace: "My App",
      dimensions: [
        { Name: "Route", Value: '/v1/predict "fast"' },
        { Name: "stat", Value: "x" },
      ],
      stat: "Average",
    });
  });

  it("passes Metrics Insights queries through", () => {
    expect(parseCloudWatchQuery('  SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2")  ', "m")).toEqual({
      kind: "insights",
      expression: 'SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2")',
    });
  });

  it("points at the offending column", () => {
    const e = error("namespace=AWS/SageMaker metric=ModelLatency stat=p999");
    expect(e.message).toBe(
      "metric p95: expected a statistic: Average, Sum, Minimum, Maximum, SampleCount, p95, p99.9, tm90 at column 50 of the CloudWatch query\n" +
        "  namespace=AWS/SageMaker metric=ModelLatency stat=p999\n" +
        `  ${" ".repeat(49)}^`,
    );
    expect(e.hint).toContain("namespace=NS metric=NAME");
  });

  it.each([
    ["metric=ModelLatency", "missing namespace"],
    ["namespace=AWS/SageMaker", "missing metric"],
    ["namespace=A metric=B period=45", "expected a period"],
    ["namespace=A metric=B period=2d", "expected a period"],
    ["namespace=A metric=B unit=Furlongs", "expected a CloudWatch unit"],
    ["namespace=A metric=B metric=C", "metric is given twice"],
    ["namespace=A metric=B EndpointName", "expected key=value"],
    ['namespace=A metric=B Route="/v1', "unterminated quoted value"],
    ['namespace=A metric=B Route="/v1"x', "expected a space after the quoted value"],
    ["namespace=A metric=B Route=", "empty value for Route"],
    ["namespace=:A metric=B", "not a CloudWatch namespace"],
  ])("refuses %s", (text, reason) => {
    expect(error(text).message).toContain(reason);
  });

  it("parses the longest allowed adversarial text at once", () => {
    for (const unit of ['a="\\', "k=v ", "=", '"']) {
      const text = unit.repeat(Math.floor(4096 / unit.length));
      const started = performance.now();
      expect(() => parseCloudWatchQuery(text, "m")).toThrow(GateError);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it("caps dimensions and length", () => {
    const dims = Array.from({ length: 31 }, (_, i) => `D${i}=v`).join(" ");
    expect(error(`namespace=A metric=B ${dims}`).message).toContain("more than 30 dimensions");
    expect(error(`namespace=A metric=${"x".repeat(MAX_QUERY_LENGTH)}`).message).toContain(
      "the limit is 4096",
    );
  });

  it("knows CloudWatch's statistics", () => {
    expect(
      ["Average", "sum", "MIN", "max", "count", "p50", "p100", "tm90", "TM(10%:90%)", "PR(:300)", "wm99"].map(
        normalizeStat,
      ),
    ).toEqual([
      "Average",
      "Sum",
      "Minimum",
      "Maximum",
      "SampleCount",
      "p50",
      "p100",
      "tm90",
      "TM(10%:90%)",
      "PR(:300)",
      "wm99",
    ]);
    expect(["p101", "p", "median", "tm", "p9.", ""].map(normalizeStat)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

const word = fc
  .string({ unit: fc.constantFrom(..."abcXYZ019/_-.:#"), minLength: 1, maxLength: 12 })
  .filter((s) => !s.startsWith(":"));
const value = fc.string({ unit: fc.constantFrom(...'ab Z9/_-"\\=.{}'), minLength: 1, maxLength: 16 });
const query: fc.Arbitrary<CloudWatchQuery> = fc.record(
  {
    kind: fc.constant("metric" as const),
    namespace: word,
    metricName: value,
    dimensions: fc.uniqueArray(fc.record({ Name: word, Value: value }), {
      maxLength: 6,
      selector: (d) => d.Name,
    }),
    stat: fc.constantFrom("Average", "Sum", "p95", "p99.9", "tm90"),
    periodSeconds: fc.constantFrom(1, 10, 60, 300, 3600),
    unit: fc.constantFrom(...CLOUDWATCH_UNITS),
  },
  { requiredKeys: ["kind", "namespace", "metricName", "dimensions"] },
);

describe("parseCloudWatchQuery properties", () => {
  it("reads back what formatCloudWatchQuery writes", () => {
    fc.assert(
      fc.property(query, (q) => {
        expect(parseCloudWatchQuery(formatCloudWatchQuery(q), "m")).toEqual(q);
      }),
      { numRuns: 300 },
    );
  });

  it("answers any text with a query or a GateError, quickly", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: fc.constantFrom(...'= "\\namespace=metric=stat=p9.0dim'), maxLength: 200 }),
      query.map(formatCloudWatchQuery).chain((s) => fc.nat(s.length).map((n) => s.slice(0, n))),
    );
    fc.assert(
      fc.property(text, (t) => {
        const started = performance.now();
        try {
          const q = parseCloudWatchQuery(t, "m");
          if (q.kind === "metric") expect(q.dimensions.length).toBeLessThanOrEqual(30);
        } catch (e) {
          expect(e).toBeInstanceOf(GateError);
        }
        // generous: only a runaway (quadratic or worse) parse would come near it on a loaded machine
        expect(performance.now() - started).toBeLessThan(500);
      }),
      { numRuns: 500 },
    );
  });
});
