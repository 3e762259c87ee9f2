import { deflateSync } from "node:zlib";
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ArrivalSchedule,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  newHistogram,
  percentileMs,
  recordMs,
} from "../src/index.js";

function histogramOf(samplesMs: readonly number[]) {
  const h = newHistogram();
  for (const s of samplesMs) recordMs(h, s);
  return h;
}

describe("HDR histograms", () => {
  it("keeps microsecond resolution and 3 significant digits", () => {
    const h = histogramOf(Array.from({ length: 1000 }, (_, i) => (i + 1) * 0.25));
    expect(percentileMs(h, 50)).toBeCloseTo(125, 0);
    expect(percentileMs(h, 99)).toBeCloseTo(247.5, 0);
    expect(percentileMs(histogramOf([0.0123]), 50)).toBeCloseTo(0.012, 3);
    expect(percentileMs(newHistogram(), 50)).toBeUndefined();
  });

  it("merges shards exactly: any split of the same samples gives the same histogram", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: 0.001, max: 120_000, noNaN: true }), fc.integer({ min: 0, max: 3 })),
          { minLength: 1, maxLength: 400 },
        ),
        (samples) => {
          const whole = histogramOf(samples.map(([v]) => v));
          const shards = [0, 1, 2, 3].map((s) =>
            histogramOf(samples.filter(([, k]) => k === s).map(([v]) => v)),
          );
          // Through the result-file encoding, as a merge step reads them.
          const merged = mergeHistograms(
            shards.map((h, i) => decodeHistogram(encodeHistogram(h), `shard ${i}`)),
          );
          expect(merged.totalCount).toBe(whole.totalCount);
          for (const q of [0, 10, 50, 90, 95, 99, 99.9, 100])
            expect(merged.getValueAtPercentile(q)).toBe(whole.getValueAtPercentile(q));
          expect(encodeHistogram(merged)).toBe(encodeHistogram(whole));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses encodings that are not ours before allocating", () => {
    expect(() => decodeHistogram("not base64!", "x")).toThrow(/not base64/);
    expect(() => decodeHistogram(Buffer.from("short").toString("base64"), "x")).toThrow(
      /not a valid encoded histogram/,
    );
    // A 40-byte header claiming a range far beyond one hour.
    const header = Buffer.alloc(40);
    header.writeInt32BE(3, 12);
    header.writeBigInt64BE(1n, 16);
    header.writeBigInt64BE(2n ** 60n, 24);
    const payload = deflateSync(header);
    const framed = Buffer.concat([Buffer.from([0x1c, 0x84, 0x93, 0x14]), Buffer.alloc(4), payload]);
    framed.writeInt32BE(payload.length, 4);
    expect(() => decodeHistogram(framed.toString("base64"), "histograms.latency")).toThrow(
      /histograms\.latency .*unexpected range/,
    );
    // A compression bomb: 65 MiB of zeros, over the 64 MiB inflate limit.
    const bomb = deflateSync(Buffer.alloc(65 * 1024 * 1024), { level: 1 });
    const framedBomb = Buffer.concat([Buffer.from([0x1c, 0x84, 0x93, 0x14]), Buffer.alloc(4), bomb]);
    framedBomb.writeInt32BE(bomb.length, 4);
    expect(() => decodeHistogram(framedBomb.toString("base64"), "x")).toThrow(/size limit/);
  });

  it("decodes any string to a histogram or a clear error (fuzz)", () => {
    const valid = encodeHistogram(histogramOf([1, 2, 3, 400]));
    fc.assert(
      fc.property(
        fc.nat({ max: valid.length - 1 }),
        fc.string({ minLength: 1, maxLength: 4 }),
        (at, insert) => {
          try {
            decodeHistogram(valid.slice(0, at) + insert + valid.slice(at + insert.length), "x");
          } catch (e) {
            if (!isGateError(e)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("arrival schedule", () => {
  it("spaces a constant rate evenly from time zero", () => {
    const s = new ArrivalSchedule([{ durationMs: 3000, fromRate: 200, toRate: 200 }]);
    expect(s.total).toBe(600);
    expect(s.intendedAt(0)).toBe(0);
    expect(s.intendedAt(1)).toBeCloseTo(5, 9);
    expect(s.intendedAt(599)).toBeCloseTo(2995, 6);
    expect(s.globalCountBefore(1000)).toBe(200);
  });

  it("follows a ramp: arrivals are the integral of the rate", () => {
    const s = new ArrivalSchedule([
      { durationMs: 10_000, fromRate: 0, toRate: 100 },
      { durationMs: 5000, fromRate: 100, toRate: 100 },
    ]);
    expect(s.total).toBe(500 + 500);
    // Half-way up the ramp a quarter of its arrivals have started.
    expect(s.globalCountBefore(5000)).toBe(125);
    expect(s.intendedAt(125)).toBeCloseTo(5000, 6);
    expect(s.intendedAt(500)).toBeCloseTo(10_000, 6);
  });

  it("splits into shards that together make exactly the whole schedule", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            durationMs: fc.integer({ min: 1, max: 3000 }),
            fromRate: fc.integer({ min: 0, max: 200 }),
            toRate: fc.integer({ min: 0, max: 200 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer({ min: 1, max: 5 }),
        (segments, n) => {
          const whole = new ArrivalSchedule(segments);
          const times: number[] = [];
          for (let i = 0; i < n; i++) {
            const shard = new ArrivalSchedule(segments, { index: i, count: n });
            let last = -1;
            for (let j = 0; j < shard.total; j++) {
              const t = shard.intendedAt(j);
              expect(t).toBeGreaterThanOrEqual(last);
              expect(t).toBeLessThanOrEqual(whole.durationMs);
              last = t;
              times.push(t);
            }
          }
          expect(times.length).toBe(whole.total);
          const expected = Array.from({ length: whole.total }, (_, k) => whole.intendedAt(k));
          expect(times.sort((a, b) => a - b)).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
