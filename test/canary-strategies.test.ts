/**
 * Shadow, blue/green and A/B against the parts users run: real nginx routing live traffic between
 * example model servers, real Prometheus scraping them, the servers' own logs as evidence.
 * - shadow: nginx mirrors every request to the candidate; a candidate whose predictions shifted is
 *   caught while its latency and errors are fine, a good one is safe to canary, and in both no user
 *   request was answered by the candidate (every line in its log is a mirrored copy);
 * - blue/green: the switch and the switch back on a guard failure, verified in nginx's config and in
 *   live traffic, with no failed request in a steady load throughout;
 * - A/B: a sticky split by client id (each client on one side, from the servers' logs) decided on
 *   simulated conversions.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseRouting,
  type Routing,
  renderRouting,
  resolveCanary,
  runCanary,
  runCommand,
} from "@mlgate/canary";
import type { Report } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CanaryModelServer,
  type LogLine,
  startCanaryModelServer,
} from "../examples/canary/model-server.js";
import { type Nginx, type Prometheus, startNginx, startPrometheus } from "../examples/canary/real-parts.js";
import { startShoppers } from "../examples/canary/shoppers.js";
import { startUserTraffic, type UserTraffic } from "../examples/canary/user-traffic.js";
import { exampleBodies } from "../examples/serve/index.js";

type Name = "v1" | "good" | "shifted" | "blue" | "green" | "a" | "b";

const UPSTREAM = "model";
const SCRAPE_MS = 500;
let dir: string;
let servers: Record<Name, CanaryModelServer>;
let prometheus: Prometheus;
let nginx: Nginx;
let users: UserTraffic;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-strategies-e2e-"));
  const make = (version: string, extra: { shift?: number } = {}) =>
    startCanaryModelServer({
      version,
      latencyMs: 2,
      jitterMs: 2,
      log: join(dir, `${version}.jsonl`),
      ...extra,
    });
  const list = await Promise.all([
    make("v1"),
    make("v2"),
    make("v2-shifted", { shift: 0.35 }),
    make("blue-v1"),
    make("green-v2"),
    make("a-v1"),
    make("b-v2"),
  ]);
  const [v1, good, shifted, blue, green, a, b] = list;
  servers = { v1: v1!, good: good!, shifted: shifted!, blue: blue!, green: green!, a: a!, b: b! };
  [prometheus, nginx] = await Promise.all([
    startPrometheus({ targets: list.map((s) => s.address), scrapeMs: SCRAPE_MS }),
    startNginx({
      upstream: UPSTREAM,
      initialUpstream: renderRouting(layout("v1", "good"), plain, false).upstream,
      mirror: true,
    }),
  ]);
  await writeFile(
    join(dir, "bodies.jsonl"),
    exampleBodies(200)
      .map((x) => JSON.stringify(x))
      .join("\n"),
  );
  users = startUserTraffic(nginx.url, 40);
}, 60_000);

afterAll(async () => {
  await users?.stop();
  await Promise.allSettled([
    nginx?.stop(),
    prometheus?.stop(),
    ...Object.values(servers ?? {}).map((s) => s.close()),
  ]);
  await rm(dir, { recursive: true, force: true });
});

const plain: Routing = { canary: 0, mirror: 0 };

function layout(baseline: Name, candidate: Name) {
  return {
    upstream: UPSTREAM,
    baseline: [servers[baseline].address],
    candidate: [servers[candidate].address],
  };
}

/** Every user on `baseline`, nothing mirrored, `candidate` as the upstream's second server. */
async function resetRouter(baseline: Name, candidate: Name): Promise<void> {
  const files = renderRouting(layout(baseline, candidate), plain, true);
  await writeFile(nginx.upstreamFile, files.upstream);
  await writeFile(nginx.mirrorFile!, files.mirror!);
  await runCommand(nginx.reload, { what: "nginx reload" });
  await new Promise((r) => setTimeout(r, 300));
}

async function routerState(baseline: Name, candidate: Name): Promise<Routing> {
  return parseRouting(
    await readFile(nginx.upstreamFile, "utf8"),
    await readFile(nginx.mirrorFile!, "utf8"),
    layout(baseline, candidate),
    { upstream: nginx.upstreamFile, mirror: nginx.mirrorFile! },
  );
}

async function logOf(name: Name): Promise<LogLine[]> {
  await servers[name].flush();
  const text = await readFile(servers[name].log!, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as LogLine);
}

/** Which versions answered live traffic over the next second. */
async function liveSplit(): Promise<Record<string, number>> {
  await new Promise((r) => setTimeout(r, 300));
  users.reset();
  await new Promise((r) => setTimeout(r, 1000));
  return { ...users.answered };
}

function nginxTraffic(baseline: CanaryModelServer, candidate: CanaryModelServer): string[] {
  return [
    "  traffic:",
    "    provider: nginx",
    `    baseline-servers: [${baseline.address}]`,
    `    candidate-servers: [${candidate.address}]`,
    `    file: ${nginx.upstreamFile}`,
    `    mirror-file: ${nginx.mirrorFile}`,
    `    upstream: ${UPSTREAM}`,
    `    prefix: ${nginx.prefix}`,
    `    conf: ${nginx.conf}`,
    `    error-log: ${nginx.errorLog}`,
    `    live: { url: "${nginx.url}/v1/health", header: x-model-version, candidate: ${candidate.version}, requests: 20 }`,
  ];
}

function prometheusMetrics(options: { compare?: string; minSamples?: number } = {}): string[] {
  const more = `${options.compare ? `, compare: ${options.compare}` : ""}${options.minSamples ? `, min-samples: ${options.minSamples}` : ""}`;
  return [
    "  prometheus:",
    `    url: ${prometheus.url}`,
    `    step: ${SCRAPE_MS}ms`,
    "    delay: 750ms",
    "    timeout: 1s",
    "  metrics:",
    `    - { name: latency, provider: prometheus, unit: s${more}, query: 'sum(irate(model_request_duration_seconds_sum{version="{{version}}"}[3s])) / sum(irate(model_request_duration_seconds_count{version="{{version}}"}[3s]))' }`,
    `    - { name: error_rate, provider: prometheus, unit: ratio${more}, query: '(sum(irate(model_requests_total{version="{{version}}",code=~"5.."}[3s])) or vector(0)) / sum(irate(model_requests_total{version="{{version}}"}[3s]))' }`,
  ];
}

async function run(
  lines: string[],
  onLog?: (line: string) => void,
): Promise<{ report: Report; log: string }> {
  const file = join(dir, `mlgate-${Date.now()}-${Math.random().toString(36).slice(2)}.yml`);
  await writeFile(file, [...lines, ""].join("\n"));
  const { input } = await resolveCanary({}, { cwd: dir, configPath: file });
  const log: string[] = [];
  const report = await runCanary(input, {
    log: (line) => {
      log.push(line);
      onLog?.(line);
    },
  });
  return { report, log: log.join("\n") };
}

describe("shadow through nginx's mirror", () => {
  const shadowConfig = (candidate: "good" | "shifted", duration: string, minPairs: number) => {
    const c = servers[candidate];
    return [
      "version: 1",
      "canary:",
      "  strategy: shadow",
      `  versions: { baseline: v1, candidate: ${c.version} }`,
      "  interval: 500ms",
      "  min-samples: 3",
      "  shadow:",
      "    mirror: 100%",
      `    duration: ${duration}`,
      `    min-pairs: ${minPairs}`,
      "    outputs:",
      "      - { name: label, path: $.label, kind: label }",
      '      - { name: score, path: "$.probabilities[1]", kind: score }',
      "    pairs:",
      `      baseline-log: ${servers.v1.log}`,
      `      candidate-log: ${c.log}`,
      "      id: $.id",
      "      answer: $.response",
      ...nginxTraffic(servers.v1, c),
      ...prometheusMetrics(),
      "  gates:",
      "    - ratio(latency) <= 3",
      "    - error_rate < 5%",
      "    - agreement(label) >= 95%",
      "    - psi(score) < 0.1",
    ];
  };

  /** No line of the candidate's log answered a user: each is a mirrored copy of a request the baseline answered. */
  async function expectNoUserAnswered(candidate: "good" | "shifted") {
    const lines = (await logOf(candidate)).filter((l) => l.event === "predict");
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.filter((l) => !l.shadow)).toEqual([]);
    const baselineIds = new Set((await logOf("v1")).map((l) => l.id));
    expect(lines.every((l) => l.id !== null && baselineIds.has(l.id))).toBe(true);
    expect(servers[candidate].answered.direct).toBe(0);
    // Mirroring stopped: no more copies arrive.
    const before = servers[candidate].answered.shadow;
    await new Promise((r) => setTimeout(r, 800));
    expect(servers[candidate].answered.shadow).toBe(before);
  }

  it("catches a candidate whose predictions shifted while its latency and errors are fine; users never got its answers", async () => {
    await resetRouter("v1", "shifted");
    users.reset();
    const { report, log } = await run(shadowConfig("shifted", "8s", 160));
    expect(report.verdict, `${report.headline}\n${log}`).toBe("fail");
    expect(report.headline).toMatch(
      /^(agreement\(label\) is [\d.]+%, limit >= 95%|psi\(score\) is [\d.]+, limit < 0\.1) on \d+ paired answers \(the same requests answered by both\) — stopped mirroring during the shadow run; the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({
      strategy: "shadow",
      "safe-to-canary": "false",
      "user-exposure": "0%",
      "final-weight": "0",
    });
    // Latency and errors were judged on the mirrored requests and were fine: only the outputs decided.
    for (const name of ["ratio(latency) <= 3", "error_rate < 5%"]) {
      expect(report.checks.find((c) => c.name === name)?.status, name).not.toBe("fail");
    }
    expect(
      report.checks.some((c) => c.name.startsWith("latency: candidate vs baseline") && c.status === "pass"),
    ).toBe(true);
    expect(Object.keys(users.answered)).toEqual(["v1"]);
    expect(await routerState("v1", "shifted")).toEqual(plain);
    await expectNoUserAnswered("shifted");
  });

  it("finds a good candidate safe to canary, on the same requests, without a user ever on it", async () => {
    await resetRouter("v1", "good");
    users.reset();
    const { report, log } = await run(shadowConfig("good", "3s", 60));
    expect(report.verdict, `${report.headline}\n${log}`).toBe("pass");
    expect(report.headline).toMatch(
      /^shadow: v2 is safe to canary — on \d+ requests answered by both, label agreement 100%, score PSI 0; latency and errors no worse than v1; users saw none of its answers$/,
    );
    expect(report.outputs).toMatchObject({ result: "concluded", "safe-to-canary": "true" });
    expect(Object.keys(users.answered)).toEqual(["v1"]);
    expect(await routerState("v1", "good")).toEqual(plain);
    await expectNoUserAnswered("good");
  });
});

describe("blue/green through nginx", () => {
  const blueGreenConfig = () => [
    "version: 1",
    "canary:",
    "  strategy: blue-green",
    "  versions: { baseline: blue-v1, candidate: green-v2 }",
    `  baseline: ${servers.blue.url}/v1/predict`,
    `  candidate: ${servers.green.url}/v1/predict`,
    "  interval: 500ms",
    "  min-samples: 3",
    "  blue-green:",
    "    preview: 2500ms",
    "    guard: 4s",
    "    guard-gates: [latency < 30ms, error_rate < 2%]",
    "    guard-metrics: [latency, error_rate]",
    ...nginxTraffic(servers.blue, servers.green),
    "  probe:",
    "    rate: 40/s",
    "    warmup: 300ms",
    `    body-file: ${join(dir, "bodies.jsonl")}`,
    ...prometheusMetrics({ compare: "none" }),
    "    - { name: p95, provider: probe, query: latency, min-samples: 20 }",
    "    - { name: errors, provider: probe, query: errors, min-samples: 20 }",
    "  gates: [ratio(p95) <= 2, errors < 5%]",
  ];

  it("switches every user in one step, verified, and keeps green when the guard holds — no failed request", async () => {
    await resetRouter("blue", "green");
    const load = startUserTraffic(nginx.url, 50);
    const { report, log } = await run(blueGreenConfig());
    await load.stop();
    expect(report.verdict, `${report.headline}\n${log}`).toBe("pass");
    expect(report.headline).toBe(
      "switched every user to green-v2 in one step after its preview passed and the 4s guard window passed with blue kept warm: no metric was worse than blue-v1",
    );
    expect(report.outputs).toMatchObject({ result: "promoted", "final-weight": "100", switched: "true" });
    expect(log).toMatch(
      /^switched: green \(green-v2\) serves 100% of users in one step \(verified\); blue \(blue-v1\) stays up for the 4s guard window$/m,
    );
    expect((await routerState("blue", "green")).canary).toBe(100);
    expect(load.failed).toBe(0);
    expect(load.total).toBeGreaterThan(200);
    expect(Object.keys(load.answered).sort()).toEqual(["blue-v1", "green-v2"]);
    expect(Object.keys(await liveSplit())).toEqual(["green-v2"]);
  });

  it("switches back, verified, when green fails its guard window — still no failed request", async () => {
    await resetRouter("blue", "green");
    const load = startUserTraffic(nginx.url, 50);
    const { report, log } = await run(blueGreenConfig(), (line) => {
      // Green slows down once users reach it.
      if (line.startsWith("switched: green")) servers.green.setFault({ latencyMs: 60 });
    });
    servers.green.setFault({});
    await load.stop();
    expect(report.verdict, `${report.headline}\n${log}`).toBe("fail");
    expect(report.headline).toMatch(
      /^latency is [\d.]+ms, limit < 30ms — switched back to blue in the guard window after the switch; the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({
      result: "rolled-back",
      "final-weight": "0",
      switched: "true",
      "switched-back": "true",
    });
    expect(log).toMatch(
      /^switched back: blue \(blue-v1\) serves every user again \(verified by reading nginx upstream model in .*\)$/m,
    );
    expect(await routerState("blue", "green")).toEqual(plain);
    expect(load.failed).toBe(0);
    expect(Object.keys(await liveSplit())).toEqual(["blue-v1"]);
  });
});

describe("A/B through nginx", () => {
  it("keeps each client on one side and finds the candidate that converts better", async () => {
    await resetRouter("a", "b");
    let shoppers: ReturnType<typeof startShoppers> | undefined;
    let stopping: Promise<void> | undefined;
    const { report, log } = await run(
      [
        "version: 1",
        "canary:",
        "  strategy: ab",
        "  versions: { baseline: a-v1, candidate: b-v2 }",
        "  interval: 500ms",
        "  ab:",
        "    split: 50%",
        "    sticky: { header: x-client-id }",
        "    metric:",
        `      events: [${servers.a.log}, ${servers.b.log}]`,
        "      unit: $.client",
        "      version: $.version",
        "      type: $.event",
        "      conversion: conversion",
        "    max-duration: 25s",
        ...nginxTraffic(servers.a, servers.b),
        ...prometheusMetrics({ compare: "none" }).slice(0, -2),
        `    - { name: error_rate, provider: prometheus, unit: ratio, compare: none, min-samples: 3, query: '(sum(irate(model_requests_total{version="{{version}}",code=~"5.."}[3s])) or vector(0)) / sum(irate(model_requests_total{version="{{version}}"}[3s]))' }`,
        "  gates: [error_rate < 5%]",
      ],
      (line) => {
        if (line.startsWith("experiment:") && !shoppers)
          shoppers = startShoppers(nginx.url, { rate: 120, conversion: { "a-v1": 0.1, "b-v2": 0.35 } });
        // Shoppers leave once the test has decided, before the split is taken down.
        if (/— decided: /.test(line)) stopping = shoppers?.stop();
      },
    );
    await stopping;
    await shoppers?.stop();
    expect(report.verdict, `${report.headline}\n${log}`).toBe("pass");
    expect(report.headline).toMatch(
      /^A\/B: b-v2 converts [\d.]+ points above \([\d.]+% vs [\d.]+%, \+[\d.]+% relative\) a-v1, effect \+[\d.]+ points \[\+[\d.]+, \+[\d.]+\] \(p = [\d.e-]+\) over \d+ units — b-v2 wins; not promoted \(promote: manual\); a-v1 serves every client again \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({
      result: "concluded",
      decision: "candidate-better",
      "final-weight": "0",
    });
    expect(Number(report.outputs!["units-baseline"])).toBeGreaterThan(50);
    expect(Number(report.outputs!["units-candidate"])).toBeGreaterThan(50);
    // Sticky: in the servers' own logs, every client was served by one version only. The engine's
    // own probe keys are left out: while a reload is under way old workers may answer a probe with
    // the old routing, which the live check sees as a flip and answers by probing again.
    const servedBy = new Map<string, Set<string>>();
    for (const line of [...(await logOf("a")), ...(await logOf("b"))]) {
      if (line.client === null || line.client.startsWith("mlgate-live-")) continue;
      const set = servedBy.get(line.client) ?? new Set<string>();
      set.add(line.version);
      servedBy.set(line.client, set);
    }
    expect(servedBy.size).toBeGreaterThan(100);
    expect([...servedBy].filter(([, versions]) => versions.size > 1)).toEqual([]);
    expect([...shoppers!.seenBy.values()].every((s) => s.size === 1)).toBe(true);
    expect(shoppers!.failed).toBe(0);
    // The split ended: no sticky key, every user on the baseline.
    expect(await routerState("a", "b")).toEqual(plain);
  });
});
