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
import { resolveCanary, runCanary } from "@mlgate/canary";
import type { Report } from "@mlgate/core";
import { type DemoServers, startDemoServers } from "./demo-servers.js";
import { startUserTraffic } from "./user-traffic.js";

export type DemoCandidate = "good" | "slow";

/** Its mlgate.yml has the canary section: embedded router, probe with varied inputs, thresholds. */
export type CanaryDemo = DemoServers<DemoCandidate>;

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

export function startCanaryDemo(): Promise<CanaryDemo> {
  return startDemoServers({
    name: "canary-demo",
    candidates: {
      good: { version: "v2", latencyMs: 3, jitterMs: 2 },
      slow: { version: "v3", latencyMs: 40, jitterMs: 2 },
    },
    config: CONFIG,
  });
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
