import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStateStore, formatRecordLine, PHASES, type Phase, parseRecordLine } from "../src/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-canary-state-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("a record as one line", () => {
  it("reads like a sentence and parses back", () => {
    const line = formatRecordLine({
      phase: "rolled-back",
      step: 1,
      steps: 4,
      weight: 0,
      reason: "p95 is\n31% above",
    });
    expect(line).toBe("canary rolled-back 2/4 at 0%: p95 is 31% above");
    expect(parseRecordLine(line)).toEqual({
      phase: "rolled-back",
      step: 1,
      steps: 4,
      weight: 0,
      reason: "p95 is 31% above",
    });
    expect(parseRecordLine("deployed by hand")).toBeUndefined();
    expect(parseRecordLine("canary dancing 1/2 at 5%")).toBeUndefined();
    expect(parseRecordLine("canary step 3/2 at 5%")).toBeUndefined();
  });

  it("round-trips every record", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PHASES),
        fc
          .integer({ min: 1, max: 50 })
          .chain((steps) => fc.tuple(fc.constant(steps), fc.integer({ min: 0, max: steps - 1 }))),
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(
          fc
            .string({ minLength: 1, maxLength: 60 })
            .filter((s) => s.trim() === s && !/\s{2,}|\n/.test(s) && s !== ""),
          { nil: undefined },
        ),
        (phase: Phase, [steps, step], hundredths, reason) => {
          const record = { phase, step, steps, weight: hundredths / 100, ...(reason ? { reason } : {}) };
          expect(parseRecordLine(formatRecordLine(record))).toEqual(record);
        },
      ),
    );
  });
});

describe("the state file", () => {
  it("keeps every record and gives back the newest, across instances", async () => {
    const file = join(dir, "nested", "state.json");
    const a = new FileStateStore(file);
    expect(await a.latest()).toBeUndefined();
    const record = {
      environment: "prod",
      candidate: "v2",
      baseline: "v1",
      step: 0,
      steps: 2,
      weight: 0,
      phase: "starting" as const,
    };
    await a.begin(record);
    await a.update({ ...record, phase: "step", weight: 10 });
    expect(await new FileStateStore(file).latest()).toEqual({ ...record, phase: "step", weight: 10 });
  });

  it("refuses a file it did not write", async () => {
    const file = join(dir, "other.json");
    await writeFile(file, '{"history": []}');
    await expect(new FileStateStore(file).latest()).rejects.toThrow(`${file} is not a canary state file`);
    await writeFile(file, "{not json");
    await expect(new FileStateStore(file).latest()).rejects.toThrow("canary state file is not valid JSON");
  });
});
