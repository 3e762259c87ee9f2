/**
 * Coordinated omission. The scenario is a server that stalls for 1 s every 10 s under a fixed
 * rate; here time is scaled by 0.4 (a 400 ms stall every 4 s, two periods, 100 requests/s) so the
 * test takes seconds. A tenth of all requests arrive during a stall and wait for its end, so the true
 * p99 is about 0.9 × 400 ms. The truth is computed from the server's own log: each request's
 * response time minus the time the schedule meant it to start.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
import { afterAll, describe, expect, it } from "vitest";
import { runLoadTest } from "../src/index.js";
import { startHttpServer } from "./servers.js";

const PERIOD_MS = 4000;
const STALL_MS = 400;
const RATE = 100;

const server = await startHttpServer({ stall: { periodMs: PERIOD_MS, stallMs: STALL_MS } });
afterAll(() => server.close());

function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((q / 100) * sorted.length) - 1)]!;
}

describe("coordinated omission", () => {
  it("reports the true p99 of a stalling server within 10%", async () => {
    const report = await runLoadTest({
      url: `${server.url}/v1/predict`,
      rate: RATE,
      durationMs: 2 * PERIOD_MS,
      headers: { "X-Seq": "${seq}" },
      gates: ["p99 < 10s"],
      lateAfterMs: 250,
      progressEveryMs: 60_000,
    });
    expect(report.verdict, report.headline).toBe("pass");
    const entries = server.log.filter((e) => e.seq >= 0);
    expect(entries).toHaveLength(2 * PERIOD_MS * (RATE / 1000));
    // The schedule's start on the server's clock: the earliest arrival, less its place in the schedule.
    const spacing = 1000 / RATE;
    const t0 = Math.min(...entries.map((e) => e.arrivedAt - e.seq * spacing));
    const truth = entries.map((e) => e.respondedAt - (t0 + e.seq * spacing));
    const trueP99 = nearestRank(truth, 99);
    // Sanity: the scaled stall dominates the tail (0.9 × 400 ms, give or take a period's alignment).
    expect(trueP99).toBeGreaterThan(0.7 * STALL_MS);
    const p99 = report.metrics.p99!.value;
    expect(
      Math.abs(p99 - trueP99) / trueP99,
      `reported p99 ${p99}ms, true p99 ${trueP99}ms`,
    ).toBeLessThanOrEqual(0.1);
  });

  it("shows what a closed loop misses on the same server", async () => {
    const report = await runLoadTest({
      url: server.url,
      concurrency: 2,
      durationMs: PERIOD_MS,
      gates: ["p99 < 10s"],
      progressEveryMs: 60_000,
    });
    // Two users meet each stall once; their hundreds of fast requests bury it below the 99th percentile.
    expect(report.metrics.p99!.value).toBeLessThan(0.5 * STALL_MS);
    expect(report.findings.map((f) => f.rule)).toContain("load.closed-model");
  });
});
