import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AbAnalysis } from "../src/ab/analysis.js";
import type { ConversionCounts, ConversionEvents } from "../src/ab/events.js";
import {
  describeRouting,
  formatRecordLine,
  outputSpec,
  PHASES,
  type Phase,
  ProbeSource,
  parseRecordLine,
  STRATEGIES,
  type Strategy,
} from "../src/index.js";
import { tinyModel } from "./strategies/servers.js";

describe("the probe replaying requests to both versions", () => {
  it("pairs the two answers of each request it recorded", async () => {
    const [a, b] = await Promise.all([tinyModel({ name: "a" }), tinyModel({ name: "b", shift: 0.2 })]);
    const probe = new ProbeSource({
      baseline: `${a.url}/v1/predict`,
      candidate: `${b.url}/v1/predict`,
      rate: 100,
      bodies: [Buffer.from('{"x":0.1}'), Buffer.from('{"x":0.45}')],
      timeoutMs: 2000,
      warmupMs: 100,
      outputs: [outputSpec("label", "$.label", "label", "t"), outputSpec("score", "$.score", "score", "t")],
    });
    try {
      await probe.start();
      await new Promise((r) => setTimeout(r, 400));
      const pairs = await probe.drainPairs();
      expect(pairs.length).toBeGreaterThan(10);
      for (const p of pairs) {
        expect(p.id).toMatch(/^probe-\d+$/);
        const base = p.baseline.outputs.score as number;
        expect(p.candidate.outputs.score).toBeCloseTo(base + 0.2, 10);
        expect(p.baseline.error || p.candidate.error).toBe(false);
      }
      // The 0.45 request flips the label: 0.45 → no, 0.65 → yes.
      expect(
        pairs.some((p) => p.baseline.outputs.label === "no" && p.candidate.outputs.label === "yes"),
      ).toBe(true);
    } finally {
      await probe.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("progress records of the other strategies", () => {
  it("name their strategy and parse back", () => {
    const line = formatRecordLine({ phase: "concluded", step: 0, steps: 1, weight: 0, strategy: "shadow" });
    expect(line).toBe("canary shadow concluded 1/1 at 0%");
    expect(parseRecordLine(line)).toEqual({
      phase: "concluded",
      step: 0,
      steps: 1,
      weight: 0,
      strategy: "shadow",
    });
    expect(formatRecordLine({ phase: "step", step: 0, steps: 2, weight: 10, strategy: "canary" })).toBe(
      "canary step 1/2 at 10%",
    );
    expect(parseRecordLine("canary blue-green dancing 1/2 at 0%")).toBeUndefined();
    fc.assert(
      fc.property(
        fc.constantFrom(...PHASES),
        fc.constantFrom(...STRATEGIES),
        fc.integer({ min: 0, max: 10_000 }),
        (phase: Phase, strategy: Strategy, hundredths) => {
          const record = { phase, step: 0, steps: 2, weight: hundredths / 100, strategy };
          const back = parseRecordLine(formatRecordLine(record));
          expect(back).toEqual(
            strategy === "canary" ? { phase, step: 0, steps: 2, weight: hundredths / 100 } : record,
          );
        },
      ),
    );
  });

  it("describe a routing in words", () => {
    expect(describeRouting({ canary: 50, mirror: 0, sticky: { cookie: "uid" } })).toBe(
      "50% of users to the candidate, sticky by cookie uid",
    );
    expect(describeRouting({ canary: 0, mirror: 10 })).toBe(
      "0% of users to the candidate, 10% of requests mirrored to it",
    );
  });
});

describe("the A/B decision's warnings", () => {
  function events(counts: Partial<ConversionCounts>): ConversionEvents {
    const full: ConversionCounts = {
      baseline: { n: 0, conversions: 0 },
      candidate: { n: 0, conversions: 0 },
      crossed: 0,
      otherArm: 0,
      badLines: 0,
      overflow: 0,
      ...counts,
    };
    return {
      refresh: async () => full,
      snapshot: () => full,
      describe: () => "fixed",
    } as unknown as ConversionEvents;
  }
  const stage = { kind: "experiment" } as never;

  it("flag a sample-ratio mismatch and units that reached both sides", async () => {
    const analysis = new AbAnalysis({
      metric: "conversion",
      events: events({
        baseline: { n: 900, conversions: 90 },
        candidate: { n: 600, conversions: 60 },
        crossed: 4,
      }),
      rule: "sequential",
      alpha: 0.05,
      better: "increase",
      split: 50,
    });
    const look = await analysis.look({ now: 0, endOfStep: false, stage });
    expect(look.warnings).toEqual([
      "4 unit(s) reached both versions (the split was not sticky for them); left out",
      expect.stringMatching(
        /^sample ratio mismatch: the candidate has 40% of the units, 50% planned \(p = [\d.e-]+\)/,
      ),
    ]);
    expect(look.checks[0]).toMatchObject({ name: "conversion: candidate vs baseline (A/B)", status: "skip" });
  });

  it("wait for both arms to reach the planned size before a fixed test is read", async () => {
    const analysis = new AbAnalysis({
      metric: "signup",
      events: events({ baseline: { n: 100, conversions: 10 }, candidate: { n: 99, conversions: 30 } }),
      rule: "fixed",
      sampleSize: 100,
      alpha: 0.05,
      better: "increase",
      split: 50,
    });
    const look = await analysis.look({ now: 0, endOfStep: true, stage });
    expect(look.done).toBeUndefined();
    expect(look.short).toEqual(["signup (99 of 100 units in the smaller arm)"]);
  });
});
