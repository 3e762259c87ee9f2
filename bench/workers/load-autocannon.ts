/**
 * One autocannon run for the load-test benchmark, in its own process through autocannon's API, so
 * its CPU time is taken the same way as mlgate's: options as JSON in argv[2]; prints one JSON line.
 */
import { createRequire } from "node:module";

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p99: number };
  duration: number;
  errors: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;
const options = JSON.parse(process.argv[2] ?? "{}") as Record<string, unknown>;
const cpu = process.cpuUsage();
const started = performance.now();
const result = await autocannon(options);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
    cpuMs: (used.user + used.system) / 1000,
    wallMs,
    errors: result.errors + result.non2xx,
  })}\n`,
);
