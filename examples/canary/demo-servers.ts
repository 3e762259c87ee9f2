/**
 * What the canary and shadow demos share: production's model v1 and the named candidates as example
 * servers, warmed up, with the probe's request bodies and the demo's mlgate.yml in a temp directory.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { exampleBodies } from "../serve/index.js";
import {
  type CanaryModelServer,
  type CanaryModelServerOptions,
  startCanaryModelServer,
} from "./model-server.js";

export interface DemoServers<Candidate extends string> {
  baseline: CanaryModelServer;
  candidates: Record<Candidate, CanaryModelServer>;
  /** The demo's mlgate.yml, beside the probe's request bodies. */
  configFile: string;
  /** `mlgate canary` arguments for one candidate. */
  argsFor(candidate: Candidate): string[];
  close(): Promise<void>;
}

const BASELINE: CanaryModelServerOptions = { version: "v1", latencyMs: 3, jitterMs: 2 };
const BODY_FILE = "bodies.jsonl";

export async function startDemoServers<Candidate extends string>(options: {
  /** Names the temp directory. */
  name: string;
  candidates: Record<Candidate, CanaryModelServerOptions>;
  /** The mlgate.yml text, given the body file's path relative to it. */
  config: (bodyFile: string) => string;
}): Promise<DemoServers<Candidate>> {
  const names = Object.keys(options.candidates) as Candidate[];
  const [baseline, ...started] = await Promise.all([
    startCanaryModelServer(BASELINE),
    ...names.map((name) => startCanaryModelServer(options.candidates[name])),
  ]);
  const servers = [baseline!, ...started];
  // First requests are slow everywhere (connections, JIT); let them happen before anything is measured.
  const warm = exampleBodies(20).map((b) => JSON.stringify(b));
  await Promise.all(
    servers.flatMap((server) =>
      warm.map((body) =>
        request(`${server.url}/v1/predict`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        }).then((r) => r.body.dump()),
      ),
    ),
  );
  const dir = await mkdtemp(join(tmpdir(), `mlgate-${options.name}-`));
  await writeFile(
    join(dir, BODY_FILE),
    exampleBodies(200)
      .map((b) => JSON.stringify(b))
      .join("\n"),
  );
  const configFile = join(dir, "mlgate.yml");
  await writeFile(configFile, options.config(BODY_FILE));
  const candidates = Object.fromEntries(names.map((name, i) => [name, started[i]!])) as Record<
    Candidate,
    CanaryModelServer
  >;
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
      await Promise.all(servers.map((server) => server.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
