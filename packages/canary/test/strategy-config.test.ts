import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CanaryOverrides, parseOutputFlag, parseStickyFlag, resolveCanary } from "../src/index.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-strategy-config-"));
  await writeFile(join(dir, "bodies.jsonl"), '{"features":[1,2,3,4]}\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function resolveText(yaml: string, overrides: CanaryOverrides = {}) {
  const file = join(dir, `mlgate-${Math.random().toString(36).slice(2)}.yml`);
  await writeFile(file, yaml);
  return resolveCanary(overrides, { cwd: dir, configPath: file });
}

async function refusal(p: Promise<unknown>): Promise<GateError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(GateError);
  return e as GateError;
}

const ENDPOINTS = `
  baseline: http://10.0.0.5:8080/v1/predict
  candidate: http://10.0.0.7:8080/v1/predict
  versions: { baseline: v1, candidate: v2 }`;

const NGINX = `
  traffic:
    provider: nginx
    file: conf/upstream.conf
    upstream: model
    mirror-file: conf/mirror.conf`;

describe("strategy: shadow", () => {
  it("builds a shadow run through nginx's mirror, pairing the prediction logs", async () => {
    const { input } = await resolveText(`
version: 1
canary:${ENDPOINTS}
  strategy: shadow
  shadow:
    mirror: 10%
    duration: 30m
    min-pairs: 500
    outputs:
      - { name: label, path: $.label, kind: label }
      - { name: score, path: "$.probabilities[1]", kind: score }
    pairs: { baseline-log: logs/v1.jsonl, candidate-log: logs/v2.jsonl, answer: $.response }
    labels: { file: truth.jsonl }
${NGINX}
  prometheus: { url: http://prometheus:9090 }
  metrics:
    - { name: latency, provider: prometheus, query: 'sum(rate(s{version="{{version}}"}[1m]))', unit: s }
  gates:
    - ratio(latency) <= 1.2
    - agreement >= 98%
    - ks_p(score) > 0.01
`);
    expect(input.plan).toMatchObject({
      strategy: "shadow",
      steps: [{ weight: 0, bakeMs: 1_800_000 }],
      intervalMs: 60_000,
    });
    expect(input.traffic).toMatchObject({
      kind: "nginx",
      options: { mirrorFile: join(dir, "conf/mirror.conf") },
    });
    const s = input.strategy;
    expect(s?.kind).toBe("shadow");
    if (s?.kind !== "shadow") return;
    expect(s.plan).toEqual({ mirror: 10, durationMs: 1_800_000, source: "router", pairs: "" });
    expect(s.minPairs).toBe(500);
    expect(s.logs).toMatchObject({
      baseline: join(dir, "logs/v1.jsonl"),
      candidate: join(dir, "logs/v2.jsonl"),
    });
    expect(s.labels?.file).toBe(join(dir, "truth.jsonl"));
    // Output thresholds go to the shadow comparison; the bare one names the only label output.
    expect(s.thresholds.map((t) => `${t.fn}(${t.output}) from "${t.threshold.source}"`)).toEqual([
      'agreement(label) from "agreement >= 98%"',
      'ks_p(score) from "ks_p(score) > 0.01"',
    ]);
    expect(input.judge.thresholds.map((t) => t.source)).toEqual(["ratio(latency) <= 1.2"]);
  });

  it("defaults: the whole traffic mirrored for 10 minutes, timed pairs from the embedded router, default output limits", async () => {
    const { input } = await resolveText(`
version: 1
canary:${ENDPOINTS}
  strategy: shadow
  shadow:
    outputs: [{ name: label, path: $.label, kind: label }, { name: p, path: $.p, kind: score }]
`);
    const s = input.strategy;
    if (s?.kind !== "shadow") throw new Error("not shadow");
    expect(s.plan).toMatchObject({ mirror: 100, durationMs: 600_000, source: "router" });
    expect(input.metrics.map((m) => `${m.name}=${m.provider}:${m.query}/${m.aggregate}`)).toEqual([
      "p95=shadow:latency/p95",
      "error_rate=shadow:errors/mean",
    ]);
    expect(s.thresholds.map((t) => t.threshold.source)).toEqual(["agreement(label) >= 95%", "psi(p) < 0.1"]);
    expect(input.traffic).toMatchObject({ kind: "embedded", outputs: [{ name: "label" }, { name: "p" }] });
  });

  it("replays requests with the probe when asked, with any router", async () => {
    const { input } = await resolveText(
      `
version: 1
canary:${ENDPOINTS}
  strategy: shadow
  shadow: { source: probe, duration: 2m }
  probe: { rate: 20/s, body-file: bodies.jsonl }
  traffic: { provider: command, set: [route, "{{canary}}"], get: [route, get] }
`,
      { shadowOutputs: ["label=label:$.label"] },
    );
    expect(input.probe?.outputs?.map((o) => o.name)).toEqual(["label"]);
    expect(input.metrics.map((m) => `${m.name}=${m.provider}:${m.query}`)).toEqual([
      "p95=probe:latency",
      "error_rate=probe:errors",
    ]);
  });

  it("refuses, when the config loads, a router that cannot mirror — naming the strategy, the router and those that can", async () => {
    const command = await refusal(
      resolveText(`
version: 1
canary:${ENDPOINTS}
  strategy: shadow
  traffic: { provider: command, set: [route, "{{canary}}"], get: [route, get] }
  prometheus: { url: http://p:9090 }
  metrics: [{ name: l, provider: prometheus, query: 'x{v="{{version}}"}' }]
`),
    );
    expect(command.message).toBe(
      "strategy shadow mirrors live traffic to the candidate, but the command router cannot mirror; routers that can: embedded, nginx (with canary.traffic.mirror-file) or gateway-api",
    );
    expect(command.hint).toBe(
      "or set canary.shadow.source: probe to replay requests to both versions instead",
    );
    const sagemaker = await refusal(
      resolveText(`
version: 1
canary:${ENDPOINTS}
  strategy: shadow
  traffic: { provider: sagemaker, endpoint-name: churn, baseline-variant: blue, candidate-variant: green, region: eu-west-1 }
  prometheus: { url: http://p:9090 }
  metrics: [{ name: l, provider: prometheus, query: 'x{v="{{version}}"}' }]
`),
    );
    expect(sagemaker.message).toMatch(
      /^strategy shadow mirrors live traffic to the candidate, but the sagemaker router cannot mirror/,
    );
    const nginx = await refusal(
      resolveText(`
version: 1
canary:${ENDPOINTS}
  strategy: shadow
  traffic: { provider: nginx, file: up.conf, upstream: model }
  prometheus: { url: http://p:9090 }
  metrics: [{ name: l, provider: prometheus, query: 'x{v="{{version}}"}' }]
`),
    );
    expect(nginx.message).toMatch(/but the nginx router cannot mirror without canary\.traffic\.mirror-file;/);
    const noPairs = await refusal(
      resolveText(`
version: 1
canary:${ENDPOINTS}
  strategy: shadow
${NGINX}
  prometheus: { url: http://p:9090 }
  metrics: [{ name: l, provider: prometheus, query: 'x{v="{{version}}"}' }]
`),
    );
    expect(noPairs.message).toBe("a shadow run through this router needs both versions' answers");
  });

  it("points at thresholds that misuse outputs, and at plans written for another strategy", async () => {
    const base = `
version: 1
canary:${ENDPOINTS}
  strategy: shadow
  shadow: { outputs: [{ name: score, path: $.s, kind: score }] }
`;
    expect((await refusal(resolveText(base, { gates: ["agreement(score) >= 90%"] }))).message).toBe(
      'threshold "agreement(score) >= 90%": score is a score output; compare it with psi(score), ks(score), ks_p(score)',
    );
    expect((await refusal(resolveText(base, { gates: ["agreement >= 90%"] }))).message).toBe(
      'threshold "agreement >= 90%": agreement applies to a label output, and there is none',
    );
    expect((await refusal(resolveText(base, { gates: ["psi(label) < 0.1"] }))).message).toBe(
      'threshold "psi(label) < 0.1": no shadow output named "label"',
    );
    expect((await refusal(resolveText(base, { steps: "10% 1m, 100%" }))).message).toBe(
      "strategy shadow has no steps; --steps applies to canary",
    );
    expect(
      (
        await refusal(
          resolveText(`version: 1\ncanary:${ENDPOINTS}\n  steps: 10% 1m, 100%\n`, {
            gates: ["agreement(x) >= 1%"],
          }),
        )
      ).message,
    ).toBe('threshold "agreement(x) >= 1%": agreement() compares a shadow run\'s outputs');
  });
});

describe("shadow metrics", () => {
  it("are refused where no mirrored pairs exist", async () => {
    const e = await refusal(
      resolveText(
        `version: 1\ncanary:${ENDPOINTS}\n  steps: 10% 1m, 100%\n  metrics: [{ name: p95, provider: shadow, query: latency }]\n`,
      ),
    );
    expect(e.message).toBe(
      "shadow metrics read the paired answers of mirrored requests, which this run does not have",
    );
    const { input } = await resolveText(
      `version: 1\ncanary:${ENDPOINTS}\n  strategy: blue-green\n  blue-green: { mirror: 100% }\n  metrics: [{ name: p95, provider: shadow, query: latency }]\n`,
    );
    expect(input.metrics[0]).toMatchObject({
      provider: "shadow",
      dimension: "time",
      aggregate: "p95",
      scale: "log",
    });
    expect(
      (
        await refusal(
          resolveText(
            `version: 1\ncanary:${ENDPOINTS}\n  strategy: shadow\n  metrics: [{ name: x, provider: shadow, query: prediction }]\n`,
          ),
        )
      ).message,
    ).toBe('canary.metrics[0]: a shadow metric\'s query is one of latency, errors, not "prediction"');
  });
});

describe("strategy: blue-green", () => {
  it("builds a preview, one switch and a guard window with its own gates and metrics", async () => {
    const { input } = await resolveText(
      `
version: 1
canary:${ENDPOINTS}
  strategy: blue-green
  time-scale: 0.5
  blue-green:
    preview: 4m
    guard: 10m
    guard-gates: [p95 < 300ms]
    guard-metrics: [p95]
  gates: [ratio(p95) <= 1.2]
`,
    );
    expect(input.plan.steps).toEqual([
      { weight: 0, bakeMs: 120_000 },
      { weight: 100, bakeMs: 300_000 },
    ]);
    const s = input.strategy;
    if (s?.kind !== "blue-green") throw new Error("not blue-green");
    expect(s.plan).toMatchObject({ previewMs: 120_000, guardMs: 300_000, mirror: 0, guardMetrics: ["p95"] });
    expect(s.plan.guardThresholds?.map((t) => t.source)).toEqual(["p95 < 300ms"]);
    expect(
      (
        await refusal(
          resolveText(
            `version: 1\ncanary:${ENDPOINTS}\n  strategy: blue-green\n  blue-green: { guard-metrics: [nope] }\n`,
          ),
        )
      ).message,
    ).toBe('canary.blue-green.guard-metrics: no metric named "nope"');
    expect(
      (
        await refusal(
          resolveText(
            `version: 1\ncanary:${ENDPOINTS}\n  strategy: blue-green\n  traffic: { provider: lambda, function: f, alias: live, candidate-version: "3" }\n`,
            { mirror: "10%" },
          ),
        )
      ).message,
    ).toMatch(
      /^strategy blue-green mirrors live traffic to the candidate, but the lambda router cannot mirror/,
    );
  });
});

describe("strategy: ab", () => {
  const AB = `
version: 1
canary:${ENDPOINTS}
  strategy: ab
  ab:
    split: 20%
    sticky: { cookie: uid }
    metric: { events: [events/a.jsonl, events/b.jsonl], unit: $.user, conversion: purchase }
    sample-size: { baseline-rate: 10%, minimum-effect: 2% }
    decision: fixed
    promote: auto
`;

  it("builds a sticky split decided on conversions, the sample size planned from a rate and an effect", async () => {
    const { input } = await resolveText(AB);
    const s = input.strategy;
    if (s?.kind !== "ab") throw new Error("not ab");
    expect(s.plan).toEqual({ split: 20, sticky: { cookie: "uid" }, maxMs: 3_600_000, promote: "auto" });
    expect(s.rule).toBe("fixed");
    expect(s.sampleSize).toBe(3841);
    expect(s.events.files).toEqual([join(dir, "events/a.jsonl"), join(dir, "events/b.jsonl")]);
    expect(s.events.conversion).toBe("purchase");
    // With both endpoints known, the probe's latency and errors are guardrails by default.
    expect(input.metrics.map((m) => m.name)).toEqual(["p95", "error_rate"]);
    const { input: flagged } = await resolveText(AB, {
      sticky: "header:x-user",
      split: "40%",
      sampleSize: 100,
    });
    if (flagged.strategy?.kind !== "ab") throw new Error("not ab");
    expect(flagged.strategy.plan).toMatchObject({ split: 40, sticky: { header: "x-user" } });
    expect(flagged.strategy.sampleSize).toBe(100);
  });

  it("refuses a router without a sticky split, a split with one side empty, and a fixed test without its size", async () => {
    const gateway = await refusal(
      resolveText(
        `${AB}  traffic: { provider: gateway-api, route: churn, baseline: blue, candidate: green, server: http://k:6443 }\n`,
      ),
    );
    expect(gateway.message).toBe(
      "strategy ab keeps each client on one side (a sticky split), but the gateway-api router cannot split stickily; routers that can: embedded or nginx",
    );
    expect((await refusal(resolveText(AB, { split: "100%" }))).message).toBe("--split: 100% is out of range");
    const fixed = AB.replace("    sample-size: { baseline-rate: 10%, minimum-effect: 2% }\n", "");
    expect((await refusal(resolveText(fixed))).message).toBe("a fixed-sample A/B test needs its sample size");
    const nginxKey = await refusal(
      resolveText(
        `${AB.replace("{ cookie: uid }", "{ header: x_user }")}  traffic: { provider: nginx, file: u.conf, upstream: m, baseline-servers: ["a:1"], candidate-servers: ["b:1"] }\n`,
      ),
    );
    expect(nginxKey.message).toBe("canary.ab.sticky: header x_user cannot be used as an nginx variable");
  });
});

describe("strategy flags", () => {
  it("refuse a flag that shapes another strategy than the one that runs", async () => {
    const e = await refusal(
      resolveText(`version: 1\ncanary:${ENDPOINTS}\n  steps: 10% 1m, 100%\n`, { mirror: "10%" }),
    );
    expect(e.message).toBe("--mirror applies to strategy shadow or blue-green, and this run is a canary");
    expect(
      (
        await refusal(
          resolveText(`version: 1\ncanary:${ENDPOINTS}\n  strategy: shadow\n`, { sticky: "header:x" }),
        )
      ).message,
    ).toBe("--sticky applies to strategy ab, and this run is a shadow");
  });

  it("parse outputs and sticky keys, or say what was expected", () => {
    expect(parseOutputFlag("score=score:$.probabilities[1]")).toMatchObject({
      name: "score",
      kind: "score",
      path: "$.probabilities[1]",
    });
    expect(parseStickyFlag("cookie:uid")).toEqual({ cookie: "uid" });
    expect(() => parseOutputFlag("label:$.label")).toThrow(
      '--shadow-output "label:$.label": expected NAME=KIND:PATH',
    );
    expect(() => parseStickyFlag("x-client-id")).toThrow(
      '--sticky "x-client-id": expected header:NAME or cookie:NAME',
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        for (const parse of [parseOutputFlag, parseStickyFlag]) {
          try {
            parse(text);
          } catch (e) {
            expect(e).toBeInstanceOf(GateError);
          }
        }
      }),
    );
  });
});
