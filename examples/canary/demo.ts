/**
 * The canary part of the demo: three example model servers (the production model v1, a good
 * candidate v2 and a candidate v3 that answers about 40 ms slower), a config for the embedded router and
 * the probe, and two canaries on it — one promoted, one rolled back by the judge — in a few seconds.
 *
 *   const demo = await startCanaryDemo();
 *   await main(["canary", ...demo.argsFor("good")], io);   // through the command line
 *   await demo.close();
 *
 *   const { promoted, rolledBack } = await runDemoCanaries();   // or through the library, with live traffic
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveCanary, runCanary } from "@mlgate/canary";
import type { Report } from "@mlgate/core";
import { request } from "undici";
import { exampleBodies } from "../serve/index.js";
import { type CanaryModelServer, startCanaryModelServer } from "./model-server.js";
import { startUserTraffic } from "./user-traffic.js";

export type DemoCandidate = "good" | "slow";

export interface CanaryDemo {
  baseline: CanaryModelServer;
  candidates: Record<DemoCandidate, CanaryModelServer>;
  /** A mlgate.yml with the canary section (embedded router, probe with varied inputs, thresholds). */
  configFile: string;
  /** `mlgate canary` arguments for one candidate. */
  argsFor(candidate: DemoCandidate): string[];
  close(): Promise<void>;
}

/**
 * The plan is written in production durations and scaled down: 10% for 5 minutes, 50% for 5 minutes,
 * then 100% with a 2-minute guard window, at time-scale 0.004 (1.2 s, 1.2 s and 0.5 s).
 */
const CONFIG = (bodies: string) =>
  [
    "version: 1",
    "canary:",
    "  versions: { baseline: v1, candidate: v2 }",
    "  steps: 10% 5m, 50% 5m, 100% 2m",
    "  time-scale: 0.004",
    "  interval: 1m",
    "  probe:",
    "    rate: 30/s",
    "    warmup: 1s",
    `    body-file: ${bodies}`,
    '    prediction: "$.probabilities[1]"',
    "  gates:",
    // Millisecond latencies on a shared machine swing by half between looks; the slow candidate
    // adds ten times the baseline's latency, so a factor of 3 still catches it with room to spare.
    "    - ratio(p95) <= 3",
    "    - error_rate < 2%",
    "",
  ].join("\n");

export async function startCanaryDemo(): Promise<CanaryDemo> {
  const [baseline, good, slow] = await Promise.all([
    startCanaryModelServer({ version: "v1", latencyMs: 3, jitterMs: 2 }),
    startCanaryModelServer({ version: "v2", latencyMs: 3, jitterMs: 2 }),
    startCanaryModelServer({ version: "v3", latencyMs: 40, jitterMs: 2 }),
  ]);
  // First requests are slow everywhere (connections, JIT); let them happen before anything is measured.
  const warm = exampleBodies(20).map((b) => JSON.stringify(b));
  await Promise.all(
    [baseline!, good!, slow!].flatMap((server) =>
      warm.map((body) =>
        request(`${server.url}/v1/predict`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        }).then((r) => r.body.dump()),
      ),
    ),
  );
  const dir = await mkdtemp(join(tmpdir(), "mlgate-canary-demo-"));
  await writeFile(
    join(dir, "bodies.jsonl"),
    exampleBodies(200)
      .map((b) => JSON.stringify(b))
      .join("\n"),
  );
  const configFile = join(dir, "mlgate.yml");
  await writeFile(configFile, CONFIG("bodies.jsonl"));
  const candidates = { good: good!, slow: slow! };
  return {
    baseline: baseline!,
    candidates,
    configFile,
    argsFor: (candidate) => [
      "--config",
      configFile,
      "--baseline",
      `${baseline!.url}/v1/predict`,
      "--candidate",
      `${candidates[candidate].url}/v1/predict`,
      "--candidate-version",
      candidates[candidate].version,
    ],
    close: async () => {
      await Promise.all([baseline!.close(), good!.close(), slow!.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Both canaries through the library, with simulated users sending 20 requests a second through the
 * embedded router meanwhile; `split` counts which version answered them.
 */
export async function runDemoCanaries(
  options: { log?: (line: string) => void } = {},
): Promise<{ promoted: Report; rolledBack: Report; split: Record<DemoCandidate, Record<string, number>> }> {
  const demo = await startCanaryDemo();
  try {
    const run = async (candidate: DemoCandidate) => {
      const server = demo.candidates[candidate];
      const { input } = await resolveCanary(
        {
          baseline: `${demo.baseline.url}/v1/predict`,
          candidate: `${server.url}/v1/predict`,
          candidateVersion: server.version,
        },
        { cwd: process.cwd(), configPath: demo.configFile },
      );
      let users: ReturnType<typeof startUserTraffic> | undefined;
      input.onRouter = (router) => {
        users = startUserTraffic(router.url, 20);
      };
      const report = await runCanary(input, { log: (line) => options.log?.(`${server.version}: ${line}`) });
      await users?.stop();
      return { report, split: users?.answered ?? {} };
    };
    const good = await run("good");
    const slow = await run("slow");
    return { promoted: good.report, rolledBack: slow.report, split: { good: good.split, slow: slow.split } };
  } finally {
    await demo.close();
  }
}
