import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError, parseThresholds } from "@mlgate/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judgeBehavioural, judgeSuite, readBehavioural, testKey } from "../src/behavioural/index.js";
import { runEvalGate } from "../src/eval-gate.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-behavioural-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const jsonl = async (name: string, rows: readonly object[]) => {
  const path = join(dir, name);
  await writeFile(path, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return path;
};

/**
 * A small sentiment suite: 20 negation items (mft), 10 typo cases (inv: original + one perturbed),
 * 10 intensifier cases (dir: adding "very" must not lower the positive score). `breaks` says how
 * many of each the model gets wrong.
 */
function suite(breaks: { mft: number; inv: number; dir: number }) {
  const rows: object[] = [];
  for (let i = 0; i < 20; i++) {
    const wrong = i < breaks.mft;
    rows.push({
      test: "negation",
      test_type: "mft",
      id: `neg-${i}`,
      label: "negative",
      prediction: wrong ? "positive" : "negative",
    });
  }
  for (let i = 0; i < 10; i++) {
    const wrong = i < breaks.inv;
    rows.push({ test: "typos", test_type: "inv", case: `t${i}`, id: `t${i}-orig`, prediction: "positive" });
    rows.push({
      test: "typos",
      test_type: "inv",
      case: `t${i}`,
      id: `t${i}-typo`,
      prediction: wrong ? "negative" : "positive",
    });
  }
  for (let i = 0; i < 10; i++) {
    const wrong = i < breaks.dir;
    rows.push({ test: "add intensifier", test_type: "dir", case: `d${i}`, id: `d${i}`, score: 0.7 });
    rows.push({
      test: "add intensifier",
      test_type: "dir",
      case: `d${i}`,
      id: `d${i}-very`,
      score: wrong ? 0.6 : 0.8,
      expect: "up",
    });
  }
  return rows;
}

describe("reading behavioural results", () => {
  it("reads JSON Lines and CSV alike, with the other column names people use", async () => {
    const fromJson = await readBehavioural(
      await jsonl("s.jsonl", suite({ mft: 0, inv: 0, dir: 0 }).slice(0, 3)),
    );
    const csv = join(dir, "s.csv");
    await writeFile(
      csv,
      "test_name,type,id,expected,prediction\nnegation,MFT,neg-0,negative,negative\nnegation,mft,neg-1,negative,negative\n\nnegation,mft,neg-2,negative,negative\n",
    );
    const fromCsv = await readBehavioural(csv);
    expect(fromCsv.rows.map(({ line: _, ...r }) => r)).toEqual(fromJson.rows.map(({ line: _, ...r }) => r));
    expect(fromCsv.rows.map((r) => r.line)).toEqual([2, 3, 5]);
  });

  it("names the file and line of a bad row", async () => {
    const bad = async (rows: object[]) => readBehavioural(await jsonl("bad.jsonl", rows));
    await expect(bad([{ test_type: "mft" }])).rejects.toThrow(/line 1: no test name/);
    await expect(bad([{ test: "a", test_type: "unit" }])).rejects.toThrow(
      /line 1: test_type must be mft, inv or dir, got "unit"/,
    );
    await expect(bad([{ test: "a", test_type: "dir", expect: "sideways" }])).rejects.toThrow(
      /expect must be up or down/,
    );
    await expect(bad([{ test: "a", test_type: "mft", score: "NaN" }])).rejects.toThrow(/finite number/);
    const broken = join(dir, "broken.jsonl");
    await writeFile(broken, '{"test":"a","test_type":"mft"}\n{"test":\n');
    const error = (await readBehavioural(broken).then(
      () => ({ message: "resolved", location: undefined }),
      (e: unknown) => e,
    )) as { location?: unknown; message: string };
    expect(error.message).toMatch(/^line 2 is not valid JSON/);
    expect(error.location).toEqual({ file: broken, line: 2 });
    await expect(readBehavioural(join(dir, "missing.jsonl"))).rejects.toThrow(
      /behavioural results not found/,
    );
    await expect(
      readBehavioural(await jsonl("many.jsonl", suite({ mft: 0, inv: 0, dir: 0 })), { maxRows: 10 }),
    ).rejects.toThrow(/more than 10 rows/);
  });

  it("throws nothing but GateError on arbitrary lines (property)", async () => {
    const path = join(dir, "fuzz.jsonl");
    const row = fc.record(
      {
        test: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()),
        test_type: fc.constantFrom("mft", "inv", "dir", "x", ""),
        case: fc.constantFrom("a", "b", 1, null),
        label: fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null)),
        prediction: fc.oneof(fc.string({ maxLength: 3 }), fc.boolean(), fc.object()),
        score: fc.oneof(fc.double(), fc.string({ maxLength: 3 })),
        expect: fc.constantFrom("up", "down", "", "x"),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            row.map((r) => JSON.stringify(r)),
            fc.string({ maxLength: 20 }),
          ),
          { maxLength: 12 },
        ),
        async (lines) => {
          await writeFile(path, lines.join("\n"));
          try {
            judgeSuite(await readBehavioural(path));
          } catch (e) {
            if (!isGateError(e)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("judging behavioural tests", () => {
  it("counts failing items (mft) and cases (inv, dir) per test", async () => {
    const outcomes = judgeSuite(
      await readBehavioural(await jsonl("o.jsonl", suite({ mft: 2, inv: 1, dir: 3 }))),
    );
    const summary = [...outcomes.values()].map((o) => [o.key, o.units, o.failed.length]);
    expect(summary).toEqual([
      ["mft.negation", 20, 2],
      ["inv.typos", 10, 1],
      ["dir.add_intensifier", 10, 3],
    ]);
    expect(outcomes.get("negation")?.reasons.get("neg-0")).toBe(
      '"neg-0": expected "negative", got "positive"',
    );
    expect(outcomes.get("typos")?.reasons.get("t0")).toBe(
      'case "t0": "positive" ("t0-orig") became "negative" ("t0-typo")',
    );
    expect(outcomes.get("add intensifier")?.reasons.get("d0")).toBe(
      'case "d0": "d0-very" expected up, score 0.7 → 0.6',
    );
    expect(testKey("mft", "  Negation of positive!  ")).toBe("mft.Negation_of_positive");
  });

  it("allows a tolerance on directional tests", async () => {
    const path = await jsonl("tol.jsonl", suite({ mft: 0, inv: 0, dir: 10 }));
    expect(judgeSuite(await readBehavioural(path), 0.05).get("add intensifier")?.failed).toHaveLength(10);
    expect(judgeSuite(await readBehavioural(path), 0.15).get("add intensifier")?.failed).toHaveLength(0);
  });

  it("refuses cases it cannot judge", async () => {
    const judge = async (rows: object[]) => judgeSuite(await readBehavioural(await jsonl("j.jsonl", rows)));
    await expect(judge([{ test: "a", test_type: "inv", prediction: "x" }])).rejects.toThrow(
      /needs a case column/,
    );
    await expect(judge([{ test: "a", test_type: "inv", case: "c", prediction: "x" }])).rejects.toThrow(
      /has one row/,
    );
    await expect(
      judge([
        { test: "a", test_type: "dir", case: "c", score: 1 },
        { test: "a", test_type: "dir", case: "c", score: 1 },
      ]),
    ).rejects.toThrow(/has 2 rows without `expect`; exactly one \(the original\) is needed/);
    await expect(
      judge([
        { test: "a", test_type: "mft", label: 1, prediction: 1 },
        { test: "a", test_type: "inv", case: "c", prediction: 1 },
      ]),
    ).rejects.toThrow(/test "a" is mft on line 1 but inv on line 2/);
    await expect(
      judge([
        { test: "a b", test_type: "mft", label: 1, prediction: 1 },
        { test: "a-b", test_type: "mft", label: 1, prediction: 1 },
        { test: "a_b", test_type: "mft", label: 1, prediction: 1 },
      ]),
    ).rejects.toThrow(/tests "a b" and "a_b" would both be named mft.a_b/);
  });

  it("gates each test by the threshold that names it, or by its type's default", async () => {
    const results = await jsonl("cand.jsonl", suite({ mft: 1, inv: 1, dir: 2 }));
    const judged = await judgeBehavioural({ results }, parseThresholds(["inv.typos.failure_rate <= 20%"]));
    expect(judged.checks.map((c) => [c.name, c.status, c.actual])).toEqual([
      ["mft.negation.failures == 0", "fail", "1 (1/20)"],
      ["inv.typos.failure_rate <= 20%", "pass", "10% (1/10)"],
      ["dir.add_intensifier.failure_rate <= 5%", "fail", "20% (2/10)"],
    ]);
    expect(judged.checks[0]?.message).toBe(
      'mft.negation.failures is 1, limit == 0; 1 of 20 items failed, e.g. "neg-0": expected "negative", got "positive"',
    );
    expect(judged.metrics["mft.negation.failure_rate"]).toMatchObject({ value: 0.05, dimension: "ratio" });
    expect(judged.notes[0]).toBe("Behavioural tests: 3 (1 mft, 1 inv, 1 dir); 2 of 3 checks did not hold.");

    const relaxed = await judgeBehavioural(
      { results, defaults: { mft: "failure_rate <= 10%", dir: "warn: failure_rate <= 10%" } },
      [],
    );
    expect(relaxed.checks.map((c) => [c.name, c.status])).toEqual([
      ["mft.negation.failure_rate <= 10%", "pass"],
      ["inv.typos.failure_rate <= 5%", "fail"],
      ["warn: dir.add_intensifier.failure_rate <= 10%", "warn"],
    ]);
    await expect(
      judgeBehavioural({ results }, parseThresholds(["mft.negatoin.failures == 0"])),
    ).rejects.toThrow(
      /no behavioural test metric "mft.negatoin.failures"; did you mean "mft.negation.failures"/,
    );
    await expect(judgeBehavioural({ results, defaults: { mft: "accuracy >= 1" } }, [])).rejects.toThrow(
      /must hold failure_rate, failures or total/,
    );
  });

  it("highlights tests that held for the baseline and fail now, and compares with delta()", async () => {
    const results = await jsonl("now.jsonl", suite({ mft: 3, inv: 2, dir: 0 }));
    const baseline = await jsonl("before.jsonl", [
      ...suite({ mft: 0, inv: 2, dir: 0 }),
      { test: "retired", test_type: "mft", id: "r", label: 1, prediction: 1 },
    ]);
    const judged = await judgeBehavioural(
      { results, baseline },
      parseThresholds(["delta(inv.typos.failure_rate) <= 0"]),
    );
    const negation = judged.checks[0];
    expect(negation?.status).toBe("fail");
    expect(negation?.message).toMatch(
      /^newly failing, it held for the baseline: mft\.negation\.failures is 3/,
    );
    expect(negation?.message).toMatch(
      /"neg-0": expected "negative", got "positive" \(held for the baseline\)/,
    );
    expect(judged.checks[1]).toMatchObject({ name: "delta(inv.typos.failure_rate) <= 0", status: "pass" });
    expect(judged.newlyFailing).toEqual(["negation"]);
    expect(judged.notes[0]).toMatch(/Newly failing since the baseline: "negation"\.$/);
    expect(judged.findings.map((f) => f.message)).toEqual([
      'behavioural test "retired" (mft) ran for the baseline but not for the candidate',
    ]);
  });
});

describe("eval-gate with behavioural tests", () => {
  it("routes behavioural gates to the tests and the rest to the results, in one verdict", async () => {
    const items = await jsonl(
      "items.jsonl",
      Array.from({ length: 60 }, (_, i) => ({ id: `i${i}`, label: i % 2, prediction: i % 2 })),
    );
    const report = await runEvalGate({
      candidate: items,
      gates: ["accuracy >= 0.9", "mft.negation.failure_rate <= 10%"],
      behavioural: { results: await jsonl("gate.jsonl", suite({ mft: 1, inv: 0, dir: 0 })) },
    });
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ["accuracy >= 0.9", "pass"],
      ["mft.negation.failure_rate <= 10%", "pass"],
      ["inv.typos.failure_rate <= 5%", "pass"],
      ["dir.add_intensifier.failure_rate <= 5%", "pass"],
    ]);
    expect(report.verdict).toBe("pass");
    expect(report.headline).toBe("all 4 checks passed (60 items)");
    expect(report.metrics["inv.typos.failure_rate"]?.value).toBe(0);

    await expect(runEvalGate({ candidate: items, gates: ["mft.negation.failures == 0"] })).rejects.toThrow(
      /gates a behavioural test, but no behavioural results were given/,
    );
  });
});
