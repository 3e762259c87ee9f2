import { appendFile, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConversionEvents } from "../src/ab/events.js";
import {
  extractOutputs,
  JsonlTail,
  LabelSource,
  LogPairSource,
  outputSpec,
  PairJoiner,
  parsePath,
} from "../src/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-shadow-parts-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const file = (name: string) => join(dir, `${name}-${Math.random().toString(36).slice(2)}.jsonl`);
const outputs = [
  outputSpec("label", "$.label", "label", "t"),
  outputSpec("score", "$.probabilities[1]", "score", "t"),
];

describe("outputs", () => {
  it("read labels as text and scores as numbers; leave out what is missing or malformed", () => {
    expect(extractOutputs({ label: 1, probabilities: [0.2, "0.8"] }, outputs)).toEqual({
      label: "1",
      score: 0.8,
    });
    expect(extractOutputs({ label: { nested: true }, probabilities: ["x"] }, outputs)).toEqual({});
    expect(extractOutputs("not an object", outputs)).toEqual({});
    expect(extractOutputs({ label: "y".repeat(500) }, outputs).label).toHaveLength(200);
    expect(() => outputSpec("bad name", "$.x", "label", "canary.shadow.outputs[0]")).toThrow(
      'canary.shadow.outputs[0]: output name "bad name" is not a plain name',
    );
    expect(() => outputSpec("x", "$.[", "label", "w")).toThrow(/^w\.path: /);
  });
});

describe("a JSON-lines file read as it grows", () => {
  it("returns each complete line once, waits for a half-written one, and starts over after a truncation", async () => {
    const f = file("tail");
    const tail = new JsonlTail(f, { what: "log" });
    expect(await tail.read()).toEqual({ values: [], badLines: 0 });
    await writeFile(f, '{"a":1}\n{"a":2}\n{"a":');
    expect(await tail.read()).toEqual({ values: [{ a: 1 }, { a: 2 }], badLines: 0 });
    await appendFile(f, "3}\nnot json\n\n");
    expect(await tail.read()).toEqual({ values: [{ a: 3 }], badLines: 1 });
    await truncate(f, 0);
    await writeFile(f, '{"b":1}\n');
    expect(await tail.read()).toEqual({ values: [{ b: 1 }], badLines: 0 });
  });

  it("skips a line longer than the limit, and reads a large file a bounded piece at a time", async () => {
    const f = file("long");
    await writeFile(f, `{"x":"${"z".repeat(300)}"}\n{"ok":1}\n`);
    const tail = new JsonlTail(f, { what: "log", maxLineBytes: 100, maxReadBytes: 64 });
    const seen: unknown[] = [];
    let bad = 0;
    for (let i = 0; i < 10; i++) {
      const r = await tail.read();
      seen.push(...r.values);
      bad += r.badLines;
    }
    expect(seen).toEqual([{ ok: 1 }]);
    expect(bad).toBe(1);
  });

  it("gives the same lines however the bytes are cut, and never throws on garbage (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc.string({ maxLength: 30 }),
          ),
          { maxLength: 20 },
        ),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        (lines, cuts) => {
          const bytes = Buffer.from(lines.map((l) => l.replace(/\n/g, " ")).join("\n") + "\n");
          const whole = new JsonlTail("x", { what: "t" }).consume(bytes);
          const tail = new JsonlTail("x", { what: "t" });
          const values: unknown[] = [];
          let bad = 0;
          let at = 0;
          for (let i = 0; at < bytes.length; i++) {
            const n = cuts[i % cuts.length]!;
            const r = tail.consume(bytes.subarray(at, at + n));
            values.push(...r.values);
            bad += r.badLines;
            at += n;
          }
          expect(values).toEqual(whole.values);
          expect(bad).toBe(whole.badLines);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("pairs", () => {
  it("join answers by request id in either order, forgetting the oldest beyond capacity", () => {
    const joiner = new PairJoiner(2);
    const answer = (label: string) => ({ error: false, outputs: { label } });
    expect(joiner.add("candidate", "a", answer("c-a"), 1)).toBeUndefined();
    expect(joiner.add("baseline", "a", answer("b-a"), 2)).toEqual({
      id: "a",
      at: 2,
      baseline: answer("b-a"),
      candidate: answer("c-a"),
    });
    joiner.add("baseline", "1", answer("x"), 3);
    joiner.add("baseline", "2", answer("x"), 3);
    joiner.add("baseline", "3", answer("x"), 3);
    expect(joiner.forgotten).toBe(1);
    expect(joiner.add("candidate", "1", answer("y"), 4)).toBeUndefined();
    expect(joiner.add("candidate", "3", answer("y"), 4)?.id).toBe("3");
  });

  it("come from the two prediction logs, joined by id, with status and latency when given", async () => {
    const b = file("baseline");
    const c = file("candidate");
    const line = (id: string, label: number, extra: object = {}) =>
      JSON.stringify({
        id,
        status: 200,
        latency_ms: 4,
        response: { label, probabilities: [0.3, 0.7] },
        ...extra,
      });
    await writeFile(b, [line("r1", 1), line("r2", 0), line("r3", 1), '{"no id":1}'].join("\n") + "\n");
    await writeFile(c, [line("r2", 1, { status: 503 }), line("r1", 1)].join("\n") + "\n");
    const source = new LogPairSource({
      baseline: b,
      candidate: c,
      id: parsePath("$.id"),
      answer: parsePath("$.response"),
      latency: parsePath("$.latency_ms"),
      status: parsePath("$.status"),
      outputs,
    });
    expect(source.timed).toBe(true);
    const pairs = await source.drainPairs();
    expect(pairs.map((p) => p.id).sort()).toEqual(["r1", "r2"]);
    const r2 = pairs.find((p) => p.id === "r2")!;
    expect(r2.candidate).toEqual({ error: true, latencyMs: 4, outputs: {} });
    expect(r2.baseline).toEqual({ error: false, latencyMs: 4, outputs: { label: "0", score: 0.7 } });
    expect(source.badLines).toBe(1);
    await appendFile(c, `${line("r3", 0)}\n`);
    expect((await source.drainPairs()).map((p) => p.id)).toEqual(["r3"]);
  });

  it("learn ground truth as it arrives", async () => {
    const f = file("truth");
    const labels = new LabelSource({ file: f, id: parsePath("$.id"), label: parsePath("$.y") });
    await labels.refresh();
    expect(labels.size).toBe(0);
    await writeFile(f, '{"id":"a","y":"churn"}\n{"id":7,"y":true}\n{"y":"orphan"}\n');
    await labels.refresh();
    expect([labels.get("a"), labels.get("7"), labels.size, labels.badLines]).toEqual(["churn", "true", 2, 1]);
  });
});

describe("conversion events", () => {
  const versions = { baseline: "v1", candidate: "v2" };
  const options = (files: string[]) => ({
    files,
    unit: parsePath("$.client"),
    arm: parsePath("$.version"),
    type: parsePath("$.event"),
    conversion: "conversion",
    versions,
  });

  it("count each unit once in the arm that served it, and leave out units seen on both sides", async () => {
    const a = file("v1");
    const b = file("v2");
    const e = (client: string, version: string, event: string) => JSON.stringify({ client, version, event });
    await writeFile(
      a,
      [
        e("u1", "v1", "predict"),
        e("u1", "v1", "predict"),
        e("u1", "v1", "conversion"),
        e("u2", "v1", "predict"),
        e("x", "v9", "predict"),
        "{}",
      ].join("\n") + "\n",
    );
    await writeFile(
      b,
      [e("u3", "v2", "conversion"), e("u4", "v2", "predict"), e("u2", "v2", "conversion")].join("\n") + "\n",
    );
    const events = new ConversionEvents(options([a, b]));
    expect(await events.refresh()).toEqual({
      baseline: { n: 1, conversions: 1 },
      candidate: { n: 2, conversions: 1 },
      crossed: 1,
      otherArm: 1,
      badLines: 1,
      overflow: 0,
    });
  });

  it("keep counts that add up whatever the events (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            client: fc.constantFrom("a", "b", "c", "d", "e", "f"),
            version: fc.constantFrom("v1", "v2", "v3"),
            event: fc.constantFrom("predict", "conversion"),
          }),
          { maxLength: 60 },
        ),
        async (list) => {
          const f = file("prop");
          await writeFile(f, list.map((x) => JSON.stringify(x)).join("\n") + "\n");
          const c = await new ConversionEvents(options([f])).refresh();
          const clients = new Set(list.filter((x) => x.version !== "v3").map((x) => x.client));
          expect(c.baseline.n + c.candidate.n + c.crossed).toBe(clients.size);
          for (const arm of [c.baseline, c.candidate]) {
            expect(arm.conversions).toBeGreaterThanOrEqual(0);
            expect(arm.conversions).toBeLessThanOrEqual(arm.n);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("fail with a clear error when a log cannot be read", async () => {
    const events = new ConversionEvents(options([dir]));
    await expect(events.refresh()).rejects.toThrow(GateError);
    await expect(events.refresh()).rejects.toThrow(`cannot read the event log ${dir}: not a regular file`);
  });
});
