import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExampleServer, exampleBodies, startExampleServer } from "../../../examples/serve/index.js";
import { MetricSourceError, ProbeSource, parsePath, WebSource } from "../src/index.js";
import { spec } from "./fakes.js";

describe("the probe", () => {
  let fast: ExampleServer;
  let flaky: ExampleServer;

  beforeAll(async () => {
    [fast, flaky] = await Promise.all([
      startExampleServer({ latencyMs: 1 }),
      startExampleServer({ latencyMs: 30, errorEvery: 5 }),
    ]);
  });
  afterAll(() => Promise.all([fast.close(), flaky.close()]));

  it("sends the same requests to both versions and records latency, errors and scores per side", async () => {
    const probe = new ProbeSource({
      baseline: `${fast.url}/v1/predict`,
      candidate: `${flaky.url}/v1/predict`,
      rate: 100,
      bodies: exampleBodies(20).map((b) => Buffer.from(JSON.stringify(b))),
      timeoutMs: 5000,
      warmupMs: 200,
      prediction: parsePath("$.probabilities[1]"),
    });
    const started = Date.now();
    await probe.start();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const metrics = [
      spec("latency"),
      spec("errors", { query: "errors", kind: "binary" }),
      spec("score", { query: "prediction", dimension: "none" }),
    ];
    // Collect window after window until enough answers are in (a busy machine answers later).
    const got = new Map(
      metrics.map((m) => [m.name, { candidate: [] as number[], baseline: [] as number[] }]),
    );
    let from = 0;
    let now = Date.now();
    for (
      const deadline = Date.now() + 10_000;
      got.get("errors")!.baseline.length < 50 && Date.now() < deadline;
    ) {
      await new Promise((r) => setTimeout(r, 200));
      now = Date.now();
      for (const [name, pair] of await probe.collect(metrics, { from, to: now })) {
        got.get(name)!.candidate.push(...pair.candidate);
        got.get(name)!.baseline.push(...pair.baseline);
      }
      from = now;
    }
    await probe.close();
    const latency = got.get("latency")!;
    const errors = got.get("errors")!;
    const score = got.get("score")!;
    // Warm-up requests are not recorded: nothing intended before 200 ms, at most one per 10 ms after.
    const most = (now - started - 200) / 10 + 2;
    expect(errors.baseline.length).toBeGreaterThanOrEqual(50);
    expect(errors.baseline.length).toBeLessThanOrEqual(most);
    expect(errors.baseline.every((e) => e === 0)).toBe(true);
    const errorRate = errors.candidate.reduce((s, e) => s + e, 0) / errors.candidate.length;
    expect(errorRate).toBeGreaterThan(0.1);
    expect(errorRate).toBeLessThan(0.35);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(latency.candidate)).toBeGreaterThan(median(latency.baseline) + 20);
    // The same model on the same inputs: the answered scores are the same values.
    expect(new Set(score.candidate.map((s) => s.toFixed(6))).size).toBeGreaterThan(3);
    for (const s of score.candidate) expect(score.baseline.map((b) => b.toFixed(6))).toContain(s.toFixed(6));
    // A window already collected is not answered twice.
    expect((await probe.collect(metrics, { from: 0, to: now })).get("latency")).toEqual({
      candidate: [],
      baseline: [],
    });
  });

  it("refuses targets it cannot use", () => {
    expect(
      () => new ProbeSource({ baseline: "ftp://x", candidate: "http://y", rate: 1, timeoutMs: 1 }),
    ).toThrow('probe: the baseline URL "ftp://x" must be http or https');
    expect(
      () => new ProbeSource({ baseline: "http://u:p@x", candidate: "http://y", rate: 1, timeoutMs: 1 }),
    ).toThrow("probe: the baseline URL carries credentials");
    expect(
      () => new ProbeSource({ baseline: "http://x", candidate: "http://y", rate: 0, timeoutMs: 1 }),
    ).toThrow("probe rate 0/s is out of range");
  });
});

describe("the web source", () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? "");
      const version = new URL(req.url ?? "/", "http://x").searchParams.get("version");
      if (version === "broken") {
        res.writeHead(404).end("<html>no</html>");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { accuracy: version === "v2" ? [0.91, 0.92] : 0.93 } }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  );

  it("asks once per side with the version and the window filled in", async () => {
    const source = new WebSource({ versions: { baseline: "v1", candidate: "v2" }, timeoutMs: 2000 });
    const metric = spec("accuracy", {
      provider: "web",
      query: `${base}/acc?version={{version}}&from={{from}}`,
      path: "$.data.accuracy",
      dimension: "none",
    });
    const got = await source.collect([metric], { from: 1_700_000_000_000, to: 1_700_000_060_000 });
    expect(got.get("accuracy")).toEqual({ candidate: [0.91, 0.92], baseline: [0.93] });
    expect(seen).toEqual(
      expect.arrayContaining(["/acc?version=v2&from=1700000000.000", "/acc?version=v1&from=1700000000.000"]),
    );

    const broken = new WebSource({ versions: { baseline: "v1", candidate: "broken" }, timeoutMs: 2000 });
    const failed = broken.collect([metric], { from: 0, to: 1 });
    await expect(failed).rejects.toThrow(MetricSourceError);
    await expect(failed).rejects.toMatchObject({ permanent: true });
  });
});
