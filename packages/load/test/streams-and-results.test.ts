import { isGateError, parseThresholds } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeResult,
  encodeResult,
  type LoadResult,
  lossWatches,
  type Measurements,
  mergeResults,
  newHistogram,
  recordMs,
  TokenStream,
} from "../src/index.js";
import { emptyMeasurements } from "../src/measurements.js";

function sse(chunks: object[], done = true): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "");
}
const delta = (content: string, finish: string | null = null) => ({
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

describe("token streams", () => {
  const body = sse([
    { choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] },
    delta("Hel"),
    delta("lo"),
    delta("!"),
    delta("", "stop"),
  ]);

  it("counts OpenAI-style content chunks and times the gaps between them", () => {
    const gaps: number[] = [];
    const s = new TokenStream((g) => gaps.push(g));
    const events = body.split("\n\n").filter(Boolean);
    for (const [i, e] of events.entries()) s.feed(Buffer.from(`${e}\n\n`), 100 + i * 10);
    expect(s.tokens).toBe(3);
    expect(s.firstTokenAt).toBe(110);
    expect(gaps).toEqual([10, 10]);
    expect(s.complete).toBe(true);
    expect(s.tokensPerSecond()).toBe(100);
  });

  it("gives the same tokens however the bytes are split (multi-byte characters included)", () => {
    const text = sse(
      [
        delta("héllo 🌍"),
        delta("wörld"),
        { choices: [{ index: 0, text: "legacy", finish_reason: "length" }] },
      ],
      false,
    );
    const bytes = Buffer.from(text);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        (cuts) => {
          const s = new TokenStream(() => {});
          let from = 0;
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            s.feed(bytes.subarray(from, cut), 0);
            from = cut;
          }
          s.feed(bytes.subarray(from), 0);
          expect([s.tokens, s.complete, s.failure]).toEqual([3, true, undefined]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("notices truncation, error events and plain-text token streams", () => {
    const cut = new TokenStream(() => {});
    cut.feed(Buffer.from(sse([delta("a"), delta("b")], false)), 0);
    expect([cut.tokens, cut.complete]).toEqual([2, false]);
    const error = new TokenStream(() => {});
    error.feed(Buffer.from('data: {"error":{"message":"overloaded"}}\n\n'), 0);
    expect(error.failure).toMatch(/overloaded/);
    const plain = new TokenStream(() => {});
    plain.feed(Buffer.from("data: one\n\ndata: two\n\ndata: [DONE]\n\n"), 0);
    expect([plain.tokens, plain.complete]).toEqual([2, true]);
  });
});

function measurementsOf(latencies: number[], errors = 0): Measurements {
  const m = emptyMeasurements(1000);
  for (const l of latencies) {
    recordMs(m.latency, l);
    recordMs(m.uncorrected, l);
  }
  m.counters.requests = latencies.length + errors;
  m.counters.ok = latencies.length;
  m.counters.errors.status_5xx = errors;
  m.throughput = latencies.length / 10;
  m.windowMs = 10_000;
  return m;
}

function shard(index: number, count: number, latencies: number[], errors = 0): LoadResult {
  return {
    meta: {
      target: "http://x/v1",
      method: "POST",
      model: "open",
      profile: "100/s for 10s",
      rate: 100,
      plannedRequests: 1000,
      durationMs: 10_000,
      warmupMs: 0,
      stream: false,
      shard: { index, count },
      startedAt: `2025-01-01T00:00:0${index}Z`,
    },
    measurements: measurementsOf(latencies, errors),
  };
}

describe("result files and merging", () => {
  it("round-trips through the file format and merges every shard exactly", () => {
    const a = shard(1, 2, [1, 2, 3, 250]);
    const b = shard(2, 2, [4, 5, 600], 1);
    const read = [a, b].map((r, i) => ({
      file: `s${i}.json`,
      result: decodeResult(encodeResult(r), `s${i}.json`),
    }));
    const merged = mergeResults(read);
    expect(merged.meta.mergedShards).toBe(2);
    expect(merged.measurements.counters).toMatchObject({ requests: 8, ok: 7 });
    expect(merged.measurements.counters.errors.status_5xx).toBe(1);
    expect(merged.measurements.throughput).toBeCloseTo(0.7, 9);
    const whole = newHistogram();
    for (const v of [1, 2, 3, 250, 4, 5, 600]) recordMs(whole, v);
    for (const q of [50, 90, 99, 100])
      expect(merged.measurements.latency.getValueAtPercentile(q)).toBe(whole.getValueAtPercentile(q));
  });

  it("refuses incomplete, duplicated or foreign shards", () => {
    const one = { file: "a.json", result: shard(1, 3, [1]) };
    expect(() => mergeResults([one])).toThrow(/shards 2\/3, 3\/3 missing from the merge/);
    expect(() => mergeResults([one, { file: "b.json", result: shard(1, 3, [2]) }])).toThrow(
      /shard 1\/3 appears twice/,
    );
    const other = shard(2, 3, [1]);
    other.meta.target = "http://y/v1";
    expect(() => mergeResults([one, { file: "c.json", result: other }])).toThrow(
      /c\.json is from a different test .*target/,
    );
    expect(() => decodeResult('{"format":"something-else"}', "x.json")).toThrow(
      /x\.json is not a load-test result file/,
    );
    expect(() => decodeResult('{"format":"mlgate-load-result","version":1}', "x.json")).toThrow(
      /x\.json: meta: /,
    );
  });

  it("decodes any mangled result file to a result or a clear error (fuzz)", () => {
    const text = encodeResult(shard(1, 1, [1, 2, 3]));
    fc.assert(
      fc.property(
        fc.nat({ max: text.length - 1 }),
        fc.string({ maxLength: 5 }),
        fc.nat({ max: 5 }),
        (at, insert, remove) => {
          try {
            decodeResult(text.slice(0, at) + insert + text.slice(at + remove), "r.json");
          } catch (e) {
            if (!isGateError(e)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("abort-early", () => {
  const watch = (gate: string) => lossWatches(parseThresholds([gate]))[0]!;

  it("declares a percentile bound lost only when no later request can save it", () => {
    const m = measurementsOf([...Array(94).fill(10), ...Array(6).fill(300)]);
    // 6 of at most 100 requests at >= 250ms: more than 5%, p95 < 250ms cannot pass.
    expect(watch("p95 < 250ms").lost(m, 100)).toMatch(/p95 < 250ms can no longer pass: 6 of at most 100/);
    // With 1000 planned, the rest could still bring p95 down.
    expect(watch("p95 < 250ms").lost(m, 1000)).toBeUndefined();
    expect(watch("p99 <= 310ms").lost(m, 100)).toBeUndefined();
    // 300ms is kept as 300.03ms (0.1% precision), which the final p99 would also report, so this one is lost.
    expect(watch("p99 <= 300ms").lost(m, 100)).toMatch(/more than the limit/);
    expect(lossWatches(parseThresholds(["p95 > 1ms", "warn: p95 < 1ms", "throughput >= 5/s"]))).toHaveLength(
      0,
    );
  });

  it("declares error bounds lost once the errors alone exceed them", () => {
    const m = measurementsOf([1, 1, 1], 5);
    expect(watch("error_rate < 0.5%").lost(m, 1000)).toMatch(/5 errors of at most 1000/);
    expect(watch("error_rate < 1%").lost(m, 1000)).toBeUndefined();
    expect(watch("errors_5xx < 5").lost(m, undefined)).toMatch(/already 5/);
  });
});
