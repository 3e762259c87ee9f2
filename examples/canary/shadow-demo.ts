/**
 * The shadow part of the demo, run before the canary: the probe replays recorded requests to the
 * production model v1 and to a candidate, users never see the candidate's answers, and the two are
 * compared on the same requests — latency, errors, the label they agree on and the score's
 * distribution. A good candidate v2 is safe to canary; a candidate v4 whose scores drifted is not.
 *
 *   const demo = await startShadowDemo();
 *   await main(["canary", ...demo.argsFor("good")], io);      // pass: safe to canary
 *   await main(["canary", ...demo.argsFor("drifted")], io);   // fail: label agreement and PSI
 *   await demo.close();
 */
import { type DemoServers, startDemoServers } from "./demo-servers.js";

export type ShadowCandidate = "good" | "drifted";

/** Its mlgate.yml has `strategy: shadow`, the probe replaying requests, outputs and their limits. */
export type ShadowDemo = DemoServers<ShadowCandidate>;

/** Written in production durations (10 minutes of shadow traffic), scaled to 2.4 s. */
const CONFIG = (bodies: string) =>
  [
    "version: 1",
    "canary:",
    "  strategy: shadow",
    "  versions: { baseline: v1, candidate: v2 }",
    "  time-scale: 0.004",
    "  interval: 1m",
    "  shadow:",
    "    source: probe",
    "    duration: 10m",
    "    min-pairs: 40",
    "    outputs:",
    "      - { name: label, path: $.label, kind: label }",
    '      - { name: score, path: "$.probabilities[1]", kind: score }',
    "  probe:",
    "    rate: 30/s",
    "    warmup: 1s",
    `    body-file: ${bodies}`,
    "  gates:",
    // Millisecond latencies on a shared machine swing by half between looks; the slow candidate
    // adds ten times the baseline's latency, so a factor of 3 still catches it with room to spare.
    "    - ratio(p95) <= 3",
    "    - error_rate < 2%",
    "    - agreement(label) >= 98%",
    "    - psi(score) < 0.1",
    "",
  ].join("\n");

export function startShadowDemo(): Promise<ShadowDemo> {
  return startDemoServers({
    name: "shadow-demo",
    candidates: {
      good: { version: "v2", latencyMs: 3, jitterMs: 2 },
      drifted: { version: "v4", latencyMs: 3, jitterMs: 2, shift: 0.3 },
    },
    config: CONFIG,
  });
}
