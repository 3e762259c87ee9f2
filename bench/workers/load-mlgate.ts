/**
 * One mlgate load-test run for the load-test benchmark, in its own process: the input as JSON in
 * argv[2]; prints one JSON line with the report's figures and the CPU time the run itself used
 * (module loading excluded, as it is for the other tools' in-process figures).
 */
import { runLoadTest } from "../../packages/load/src/index.js";

const input = JSON.parse(process.argv[2] ?? "{}");
const cpu = process.cpuUsage();
const started = performance.now();
const report = await runLoadTest({ gates: ["p99 < 1h"], progressEveryMs: 600_000, ...input });
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
const metric = (name: string) => report.metrics[name]?.value ?? Number.NaN;
process.stdout.write(
  `${JSON.stringify({
    requests: metric("requests"),
    rps: metric("throughput"),
    p99Ms: metric("p99"),
    cpuMs: (used.user + used.system) / 1000,
    wallMs,
    headline: report.headline,
  })}\n`,
);
