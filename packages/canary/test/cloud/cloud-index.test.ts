import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { VirtualClock } from "../../src/engine/clock.js";
import {
  CLOUD_TRAFFIC_PROVIDERS,
  CLOUD_TRAFFIC_SCHEMAS,
  checkCloudWatchQuery,
  cloudwatchSettingsSchema,
  createCloudWatchSource,
} from "../../src/traffic/cloud-index.js";
import type { TrafficProvider } from "../../src/traffic/types.js";
import { CloudWatchFake } from "./fakes/cloudwatch-fake.js";
import { BLUE_TG, Elbv2Fake, GREEN_TG, RULE_ARN } from "./fakes/elbv2-fake.js";
import { KubeFake } from "./fakes/kube-fake.js";
import { LambdaFake } from "./fakes/lambda-fake.js";
import { TEST_CREDENTIALS, TEST_REGION } from "./fakes/loopback.js";
import { SageMakerFake } from "./fakes/sagemaker-fake.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function keep<T extends TrafficProvider>(p: T): T {
  cleanups.push(() => p.close());
  return p;
}

const runtime = () => ({ credentials: TEST_CREDENTIALS, clock: new VirtualClock() });

describe("CLOUD_TRAFFIC_PROVIDERS", () => {
  it("builds each AWS router from its mlgate.yml entry", async () => {
    const sm = await SageMakerFake.start();
    const elb = await Elbv2Fake.start();
    const lam = await LambdaFake.start();
    cleanups.push(
      () => sm.close(),
      () => elb.close(),
      () => lam.close(),
    );
    sm.addEndpoint("churn-prod", { blue: 1, green: 0 });
    elb.ruleActions = [
      { Type: "forward", ForwardConfig: { TargetGroups: [{ TargetGroupArn: BLUE_TG, Weight: 1 }] } },
    ];
    lam.addAlias("live", "3");
    const providers = [
      CLOUD_TRAFFIC_PROVIDERS.sagemaker(
        {
          provider: "sagemaker",
          region: TEST_REGION,
          "endpoint-url": sm.url,
          "endpoint-name": "churn-prod",
          "baseline-variant": "blue",
          "candidate-variant": "green",
          "poll-interval": "5s",
          timeout: "10m",
        },
        runtime(),
      ),
      CLOUD_TRAFFIC_PROVIDERS.alb(
        {
          provider: "alb",
          region: TEST_REGION,
          "endpoint-url": elb.url,
          "rule-arn": RULE_ARN,
          "baseline-target-group": BLUE_TG,
          "candidate-target-group": GREEN_TG,
        },
        runtime(),
      ),
      CLOUD_TRAFFIC_PROVIDERS.lambda(
        {
          provider: "lambda",
          region: TEST_REGION,
          "endpoint-url": lam.url,
          function: "churn-scorer",
          alias: "live",
          "candidate-version": "4",
        },
        runtime(),
      ),
    ].map(keep);
    expect(providers.map((p) => p.kind)).toEqual(["sagemaker", "alb", "lambda"]);
    for (const p of providers) {
      expect(await p.setWeights({ canary: 20 })).toEqual({ canary: 20 });
      expect(await p.rollback()).toEqual({ canary: 0 });
    }
  });

  it("builds the Gateway API router with a token from the environment and paths relative to the config", async () => {
    const kube = await KubeFake.start();
    cleanups.push(() => kube.close());
    kube.addRoute("ml", "churn", [{ backendRefs: [{ name: "churn-blue", port: 8080 }] }]);
    const dir = mkdtempSync(join(tmpdir(), "mlgate-cloud-index-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "token"), "test-token");
    const entry = {
      provider: "gateway-api" as const,
      server: kube.url,
      namespace: "ml",
      route: "churn",
      baseline: "churn-blue",
      candidate: { name: "churn-green", port: 8080 },
      "poll-interval": "1s",
    };
    const fromEnv = keep(
      CLOUD_TRAFFIC_PROVIDERS["gateway-api"](
        { ...entry, "token-env": "KUBE_TOKEN" },
        { env: { KUBE_TOKEN: "test-token" }, clock: new VirtualClock() },
      ),
    );
    expect(await fromEnv.setWeights({ canary: 30 })).toEqual({ canary: 30 });
    const fromFile = keep(
      CLOUD_TRAFFIC_PROVIDERS["gateway-api"](
        { ...entry, "token-file": "token" },
        { baseDir: dir, clock: new VirtualClock() },
      ),
    );
    expect(await fromFile.getWeights()).toEqual({ canary: 30 });
    expect(() =>
      CLOUD_TRAFFIC_PROVIDERS["gateway-api"]({ ...entry, "token-env": "NOPE" }, { env: {} }),
    ).toThrow("canary.traffic.token-env: the environment variable NOPE is empty");
  });

  it("refuses a bad entry with every problem named by key", () => {
    const bad = () =>
      CLOUD_TRAFFIC_PROVIDERS.alb({
        provider: "alb",
        region: "mars-1",
        "baseline-target-group": BLUE_TG,
        "candidate-target-group": "tg-green",
      } as never);
    expect(bad).toThrow(GateError);
    const message = (() => {
      try {
        bad();
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toContain("canary.traffic.region: an AWS region such as us-east-1");
    expect(message).toContain("canary.traffic.candidate-target-group: an elasticloadbalancing ARN");
    expect(() =>
      CLOUD_TRAFFIC_PROVIDERS.alb({
        provider: "alb",
        region: "eu-west-1",
        "baseline-target-group": BLUE_TG,
        "candidate-target-group": GREEN_TG,
      }),
    ).toThrow("canary.traffic: set rule-arn or listener-arn");
  });

  it("turns every schema into JSON Schema for editors", () => {
    for (const schema of [...Object.values(CLOUD_TRAFFIC_SCHEMAS), cloudwatchSettingsSchema]) {
      const json = z.toJSONSchema(schema, { io: "input" }) as {
        type?: string;
        properties?: Record<string, unknown>;
      };
      expect(json.type).toBe("object");
      expect(Object.keys(json.properties ?? {}).length).toBeGreaterThan(2);
    }
  });
});

describe("createCloudWatchSource", () => {
  it("reads the settings and queries CloudWatch", async () => {
    const cw = await CloudWatchFake.start();
    cleanups.push(() => cw.close());
    cw.series.set(CloudWatchFake.key("Churn", "Errors", { version: "v1" }, "Sum"), () => 0);
    cw.series.set(CloudWatchFake.key("Churn", "Errors", { version: "v2" }, "Sum"), () => 1);
    const source = createCloudWatchSource(
      { region: TEST_REGION, "endpoint-url": cw.url, period: "5m", stat: "sum", delay: "0s" },
      {
        versions: { baseline: "v1", candidate: "v2" },
        credentials: TEST_CREDENTIALS,
        clock: new VirtualClock(),
      },
    );
    cleanups.push(() => source.close());
    const t = 1_700_000_100_000;
    const got = await source.collect(
      [
        {
          name: "errors",
          provider: "cloudwatch",
          query: "namespace=Churn metric=Errors version={{version}}",
          factor: 1,
          dimension: "none",
          aggregate: "sum",
          direction: "increase",
          compare: "none",
          tolerance: 0,
          kind: "continuous",
          scale: "linear",
          minSamples: 2,
        } as never,
      ],
      { from: t, to: t + 30 * 60_000 },
    );
    expect(got.get("errors")).toEqual({ candidate: [1, 1, 1, 1, 1, 1], baseline: [0, 0, 0, 0, 0, 0] });
    const q = (
      cw.calls[0]!.input as { MetricDataQueries: { MetricStat: { Period: number; Stat: string } }[] }
    ).MetricDataQueries[0]!;
    expect(q.MetricStat).toMatchObject({ Period: 300, Stat: "Sum" });
  });

  it("refuses settings CloudWatch would refuse", () => {
    const ctx = { versions: { baseline: "a", candidate: "b" } };
    expect(() => createCloudWatchSource({ region: TEST_REGION, period: "45s" }, ctx)).toThrow(
      'canary.cloudwatch.period "45s" is not a CloudWatch period',
    );
    expect(() => createCloudWatchSource({ region: TEST_REGION, stat: "median" }, ctx)).toThrow(
      'canary.cloudwatch.stat "median" is not a CloudWatch statistic',
    );
  });

  it("checks a query at load time", () => {
    expect(() =>
      checkCloudWatchQuery(
        "namespace=AWS/SageMaker metric=ModelLatency VariantName={{version}}",
        "canary.metrics[0]",
      ),
    ).not.toThrow();
    expect(() => checkCloudWatchQuery("metric=ModelLatency", "canary.metrics[0]")).toThrow(
      /canary.metrics\[0\]: missing namespace/,
    );
  });
});
