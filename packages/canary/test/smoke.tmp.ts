import { resolveCanary, runCanary } from "@mlgate/canary";
import { renderText } from "@mlgate/core";
import { startExampleServer, exampleBodies } from "../../../examples/serve/index.js";

const base = await startExampleServer({ latencyMs: 2 });
const good = await startExampleServer({ latencyMs: 2 });
const slow = await startExampleServer({ latencyMs: 8 });
for (const [name, cand] of [["good", good], ["slow", slow]] as const) {
  const { input } = await resolveCanary({
    baseline: `${base.url}/v1/predict`, candidate: `${cand.url}/v1/predict`,
    steps: "10% 1s, 50% 1s, 100%", interval: "250ms", probeRate: "100/s", prediction: "$.probabilities[1]",
  }, { cwd: "/tmp/canary-smoke" });
  input.probe!.bodies = exampleBodies(50).map((b) => Buffer.from(JSON.stringify(b)));
  const t = Date.now();
  const report = await runCanary(input, { log: (l) => console.log("  ", l) });
  console.log(name, Date.now() - t, "ms\n", renderText(report));
}
await Promise.all([base.close(), good.close(), slow.close()]);
