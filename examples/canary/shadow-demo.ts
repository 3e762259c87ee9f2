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
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { exampleBodies } from "../serve/index.js";
import { type CanaryModelServer, startCanaryModelServer } from "./model-server.js";

export type ShadowCandidate = "good" | "drifted";

export interface ShadowDemo {
  baseline: CanaryModelServer;
  candidates: Record<ShadowCandidate, CanaryModelServer>;
  /** A mlgate.yml with `strategy: shadow`, the probe replaying requests, outputs and their limits. */
  configFile: string;
  /** `mlgate canary` arguments for one candidate. */
  argsFor(candidate: ShadowCandidate): string[];
  close(): Promise<void>;
}

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

export async function startShadowDemo(): Promise<ShadowDemo> {
  const [baseline, good, drifted] = await Promise.all([
    startCanaryModelServer({ version: "v1", latencyMs: 3, jitterMs: 2 }),
    startCanaryModelServer({ version: "v2", latencyMs: 3, jitterMs: 2 }),
    startCanaryModelServer({ version: "v4", latencyMs: 3, jitterMs: 2, shift: 0.3 }),
  ]);
  const warm = exampleBodies(20).map((b) => JSON.stringify(b));
  await Promise.all(
    [baseline!, good!, drifted!].flatMap((server) =>
      warm.map((body) =>
        request(`${server.url}/v1/predict`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        }).then((r) => r.body.dump()),
      ),
    ),
  );
  const dir = await mkdtemp(join(tmpdir(), "mlgate-shadow-demo-"));
  await writeFile(
    join(dir, "bodies.jsonl"),
    exampleBodies(200)
      .map((b) => JSON.stringify(b))
      .join("\n"),
  );
  const configFile = join(dir, "mlgate.yml");
  await writeFile(configFile, CONFIG("bodies.jsonl"));
  const candidates = { good: good!, drifted: drifted! };
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
      await Promise.all([baseline!.close(), good!.close(), drifted!.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
