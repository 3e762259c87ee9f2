// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header values are written ${env.NAME}
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CanaryOverrides, parseMetricFlag, resolveCanary } from "../src/index.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-canary-config-"));
  await writeFile(join(dir, "bodies.jsonl"), '{"features":[1,2,3,4]}\n{"features":[5,6,7,8]}\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function resolveText(yaml: string, overrides: CanaryOverrides = {}) {
  const file = join(dir, `mlgate-${Math.random().toString(36).slice(2)}.yml`);
  await writeFile(file, yaml);
  return resolveCanary(overrides, { cwd: dir, configPath: file });
}

const NGINX = `
version: 1
canary:
  versions: { baseline: v41, candidate: v42 }
  steps:
    - 5% 5m
    - { weight: 25%, bake: 10m }
    - 100% 10m
  on-failure: { no-data: pause }
  traffic:
    provider: nginx
    file: conf/upstream.conf
    upstream: model
    baseline-servers: [10.0.0.5:8080]
    candidate-servers: [10.0.0.7:8080]
    reload: [sudo, -n, nginx, -s, reload]
  prometheus:
    url: http://prometheus:9090
    step: 30s
    headers: { Authorization: "Bearer \${env.PROM_TOKEN}" }
  metrics:
    - name: latency
      provider: prometheus
      query: sum(rate(h_sum{version="{{version}}"}[1m])) / sum(rate(h_count{version="{{version}}"}[1m]))
      unit: s
    - name: accuracy
      provider: web
      query: http://labels/api/accuracy?version={{version}}
      path: $.accuracy
      direction: decrease
      compare: mann-whitney
  gates:
    - ratio(latency) <= 1.2
    - accuracy >= 0.9
`;

describe("resolveCanary", () => {
  it("builds the whole input from mlgate.yml", async () => {
    const { input } = await resolveText(NGINX, { env: { PROM_TOKEN: "s3cret" } });
    expect(input.plan.steps).toEqual([
      { weight: 5, bakeMs: 300_000 },
      { weight: 25, bakeMs: 600_000 },
      { weight: 100, bakeMs: 0 },
    ]);
    expect(input.plan.guardMs).toBe(600_000);
    expect(input.plan.policy["no-data"]).toBe("pause");
    expect(input.traffic).toEqual({
      kind: "nginx",
      options: {
        file: join(dir, "conf/upstream.conf"),
        upstream: "model",
        baseline: ["10.0.0.5:8080"],
        candidate: ["10.0.0.7:8080"],
        reload: ["sudo", "-n", "nginx", "-s", "reload"],
      },
    });
    expect(input.prometheus).toEqual({
      url: "http://prometheus:9090",
      stepMs: 30_000,
      delayMs: 60_000,
      timeoutMs: 10_000,
      headers: { Authorization: "Bearer s3cret" },
    });
    expect(input.secrets).toEqual(["s3cret", "Bearer s3cret"]);
    expect(
      input.metrics.map((m) => [
        m.name,
        m.provider,
        m.factor,
        m.dimension,
        m.aggregate,
        m.direction,
        m.compare,
        m.scale,
        m.tolerance,
      ]),
    ).toEqual([
      ["latency", "prometheus", 1000, "time", "mean", "increase", "sequential", "log", 0.05],
      ["accuracy", "web", 1, "none", "mean", "decrease", "mann-whitney", "linear", 0],
    ]);
    expect(input.judge).toMatchObject({ mode: "sequential", alpha: expect.closeTo(0.01, 10) });
    expect(input.judge.thresholds.map((t) => t.source)).toEqual(["ratio(latency) <= 1.2", "accuracy >= 0.9"]);
    expect(input.versions).toEqual({ baseline: "v41", candidate: "v42" });
    expect(input.probe).toBeUndefined();
  });

  it("takes the candidate's version label from the run when the file names only the baseline's", async () => {
    const { input } = await resolveText(
      "canary:\n  baseline: http://a:1\n  candidate: http://b:1\n  steps: 5% 1m, 100%\n  versions: { baseline: v41 }\n",
      { candidateVersion: "v43" },
    );
    expect(input.versions).toEqual({ baseline: "v41", candidate: "v43" });
  });

  it("defaults to the embedded router and the probe's own metrics", async () => {
    const { input } = await resolveText(
      "version: 1\ncanary:\n  probe: { body-file: bodies.jsonl, rate: 20/s }\n",
      {
        baseline: "http://a:1/v1/predict",
        candidate: "http://b:2/v1/predict",
        steps: "10% 1m, 100%",
        prediction: "$.probabilities[1]",
        judge: "mann-whitney",
      },
    );
    expect(input.traffic).toEqual({
      kind: "embedded",
      baseline: "http://a:1/v1/predict",
      candidate: "http://b:2/v1/predict",
    });
    expect(input.metrics.map((m) => `${m.name}:${m.query}:${m.aggregate}:${m.compare}:${m.kind}`)).toEqual([
      "p95:latency:p95:mann-whitney:continuous",
      "error_rate:errors:mean:mann-whitney:binary",
      "score:prediction:mean:shift:continuous",
    ]);
    expect(input.probe).toMatchObject({
      rate: 20,
      timeoutMs: 10_000,
      bodies: [Buffer.from('{"features":[1,2,3,4]}'), Buffer.from('{"features":[5,6,7,8]}')],
    });
    expect(input.judge.alpha).toBeCloseTo(0.02, 10);
  });

  it("takes a cloud router and CloudWatch metrics, checking their keys and queries when the config loads", async () => {
    const { input } = await resolveText(
      [
        "version: 1",
        "canary:",
        "  versions: { baseline: AllTraffic, candidate: Canary }",
        "  steps: 10% 5m, 100%",
        "  traffic: { provider: sagemaker, region: eu-west-1, endpoint-name: churn, baseline-variant: AllTraffic, candidate-variant: Canary }",
        "  cloudwatch: { region: eu-west-1, period: 1m }",
        "  metrics:",
        "    - name: latency",
        "      provider: cloudwatch",
        "      query: namespace=AWS/SageMaker metric=ModelLatency EndpointName=churn VariantName={{version}} stat=p95",
        "      unit: us",
        "",
      ].join("\n"),
    );
    expect(input.traffic).toMatchObject({
      kind: "cloud",
      provider: "sagemaker",
      baseDir: dir,
      config: { "endpoint-name": "churn" },
    });
    expect(input.cloudwatch).toEqual({ region: "eu-west-1", period: "1m" });
    expect(input.metrics[0]).toMatchObject({
      provider: "cloudwatch",
      factor: 0.001,
      dimension: "time",
      scale: "log",
    });
    await expect(
      resolveText(
        "version: 1\ncanary:\n  versions: { baseline: a, candidate: b }\n  steps: 10% 5m, 100%\n  baseline: http://a:1\n  candidate: http://b:1\n  metrics: [{ name: l, provider: cloudwatch, query: 'metric=ModelLatency VariantName={{version}}' }]\n",
      ),
    ).rejects.toThrow(/canary.metrics\[0\]: missing namespace/);
    await expect(
      resolveText(
        "version: 1\ncanary:\n  steps: 10% 5m, 100%\n  traffic: { provider: lambda, function: f }\n",
      ),
    ).rejects.toThrow(/alias/);
  });

  it.each([
    ["canary:\n  steps: 5% 1m, 100%\n  bogus: 1\n", {}, /unknown key "bogus"|bogus/],
    [
      "canary:\n  steps: 5% 1m, 100%\n",
      {},
      "the embedded router needs the baseline's and the candidate's addresses",
    ],
    ["canary:\n  baseline: http://a:1\n  candidate: http://b:1\n", {}, "no rollout steps"],
    [
      "canary:\n  baseline: http://a:1\n  candidate: http://b:1\n  steps: 5% 1m, 100%\n  gates: [p59 < 1s]\n",
      {},
      'threshold "p59 < 1s": no metric named "p59"; did you mean "p95"?',
    ],
    [
      "canary:\n  baseline: http://a:1\n  candidate: http://b:1\n  steps: 5% 1m, 100%\n",
      { metrics: ['e=prometheus:sum(rate(x{version="{{version}}"}[1m]))'] },
      "prometheus and web metrics need the version labels of both sides",
    ],
    [
      "canary:\n  baseline: http://a:1\n  candidate: http://b:1\n  steps: 5% 1m, 100%\n  versions: { baseline: a, candidate: b }\n",
      { metrics: ["e=prometheus:sum(rate(x[1m]))"] },
      "metric e: the query has no {{version}}, so it cannot tell the candidate from the baseline",
    ],
    [
      "canary:\n  baseline: http://a:1\n  candidate: http://b:1\n  steps: 5% 1m, 100%\n  versions: { baseline: 'a\"}', candidate: b }\n",
      {},
      'the baseline version label "a"}" holds characters that cannot go into a query',
    ],
    [
      "canary:\n  steps: 5% 1m, 100%\n",
      { provider: "nginx" as const },
      "the nginx router needs its settings in canary.traffic",
    ],
    [
      "canary:\n  baseline: http://a:1\n  candidate: http://b:1\n  steps: 5% 1m, 100%\n  probe: { headers: { X-Key: '${env.NOPE}' } }\n",
      {},
      "canary.probe.headers.X-Key: environment variable NOPE is not set",
    ],
  ])("refuses %j", async (yaml, overrides, message) => {
    await expect(resolveText(`version: 1\n${yaml}`, { env: {}, ...overrides })).rejects.toThrow(message);
  });
});

describe("--metric", () => {
  it("reads NAME=PROVIDER:QUERY and |key=value options after it", () => {
    expect(
      parseMetricFlag(
        'lat=prometheus:histogram_quantile(0.95, sum by (le) (rate(h{version=~"{{version}}|x"}[1m])))|unit=s|tolerance=10%',
      ),
    ).toEqual({
      name: "lat",
      provider: "prometheus",
      query: 'histogram_quantile(0.95, sum by (le) (rate(h{version=~"{{version}}|x"}[1m])))',
      unit: "s",
      tolerance: "10%",
    });
    expect(parseMetricFlag("p99=probe:latency|aggregate=p99|compare=mann-whitney|min-samples=50")).toEqual({
      name: "p99",
      provider: "probe",
      query: "latency",
      aggregate: "p99",
      compare: "mann-whitney",
      "min-samples": 50,
    });
    expect(() => parseMetricFlag("p99 probe latency")).toThrow("expected NAME=PROVIDER:QUERY");
    expect(() => parseMetricFlag("p99=probe:latency|colour=red")).toThrow('unknown option "colour"');
    expect(() => parseMetricFlag("p99=probe:latency|direction=up")).toThrow(
      "direction must be one of increase, decrease",
    );
  });

  it("answers any text with a metric or a GateError", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80, unit: fc.constantFrom(...'ab=:|probemthus{}"1%-. ') }),
        (text) => {
          try {
            const m = parseMetricFlag(text);
            expect(m.query.trim()).not.toBe("");
          } catch (e) {
            expect(e).toBeInstanceOf(GateError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
