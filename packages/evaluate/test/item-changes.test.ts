import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeReport, parseThreshold } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyLabelAcceptance } from "../src/accept-label.js";
import { runEvalGate } from "../src/eval-gate.js";
import { type EvalData, encodeClassification } from "../src/metrics/index.js";
import { decideAll } from "../src/paired/decide.js";
import { estimate } from "../src/paired/estimate.js";
import { runPairedGate } from "../src/paired/paired-gate.js";
import { binomialTestTwoSided, mcnemarExact, mcnemarExactOneSided } from "../src/stats/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-changes-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const jsonl = async (name: string, rows: readonly object[]) => {
  const path = join(dir, name);
  await writeFile(path, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return path;
};

/**
 * n items; both models right except: the candidate alone is wrong on the first `worse` items, and the
 * baseline alone is wrong on the next `better` ones.
 */
async function pair(name: string, n: number, worse: number, better: number) {
  const cand: object[] = [];
  const base: object[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2 === 0 ? "cat" : "dog";
    const other = label === "cat" ? "dog" : "cat";
    const slice = i % 3 === 0 ? "fr" : "en";
    cand.push({ id: `x${i}`, label, prediction: i < worse ? other : label, slice });
    base.push({ id: `x${i}`, label, prediction: i >= worse && i < worse + better ? other : label, slice });
  }
  return { candidate: await jsonl(`${name}-c.jsonl`, cand), baseline: await jsonl(`${name}-b.jsonl`, base) };
}

describe("exact McNemar at a zero margin", () => {
  it("matches the binomial tail computed by hand", () => {
    // P(X >= 10 | X ~ Binomial(12, 1/2)) = (C(12,10) + C(12,11) + C(12,12)) / 2^12 = 79 / 4096.
    expect(mcnemarExactOneSided(10, 2)).toBeCloseTo(79 / 4096, 15);
    expect(mcnemarExactOneSided(10, 2)).toBeCloseTo(mcnemarExact(10, 2) / 2, 15);
    // P(X >= 20 | n = 30) = 0.04936857335269451 (sum of C(30, k) / 2^30, k = 20..30).
    expect(mcnemarExactOneSided(20, 10)).toBeCloseTo(0.04936857335269451, 14);
    expect(mcnemarExactOneSided(0, 7)).toBe(1);
    expect(mcnemarExactOneSided(3, 3)).toBeCloseTo(42 / 64, 15);
    expect(binomialTestTwoSided(2, 12)).toBeCloseTo(158 / 4096, 15);
    expect(() => mcnemarExactOneSided(-1, 2)).toThrow(/worse must be a non-negative integer/);
  });

  it("decides `delta(accuracy) >= 0` by the exact test on the discordant pairs, and says so", async () => {
    const labels = Array.from({ length: 200 }, (_, i) => (i % 2 ? "a" : "b"));
    const flip = (l: string) => (l === "a" ? "b" : "a");
    // 12 discordant items: 10 only the baseline got right, 2 only the candidate.
    const cand = labels.map((l, i) => (i < 10 ? flip(l) : l));
    const base = labels.map((l, i) => (i >= 10 && i < 12 ? flip(l) : l));
    const encoded = encodeClassification([...labels, ...labels], [...cand, ...base]);
    const half = (from: number): EvalData => ({
      ...encoded,
      label: encoded.label.subarray(from, from + 200),
      prediction: encoded.prediction.subarray(from, from + 200),
    });
    const e = estimate("accuracy", "delta", half(0), half(200), 200, {
      confidence: 0.95,
      resamples: 100,
      seed: 1,
    });
    expect(e.discordant).toEqual({ onlyCandidate: 2, onlyBaseline: 10 });
    const [zero] = decideAll([{ threshold: parseThreshold("delta(accuracy) >= 0"), estimate: e }], 0.95);
    expect(zero).toMatchObject({ test: "exact McNemar", decision: "fail" });
    expect(zero?.pWorse).toBeCloseTo(79 / 4096, 15);
    const [margin] = decideAll(
      [{ threshold: parseThreshold("delta(accuracy) >= -0.01"), estimate: e }],
      0.95,
    );
    expect(margin?.test).toBe("interval");

    const files = await pair("mcnemar", 200, 10, 2);
    const report = await runPairedGate({ ...files, gates: ["delta(accuracy) >= 0"] });
    expect(report.checks[0]?.status).toBe("fail");
    expect(report.checks[0]?.message).toMatch(
      /zero margin, so the p-value is the exact McNemar test on the 12 discordant items \(10 only the baseline got right, 2 only the candidate\): one-sided p = 0\.0193/,
    );
  });
});

describe("the table of newly failing items", () => {
  it("lists what the baseline got right and the candidate gets wrong, capped, and counts the newly passing", async () => {
    const files = await pair("table", 300, 25, 4);
    const out = join(dir, "changes.jsonl");
    const report = await runPairedGate({
      ...files,
      gates: ["delta(accuracy) >= -0.2"],
      mustPass: ["x24", "x7"],
      itemChanges: out,
    });
    const lines = report.details?.split("\n") ?? [];
    expect(lines[0]).toBe(
      "Newly failing: 25 item(s) the baseline got right the candidate gets wrong; newly passing: 4.",
    );
    expect(lines[1]).toBe("   id   slice  label  baseline  candidate");
    // Must-pass examples first, then file order, then how many more and where they are.
    expect(lines[2]).toBe("★  x7   en     dog    dog       cat");
    expect(lines[3]).toBe("★  x24  fr     cat    cat       dog");
    expect(lines[4]).toBe("   x0   fr     cat    cat       dog");
    expect(lines).toHaveLength(2 + 20 + 2);
    expect(lines.at(-2)).toBe("… and 5 more in the item-changes file");
    expect(lines.at(-1)).toBe("★ must-pass example");
    expect(report.outputs).toMatchObject({ "newly-failing": "25", "newly-passing": "4" });
    expect(report.findings).toEqual([]);

    const written = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(written).toHaveLength(29);
    expect(written[0]).toEqual({
      id: "x7",
      change: "newly-failing",
      slice: { slice: "en" },
      label: "dog",
      baseline: "dog",
      candidate: "cat",
      must_pass: true,
    });
    expect(written.filter((w) => w.change === "newly-passing").map((w) => w.id)).toEqual([
      "x25",
      "x26",
      "x27",
      "x28",
    ]);
  });

  it("says so when nothing newly fails, and has no table for regression results", async () => {
    const files = await pair("none", 60, 0, 3);
    const report = await runPairedGate({ ...files, gates: ["accuracy >= 0.5"] });
    expect(report.details).toBeUndefined();
    expect(report.notes).toContain(
      "No item the baseline got right fails now; 3 item(s) the baseline got wrong the candidate gets right.",
    );
    const reg = (d: number) =>
      Array.from({ length: 40 }, (_, i) => ({ id: `r${i}`, label: i / 3, prediction: i / 3 + d }));
    const regression = await runPairedGate({
      candidate: await jsonl("reg-c.jsonl", reg(0.1)),
      baseline: await jsonl("reg-b.jsonl", reg(0.2)),
      gates: ["mae <= 1"],
    });
    expect(regression.details).toBeUndefined();
    expect(regression.outputs?.["newly-failing"]).toBeUndefined();
  });
});

describe("the accepting label", () => {
  const report = () =>
    makeReport({
      gate: "eval-gate",
      verdict: "fail",
      headline: "3 of 4 checks failed",
      checks: [
        { name: "delta(accuracy) >= -0.01", status: "fail", message: "on the wrong side" },
        { name: "slice(fr): ratio(f1) >= 0.98", status: "fail" },
        { name: "accuracy >= 0.9", status: "pass" },
        { name: "must-pass examples (3)", status: "pass" },
      ],
    });

  it("turns failing comparisons with the baseline into warnings that name who applied it", () => {
    const accepted = applyLabelAcceptance(report(), {
      label: "mlgate:accept-regression",
      by: "alice",
      at: "2025-05-01T12:00:00Z",
    });
    expect(accepted.verdict).toBe("warn");
    expect(accepted.checks.map((c) => c.status)).toEqual(["warn", "warn", "pass", "pass"]);
    expect(accepted.checks[0]?.message).toBe(
      'accepted by label "mlgate:accept-regression", applied by alice on 2025-05-01. on the wrong side',
    );
    expect(accepted.headline).toBe(
      'passed with 2 regression(s) accepted by label "mlgate:accept-regression" (applied by alice on 2025-05-01): delta(accuracy) >= -0.01; slice(fr): ratio(f1) >= 0.98',
    );
  });

  it("never waives absolute thresholds or must-pass examples", () => {
    const r = report();
    r.checks[2] = { name: "accuracy >= 0.9", status: "fail" };
    r.checks[3] = { name: "must-pass examples (3)", status: "fail" };
    const accepted = applyLabelAcceptance(r, { label: "ok" });
    expect(accepted.verdict).toBe("fail");
    expect(accepted.checks.map((c) => c.status)).toEqual(["warn", "warn", "fail", "fail"]);
    expect(accepted.notes?.at(-1)).toMatch(
      /Still failing, as a label cannot waive them: accuracy >= 0.9; must-pass examples \(3\)\.$/,
    );
    expect(accepted.headline).toMatch(/who applied it is not known/);
  });

  it("applies after the gate judged, through runEvalGate", async () => {
    const files = await pair("label", 400, 40, 0);
    const gates = ["delta(accuracy) >= -0.01", "accuracy >= 0.5"];
    expect((await runEvalGate({ ...files, gates })).verdict).toBe("fail");
    const accepted = await runEvalGate({ ...files, gates, acceptLabel: { label: "ship", by: "bob" } });
    expect(accepted.verdict).toBe("warn");
    expect(accepted.checks[0]?.message).toMatch(/^accepted by label "ship", applied by bob\./);
  });
});
