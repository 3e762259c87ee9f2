/**
 * The generator against loopback servers whose behaviour is known. The machine running the tests is
 * shared (2 cores, other suites in parallel), so rates are modest, durations short, tolerances stated
 * next to each assertion, and the lateness allowance is raised where accuracy is not the point.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readResultFile, runLoadTest } from "../src/index.js";
import { type Served, startHttpServer, startSseServer } from "./servers.js";

let dir: string;
const servers: Served[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-load-"));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
async function served<T extends Served>(s: Promise<T>): Promise<T> {
  const server = await s;
  servers.push(server);
  return server;
}

/** Generous lateness allowance: these tests check measurement, not the shared machine's scheduling. */
const RELAXED = { lateAfterMs: 250, progressEveryMs: 60_000 };

function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((q / 100) * sorted.length) - 1)]!;
}

describe("open model against a server with known latency", () => {
  it("sends every scheduled request on time and measures the server's latency", async () => {
    const server = await served(startHttpServer({ latencyMs: 20 }));
    const report = await runLoadTest({
      url: `${server.url}/v1/predict`,
      rate: 100,
      durationMs: 2000,
      // Code paths run cold at first, and a starved CPU stretches that: exactly what a warm-up is for.
      warmupMs: 500,
      headers: { "X-Seq": "${seq}" },
      gates: ["p50 < 1s", "error_rate < 1%", "throughput >= 80/s"],
      ...RELAXED,
    });
    expect(report.verdict, report.headline).toBe("pass");
    expect(report.metrics.requests?.value).toBe(200);
    // Every arrival of the schedule, once: seq 0..249, the first 50 in the warm-up (the preflight sends -1).
    const seqs = server.log.map((e) => e.seq).filter((s) => s >= 0);
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    // Measured arrivals span the 2 s phase (spacing 10 ms): the first and last are 1990 ms apart, ±100 ms.
    const arrivals = server.log.filter((e) => e.seq >= 50).map((e) => e.arrivedAt);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThan(1890);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(2100);
    // Latency can be no less than the server's 20 ms, and no more than what the server itself took
    // plus 60 ms for the client's share of a starved 2-core test machine.
    const serverP50 = nearestRank(
      server.log.filter((e) => e.seq >= 50).map((e) => e.respondedAt - e.arrivedAt),
      50,
    );
    const p50 = report.metrics.p50!.value;
    expect(p50).toBeGreaterThanOrEqual(20);
    expect(p50).toBeLessThan(serverP50 + 60);
    // 200 responses over a window of ~2.02 s: within 10% of the requested 100/s.
    expect(report.metrics.throughput!.value).toBeGreaterThan(90);
    expect(report.metrics.throughput!.value).toBeLessThan(101);
    expect(report.outputs).toMatchObject({ requests: "200" });
    expect(Number(report.outputs?.p95)).toBeGreaterThanOrEqual(20);
    expect(report.charts?.[0]).toMatchObject({ kind: "line" });
  });

  it("ramps the arrival rate: a quarter of a linear ramp's arrivals come in its first half", async () => {
    const server = await served(startHttpServer({}));
    const report = await runLoadTest({
      url: server.url,
      ramp: [{ durationMs: 2000, rate: 200 }],
      gates: ["error_rate < 1%"],
      headers: { "X-Seq": "${seq}" },
      ...RELAXED,
    });
    expect(report.metrics.requests?.value).toBe(200);
    const seqs = server.log.filter((e) => e.seq >= 0);
    const start = Math.min(...seqs.map((e) => e.arrivedAt));
    const firstHalf = seqs.filter((e) => e.arrivedAt - start < 1000).length;
    // Exactly 50 are scheduled before 1 s; allow ±12 for scheduling jitter around the boundary.
    expect(firstHalf).toBeGreaterThanOrEqual(38);
    expect(firstHalf).toBeLessThanOrEqual(62);
  });

  it("breaks errors down by kind, validates bodies, and fails the SLA", async () => {
    const server = await served(
      startHttpServer({ errorEvery: 10, notFoundEvery: 7, body: '{"probabilities":[0.5,0.5]}' }),
    );
    const schema = join(dir, "schema.json");
    await writeFile(schema, JSON.stringify({ type: "object", required: ["label"] }));
    const bodies = join(dir, "bodies.jsonl");
    await writeFile(bodies, '{"features":[1,2,3,4]}\n{"features":[5,6,7,8]}\n');
    const report = await runLoadTest({
      url: server.url,
      rate: 100,
      durationMs: 1000,
      bodyFile: bodies,
      responseSchema: schema,
      gates: ["error_rate < 1%", "warn: p95 < 5s"],
      ...RELAXED,
    });
    expect(report.verdict).toBe("fail");
    const count = (status: number) => server.log.filter((_, i) => (i + 1) % status === 0).length;
    // The server counts the preflight too; the report counts only measured requests.
    const fives = server.log.slice(1).filter((_, i) => (i + 2) % 10 === 0).length;
    expect(report.metrics.errors_5xx?.value).toBe(fives);
    expect((report.metrics.errors_4xx?.value ?? 0) + (report.metrics.errors_5xx?.value ?? 0)).toBe(
      server.log.slice(1).filter((_, i) => (i + 2) % 10 === 0 || (i + 2) % 7 === 0).length,
    );
    expect(count(1)).toBe(101);
    // Every 200 lacked "label": all of them fail validation.
    expect(report.metrics.errors_validation?.value).toBe(
      100 - report.metrics.errors_4xx!.value - report.metrics.errors_5xx!.value,
    );
    expect(report.metrics.error_rate?.value).toBe(1);
    expect(report.headline).toMatch(/^1 of 2 SLA checks failed: error_rate is 100%/);
    expect(
      report.findings.some(
        (f) => f.rule === "load.validation" && /must have required property 'label'/.test(f.message),
      ),
    ).toBe(true);
  });

  it("counts timeouts and records them at the time the client gave up", async () => {
    const server = await served(startHttpServer({ latencyMs: 4000 }));
    const report = await runLoadTest({
      url: server.url,
      rate: 20,
      durationMs: 250,
      timeoutMs: 300,
      skipPreflight: true,
      gates: ["errors_timeout == 0"],
      ...RELAXED,
    });
    expect(report.verdict).toBe("fail");
    expect(report.metrics.errors_timeout?.value).toBe(5);
    // The HTTP client enforces timeouts on a coarse clock (up to about a second late), never early.
    expect(report.metrics.p50!.value).toBeGreaterThanOrEqual(300);
    expect(report.metrics.p50!.value).toBeLessThan(2000);
  });

  it("stops early once a threshold can no longer pass", async () => {
    const server = await served(startHttpServer({ latencyMs: 150 }));
    const started = Date.now();
    const report = await runLoadTest({
      url: server.url,
      rate: 50,
      durationMs: 20_000,
      abortEarly: true,
      gates: ["p90 < 50ms"],
      ...RELAXED,
    });
    // 10% of the 1000 planned requests must be slow before p90 is lost: about 2 s, far from 20 s.
    expect(Date.now() - started).toBeLessThan(8000);
    expect(report.verdict).toBe("fail");
    expect(report.headline).toMatch(/^stopped early: p90 < 50ms can no longer pass/);
  });

  it("says the run is inconclusive when the generator cannot hold the schedule", async () => {
    const server = await served(startHttpServer({ latencyMs: 5 }));
    // With no lateness allowance every start counts as late: a missed threshold cannot be blamed on
    // the endpoint, so the report refuses to judge it.
    const failing = await runLoadTest({
      url: server.url,
      rate: 100,
      durationMs: 500,
      lateAfterMs: 0,
      gates: ["p95 < 1ms"],
    });
    expect(failing.verdict).toBe("error");
    expect(failing.headline).toMatch(/^inconclusive: the load generator could not hold 100\/s/);
    expect(failing.checks[0]?.status).toBe("fail");
    // Late starts only add latency: a pass despite them still proves the SLA, with a warning.
    const passing = await runLoadTest({
      url: server.url,
      rate: 100,
      durationMs: 500,
      lateAfterMs: 0,
      gates: ["p95 < 10s"],
    });
    expect(passing.verdict).toBe("warn");
    expect(passing.findings.find((f) => f.rule === "load.late-starts")?.message).toMatch(/pessimistic side/);
  });

  it("runs a closed model and says it cannot see coordinated omission", async () => {
    const server = await served(startHttpServer({ latencyMs: 10 }));
    const report = await runLoadTest({
      url: server.url,
      concurrency: 4,
      durationMs: 1000,
      gates: ["p50 < 1s"],
      ...RELAXED,
    });
    expect(report.verdict).toBe("pass");
    // 4 users and at least 10 ms per request: at most 400 responses per second.
    expect(report.metrics.throughput!.value).toBeLessThanOrEqual(400);
    expect(report.metrics.throughput!.value).toBeGreaterThan(40);
    expect(report.findings.map((f) => f.rule)).toContain("load.closed-model");
  });

  it("reports an unreachable endpoint as an error with the reason", async () => {
    const server = await startHttpServer({});
    const url = server.url;
    await server.close();
    const report = await runLoadTest({
      url: `${url}/v1/predict`,
      rate: 10,
      durationMs: 1000,
      gates: ["p95 < 1s"],
    });
    expect(report.verdict).toBe("error");
    expect(report.headline).toBe(
      `cannot reach ${url}/v1/predict: connection refused (nothing listens there) — check the URL and that the endpoint is up and reachable from this runner; requests go to exactly this URL`,
    );
  });

  it("refuses thresholds it cannot judge before sending anything", async () => {
    const server = await served(startHttpServer({}));
    const bad = await runLoadTest({ url: server.url, rate: 10, durationMs: 1000, gates: ["p59 < 1s"] });
    expect(bad.headline).toMatch(/no metric named "p59"; did you mean "p50", "p95" or "p99"\?/);
    const stream = await runLoadTest({
      url: server.url,
      rate: 10,
      durationMs: 1000,
      gates: ["ttft_p95 < 1s"],
    });
    expect(stream.headline).toMatch(/ttft_p95 is measured on streaming endpoints only — add --stream/);
    expect(server.log).toHaveLength(0);
  });
});

describe("shards", () => {
  it("splits the arrivals between shards and merges them into the whole test", async () => {
    const server = await served(startHttpServer({ latencyMs: 5 }));
    const files: string[] = [];
    for (const index of [0, 1]) {
      const resultFile = join(dir, `shard-${index + 1}.json`);
      files.push(resultFile);
      const report = await runLoadTest({
        url: server.url,
        rate: 100,
        durationMs: 1000,
        shard: { index, count: 2 },
        resultFile,
        headers: { "X-Seq": "${seq}" },
        gates: ["p99 < 1s"],
        ...RELAXED,
      });
      expect(report.verdict).toBe("pass");
      expect(report.checks[0]).toMatchObject({ status: "skip" });
      expect(report.metrics.requests?.value).toBe(50);
    }
    // Shard 1 sends the even arrivals, shard 2 the odd ones: together the whole schedule, once.
    const seqs = server.log.map((e) => e.seq).filter((s) => s >= 0);
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));

    const merged = await runLoadTest({
      merge: files,
      gates: ["p99 < 1s", "throughput >= 80/s", "requests == 100"],
    });
    expect(merged.verdict, merged.headline).toBe("pass");
    const parts = await Promise.all(files.map(readResultFile));
    const counts = parts.map((p) => p.measurements.latency.totalCount);
    expect(counts).toEqual([50, 50]);
    expect(merged.notes?.some((n) => n.includes("Merged from 2 shards"))).toBe(true);
    // Merged throughput is the shards' sum (they would run side by side in a matrix).
    expect(merged.metrics.throughput!.value).toBeCloseTo(
      parts[0]!.measurements.throughput + parts[1]!.measurements.throughput,
      6,
    );
  });
});

describe("streaming endpoints", () => {
  it("measures time to first token, inter-token latency and tokens per second; truncated streams are errors", async () => {
    const server = await served(startSseServer({ tokens: 8, firstTokenMs: 60, gapMs: 20, truncateEvery: 5 }));
    const report = await runLoadTest({
      url: `${server.url}/v1/chat/completions`,
      rate: 20,
      durationMs: 1500,
      stream: true,
      method: "POST",
      warmupMs: 300,
      gates: ["ttft_p95 < 2s", "errors_stream <= 6"],
      ...RELAXED,
    });
    expect(report.verdict, report.headline).toBe("pass");
    expect(report.metrics.requests?.value).toBe(30);
    // Streams 5, 10, … by arrival stop half-way without [DONE]; arrivals 1 (preflight) to 7 (warm-up) are not measured.
    expect(report.metrics.errors_stream?.value).toBe(Math.floor(37 / 5) - Math.floor(7 / 5));
    // TTFT: the server waits 60 ms (timers fire late on a busy machine: +40 ms allowed).
    expect(report.metrics.ttft_p50!.value).toBeGreaterThanOrEqual(59);
    expect(report.metrics.ttft_p50!.value).toBeLessThan(100);
    // Gaps of 20 ms (−1 ms for timer rounding, +15 ms for a busy machine) → 40 to 50 tokens/s.
    expect(report.metrics.itl_p50!.value).toBeGreaterThanOrEqual(19);
    expect(report.metrics.itl_p50!.value).toBeLessThan(35);
    expect(report.metrics.tokens_per_second!.value).toBeGreaterThan(1000 / 35);
    expect(report.metrics.tokens_per_second!.value).toBeLessThanOrEqual(1000 / 19);
    // End to end: 60 ms + 7 gaps of 20 ms = 200 ms at the least.
    expect(report.metrics.p50!.value).toBeGreaterThanOrEqual(195);
  });
});
