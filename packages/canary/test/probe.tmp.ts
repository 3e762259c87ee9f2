import { ProbeSource } from "@mlgate/canary";
import { startExampleServer, exampleBodies } from "../../../examples/serve/index.js";
const a = await startExampleServer({ latencyMs: 2 });
const b = await startExampleServer({ latencyMs: 2 });
const p = new ProbeSource({ baseline: `${a.url}/v1/predict`, candidate: `${b.url}/v1/predict`, rate: 100, timeoutMs: 5000, prediction: [{ key: "probabilities" }, { index: 1 }],
  bodies: exampleBodies(10).map((x) => Buffer.from(JSON.stringify(x))) });
const t0 = Date.now();
await p.start();
const spec = { name: "lat", provider: "probe", query: "latency", factor: 1, dimension: "time", aggregate: "p95", direction: "increase", compare: "none", tolerance: 0, kind: "continuous", scale: "log", minSamples: 2 } as const;
const errs = { ...spec, name: "err", query: "errors" } as const;
let last = t0;
for (let i = 0; i < 12; i++) {
  await new Promise((r) => setTimeout(r, 250));
  const now = Date.now();
  const m = await p.collect([spec, errs], { from: last, to: now });
  last = now;
  const l = m.get("lat")!;
  console.log(i, l.candidate.length, l.baseline.length, Math.max(...l.candidate).toFixed(1), m.get("err")!.candidate.filter(Boolean).length);
}
await p.close(); await a.close(); await b.close();
