/**
 * The canary against the parts users run: real nginx routing live traffic between example model
 * servers, real Prometheus scraping their metrics. A good candidate is promoted to 100%; one with
 * added latency, one with errors and one with shifted predictions are each rolled back at the first
 * step; Prometheus dying mid-analysis and nginx refusing a reload never end in a promotion, and
 * traffic always ends on the baseline — checked in nginx's config and in the live traffic itself.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MetricSourceError,
  type MetricSpec,
  NginxProvider,
  PrometheusSource,
  parseUpstream,
  renderUpstream,
  resolveCanary,
  runCanary,
  runCommand,
} from "@mlgate/canary";
import type { Report } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CanaryModelServer, startCanaryModelServer } from "../examples/canary/model-server.js";
import { type Nginx, type Prometheus, startNginx, startPrometheus } from "../examples/canary/real-parts.js";
import { startUserTraffic, type UserTraffic } from "../examples/canary/user-traffic.js";
import { exampleBodies } from "../examples/serve/index.js";

type Name = "baseline" | "good" | "slow" | "errors" | "shifted";

const UPSTREAM = "model";
const SCRAPE_MS = 500;
let servers: Record<Name, CanaryModelServer>;
let prometheus: Prometheus;
let nginx: Nginx;
let users: UserTraffic;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-canary-e2e-"));
  const [baseline, good, slow, errors, shifted] = await Promise.all([
    startCanaryModelServer({ version: "v1", latencyMs: 2, jitterMs: 2 }),
    startCanaryModelServer({ version: "v2-good", latencyMs: 2, jitterMs: 2 }),
    startCanaryModelServer({ version: "v2-slow", latencyMs: 60, jitterMs: 2 }),
    startCanaryModelServer({ version: "v2-errors", latencyMs: 2, errorEvery: 4 }),
    startCanaryModelServer({ version: "v2-shifted", latencyMs: 2, shift: 0.35 }),
  ]);
  servers = { baseline: baseline!, good: good!, slow: slow!, errors: errors!, shifted: shifted! };
  const all = Object.values(servers);
  [prometheus, nginx] = await Promise.all([
    startPrometheus({ targets: all.map((s) => s.address), scrapeMs: SCRAPE_MS }),
    startNginx({ upstream: UPSTREAM, initialUpstream: renderUpstream(layoutFor("good"), { canary: 0 }) }),
  ]);
  users = startUserTraffic(nginx.url, 40);
  await writeFile(
    join(dir, "bodies.jsonl"),
    exampleBodies(200)
      .map((b) => JSON.stringify(b))
      .join("\n"),
  );
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

function layoutFor(candidate: Name) {
  return {
    upstream: UPSTREAM,
    baseline: [servers.baseline.address],
    candidate: [servers[candidate].address],
  };
}

/** All traffic on the baseline, with `candidate` as the upstream's second server. */
async function resetRouter(candidate: Name): Promise<void> {
  await writeFile(nginx.upstreamFile, renderUpstream(layoutFor(candidate), { canary: 0 }));
  await runCommand(nginx.reload, { what: "nginx reload" });
}

async function routerWeight(candidate: Name): Promise<number> {
  return parseUpstream(await readFile(nginx.upstreamFile, "utf8"), layoutFor(candidate), nginx.upstreamFile)
    .canary;
}

/** Which versions answered live traffic over the next second. */
async function liveSplit(): Promise<Record<string, number>> {
  await new Promise((r) => setTimeout(r, 300));
  users.reset();
  await new Promise((r) => setTimeout(r, 1000));
  return { ...users.answered };
}

const PROMETHEUS_METRICS = [
  "  metrics:",
  "    - name: latency",
  "      provider: prometheus",
  `      query: sum(irate(model_request_duration_seconds_sum{version="{{version}}"}[3s])) / sum(irate(model_request_duration_seconds_count{version="{{version}}"}[3s]))`,
  "      unit: s",
  "    - name: error_rate",
  "      provider: prometheus",
  `      query: (sum(irate(model_requests_total{version="{{version}}",code=~"5.."}[3s])) or vector(0)) / sum(irate(model_requests_total{version="{{version}}"}[3s]))`,
  "      unit: ratio",
  "  gates:",
  "    - ratio(latency) <= 3",
  "    - error_rate < 5%",
];

async function configFor(
  candidate: Name,
  options: { probe?: boolean; reload?: string[] } = {},
): Promise<string> {
  const c = servers[candidate];
  const file = join(dir, `mlgate-${candidate}-${Date.now()}.yml`);
  const lines = [
    "version: 1",
    "canary:",
    `  baseline: ${servers.baseline.url}/v1/predict`,
    `  candidate: ${c.url}/v1/predict`,
    `  versions: { baseline: v1, candidate: ${c.version} }`,
    "  steps: 25% 3s, 50% 3s, 100%",
    "  guard: 1500ms",
    "  interval: 500ms",
    "  min-samples: 3",
    "  traffic:",
    "    provider: nginx",
    `    file: ${nginx.upstreamFile}`,
    `    upstream: ${UPSTREAM}`,
    `    prefix: ${nginx.prefix}`,
    `    conf: ${nginx.conf}`,
    `    error-log: ${nginx.errorLog}`,
    ...(options.reload ? [`    reload: ${JSON.stringify(options.reload)}`] : []),
    `    live: { url: "${nginx.url}/v1/health", header: x-model-version, candidate: ${c.version} }`,
    ...(options.probe
      ? [
          "  probe:",
          "    rate: 50/s",
          "    warmup: 500ms",
          `    body-file: ${join(dir, "bodies.jsonl")}`,
          '    prediction: "$.probabilities[1]"',
          "  metrics:",
          "    - { name: p95, provider: probe, query: latency, min-samples: 20 }",
          "    - { name: error_rate, provider: probe, query: errors, min-samples: 20 }",
          "    - { name: score, provider: probe, query: prediction, min-samples: 20 }",
        ]
      : [
          "  prometheus:",
          `    url: ${prometheus.url}`,
          `    step: ${SCRAPE_MS}ms`,
          "    delay: 750ms",
          "    timeout: 1s",
          ...PROMETHEUS_METRICS,
        ]),
    "",
  ];
  await writeFile(file, lines.join("\n"));
  return file;
}

async function canary(
  candidate: Name,
  options: { probe?: boolean; reload?: string[]; onLog?: (line: string) => void } = {},
) {
  await resetRouter(candidate);
  const file = await configFor(candidate, options);
  const { input } = await resolveCanary({}, { cwd: dir, configPath: file });
  const log: string[] = [];
  const report = await runCanary(input, {
    log: (line) => {
      log.push(line);
      options.onLog?.(line);
    },
  });
  return { report, log: log.join("\n") };
}

function expectRolledBackAtFirstStep(report: Report, log: string) {
  expect(report.verdict, `${report.headline}\n${log}`).toBe("fail");
  expect(report.outputs).toMatchObject({
    "rolled-back": "true",
    "final-weight": "0",
    "steps-completed": "0",
    result: "rolled-back",
  });
  expect(report.headline).toMatch(
    / — rolled back at step 1\/3 \(25%\); the baseline serves all traffic \(verified\)$/,
  );
}

describe("canary with nginx and Prometheus", () => {
  it("promotes a good candidate to 100%: nginx's config and live traffic show it", async () => {
    const { report, log } = await canary("good");
    expect(report.verdict, `${report.headline}\n${log}`).toBe("pass");
    expect(report.headline).toBe(
      "promoted v2-good to 100% after 2 step(s) and a 1500ms guard window: no metric was worse than the baseline",
    );
    expect(report.outputs).toMatchObject({
      "final-weight": "100",
      "steps-completed": "3",
      "rolled-back": "false",
    });
    // Every step watched and judged: the thresholds and the sequential comparison of both metrics.
    expect(
      report.findings.filter((f) => f.rule === "canary.step").map((f) => f.message.split(":")[0]),
    ).toEqual(["step 1 (25%)", "step 2 (50%)", "guard window (100%)"]);
    expect(
      report.findings.some(
        (f) =>
          f.rule === "canary.sequential" &&
          /step 2 \(50%\) · latency: .* \(n \d+ \/ \d+\), [+-][\d.]+% \[/.test(f.message),
      ),
    ).toBe(true);
    const weights = report.charts?.[0];
    expect(weights?.kind).toBe("line");
    const values = weights?.kind === "line" ? weights.series[0]?.values : [];
    expect(values).toContain(25);
    expect(values?.at(-1)).toBe(100);
    expect(await routerWeight("good")).toBe(100);
    const split = await liveSplit();
    expect(split["v2-good"]).toBeGreaterThan(20);
    expect(Object.keys(split)).toEqual(["v2-good"]);
  });

  it("rolls back a candidate with added latency at the first step", async () => {
    const { report, log } = await canary("slow");
    expectRolledBackAtFirstStep(report, log);
    expect(report.headline).toMatch(
      /^threshold ratio\(latency\) <= 3|^latency: the candidate is \d+(\.\d+)?% above the baseline|^ratio\(latency\) is/,
    );
    expect(await routerWeight("slow")).toBe(0);
    expect(Object.keys(await liveSplit())).toEqual(["v1"]);
  });

  it("rolls back a candidate that answers errors at the first step", async () => {
    const { report, log } = await canary("errors");
    expectRolledBackAtFirstStep(report, log);
    expect(report.headline).toMatch(/error_rate/);
    expect(await routerWeight("errors")).toBe(0);
    expect(Object.keys(await liveSplit())).toEqual(["v1"]);
  });

  it("rolls back a candidate whose predictions shifted (probe traffic, PSI)", async () => {
    const { report, log } = await canary("shifted", { probe: true });
    expectRolledBackAtFirstStep(report, log);
    expect(report.headline).toMatch(/^score shifted: PSI \d/);
    // Latency and errors were fine: the shift alone decided.
    const psi = report.findings.find((f) => f.rule === "canary.psi");
    expect(psi?.message).toMatch(/· fail$/);
    expect(report.checks.find((c) => c.name.startsWith("error_rate"))?.status).not.toBe("fail");
    expect(await routerWeight("shifted")).toBe(0);
  });

  it("rolls back to a verified baseline when nginx refuses a reload mid-rollout", async () => {
    // A reload wrapper that fails the second time it runs: the move to 50%.
    const counter = join(dir, "reloads");
    await writeFile(counter, "0");
    const script = join(dir, "reload.sh");
    await writeFile(
      script,
      [
        "#!/bin/sh",
        `n=$(($(cat "${counter}") + 1)); echo $n > "${counter}"`,
        'if [ "$n" = 2 ]; then echo "nginx: [emerg] reload refused for the test" >&2; exit 1; fi',
        `exec ${nginx.reload.map((a) => `'${a}'`).join(" ")}`,
        "",
      ].join("\n"),
    );
    await chmod(script, 0o755);
    const { report, log } = await canary("good", { reload: [script] });
    expect(report.verdict, `${report.headline}\n${log}`).toBe("error");
    expect(report.headline).toMatch(
      /^could not move the candidate to 50%: nginx reload: `.*reload\.sh` exited with status 1: nginx: \[emerg\] reload refused for the test — rolled back at step 2\/3 \(50%\); the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({
      "rolled-back": "true",
      "final-weight": "0",
      "steps-completed": "1",
    });
    expect(await readFile(counter, "utf8")).toBe("3\n");
    expect(await routerWeight("good")).toBe(0);
    expect(Object.keys(await liveSplit())).toEqual(["v1"]);
  });
});

describe("nginx provider", () => {
  it("moves, reads back and checks live traffic; a config nginx rejects leaves the file as it was", async () => {
    await resetRouter("good");
    const provider = new NginxProvider({
      ...layoutFor("good"),
      file: nginx.upstreamFile,
      prefix: nginx.prefix,
      conf: nginx.conf,
      errorLog: nginx.errorLog,
      live: { url: `${nginx.url}/v1/health`, header: "x-model-version", candidate: "v2-good", requests: 40 },
    });
    expect(await provider.setWeights({ canary: 30 })).toEqual({ canary: 30 });
    expect(await provider.getWeights()).toEqual({ canary: 30 });
    expect(await provider.promote()).toEqual({ canary: 100 });
    expect(await provider.rollback()).toEqual({ canary: 0 });
    expect(await provider.rollback()).toEqual({ canary: 0 });
    const before = await readFile(nginx.upstreamFile, "utf8");

    const broken = new NginxProvider({
      upstream: UPSTREAM,
      baseline: [servers.baseline.address],
      candidate: ["no-such-host.invalid:8080"],
      file: nginx.upstreamFile,
      prefix: nginx.prefix,
      conf: nginx.conf,
      errorLog: nginx.errorLog,
    });
    await expect(broken.setWeights({ canary: 10 })).rejects.toThrow(
      /^nginx config test: `nginx .* -t -q` exited with status 1: .*no-such-host\.invalid/,
    );
    expect(await readFile(nginx.upstreamFile, "utf8")).toBe(before);
  });
});

describe("Prometheus source", () => {
  const spec = (query: string): MetricSpec => ({
    name: "up",
    provider: "prometheus",
    query,
    factor: 1,
    dimension: "none",
    aggregate: "mean",
    direction: "decrease",
    compare: "none",
    tolerance: 0,
    kind: "continuous",
    scale: "linear",
    minSamples: 1,
  });

  it("answers one point per step for each side, and refuses queries it cannot use", async () => {
    const source = new PrometheusSource({
      url: prometheus.url,
      versions: { baseline: servers.baseline.address, candidate: servers.good.address },
      stepMs: 500,
      delayMs: 500,
      timeoutMs: 2000,
    });
    const now = Date.now();
    const samples = await source.collect([spec('up{instance="{{version}}"}')], { from: now - 3000, to: now });
    expect(samples.get("up")).toEqual({ candidate: [1, 1, 1, 1, 1, 1], baseline: [1, 1, 1, 1, 1, 1] });

    const bad = source.collect([spec("up{instance=")], { from: now - 3000, to: now });
    await expect(bad).rejects.toThrow(/^metric up: Prometheus refused the query: /);
    await expect(bad).rejects.toMatchObject({ permanent: true });
    const many = source.collect([spec("up")], { from: now - 3000, to: now });
    await expect(many).rejects.toThrow(MetricSourceError);
    await expect(many).rejects.toThrow(/the query for version .* returns 5 series, not one/);

    const down = new PrometheusSource({
      url: "http://127.0.0.1:9",
      versions: { baseline: "a", candidate: "b" },
      stepMs: 500,
      delayMs: 0,
      timeoutMs: 1000,
    });
    await expect(
      down.collect([spec('up{instance="{{version}}"}')], { from: now - 3000, to: now }),
    ).rejects.toMatchObject({
      message: "Prometheus at http://127.0.0.1:9/api/v1/query_range: connection refused",
      permanent: false,
    });
  });
});

describe("canary when Prometheus dies mid-analysis", () => {
  it("never promotes: the analysis stops after three failed looks and traffic ends on the baseline", async () => {
    let killed = false;
    const { report, log } = await canary("good", {
      onLog: (line) => {
        if (!killed && /^step 1 \(25%\), look 2:/.test(line)) {
          killed = true;
          void prometheus.kill();
        }
      },
    });
    expect(killed).toBe(true);
    expect(report.verdict, `${report.headline}\n${log}`).toBe("error");
    expect(report.headline).toMatch(
      /^prometheus failed 3 times in a row \(Prometheus at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query_range: connection refused\) during step [12] \((25|50)%\) — rolled back at step [12]\/3 \((25|50)%\); the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({ "rolled-back": "true", "final-weight": "0" });
    expect(report.findings.filter((f) => f.rule === "canary.warning").map((f) => f.message)).toEqual([
      expect.stringMatching(/^prometheus failed \(1 of 3 in a row\)/),
      expect.stringMatching(/^prometheus failed \(2 of 3 in a row\)/),
    ]);
    expect(await routerWeight("good")).toBe(0);
    expect(Object.keys(await liveSplit())).toEqual(["v1"]);
  });
});
