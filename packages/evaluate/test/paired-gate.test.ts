import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import { beforeAll, describe, expect, it } from "vitest";
import { runEvalGate } from "../src/eval-gate.js";
import { runPairedGate } from "../src/paired/paired-gate.js";

let dir: string;

/** A small deterministic stream so every fixture is the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Row {
  id: string;
  label: string;
  prediction: string;
  slice: string;
  probability: number;
}

/**
 * Binary predictions for `n` items: the baseline is right with probability `baseAcc`; the candidate
 * copies the baseline, except that it flips a share of items to right (`fix`) or wrong (`break`).
 */
function classification(
  n: number,
  options: { baseAcc: number; fix: number; break: number; seed: number; slices?: string[] },
) {
  const rand = lcg(options.seed);
  const slices = options.slices ?? ["eu", "us", "apac"];
  const base: Row[] = [];
  const cand: Row[] = [];
  for (let i = 0; i < n; i++) {
    const label = rand() < 0.5 ? "churn" : "stay";
    const other = label === "churn" ? "stay" : "churn";
    const slice = slices[i % slices.length] as string;
    const baseRight = rand() < options.baseAcc;
    const u = rand();
    const candRight = baseRight ? u >= options.break : u < options.fix;
    // The positive class is "stay" (the second in sorted order): its probability follows the prediction.
    const p = (pred: string) => {
      const confidence = 0.55 + 0.4 * rand();
      return pred === "stay" ? confidence : 1 - confidence;
    };
    const bp = baseRight ? label : other;
    const cp = candRight ? label : other;
    base.push({ id: `i${i}`, label, prediction: bp, slice, probability: p(bp) });
    cand.push({ id: `i${i}`, label, prediction: cp, slice, probability: p(cp) });
  }
  return { base, cand };
}

async function jsonl(name: string, rows: readonly object[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
  return path;
}

let better: { candidate: string; baseline: string };
let worse: { candidate: string; baseline: string };
let small: { candidate: string; baseline: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-paired-"));
  const b = classification(3000, { baseAcc: 0.88, fix: 0.3, break: 0.01, seed: 1 });
  better = {
    candidate: await jsonl("better-cand.jsonl", b.cand),
    baseline: await jsonl("better-base.jsonl", b.base),
  };
  const w = classification(3000, { baseAcc: 0.88, fix: 0.05, break: 0.12, seed: 2 });
  worse = {
    candidate: await jsonl("worse-cand.jsonl", w.cand),
    baseline: await jsonl("worse-base.jsonl", w.base),
  };
  const s = classification(120, { baseAcc: 0.85, fix: 0.05, break: 0.05, seed: 3 });
  small = {
    candidate: await jsonl("small-cand.jsonl", s.cand),
    baseline: await jsonl("small-base.jsonl", s.base),
  };
});

describe("eval-gate on paired per-item results", () => {
  it("passes a better candidate, overall and on every slice, with intervals", async () => {
    const report = await runPairedGate({
      ...better,
      gates: ["delta(accuracy) >= -0.01", "slice(*): delta(f1) >= -0.03", "accuracy >= 0.85"],
      resamples: 500,
    });
    expect(report.verdict).toBe("pass");
    expect(report.checks.map((c) => c.name)).toEqual([
      "delta(accuracy) >= -0.01",
      "slice(apac): delta(f1) >= -0.03",
      "slice(eu): delta(f1) >= -0.03",
      "slice(us): delta(f1) >= -0.03",
      "accuracy >= 0.85",
    ]);
    expect(report.headline).toMatch(
      /^all 5 checks passed against the baseline \(3000 paired items, 95% intervals\)$/,
    );
    const acc = report.metrics.accuracy;
    expect(acc?.interval?.[0]).toBeGreaterThan(0);
    expect(acc?.intervalOf).toBe("delta");
    expect(report.metrics["f1 [eu]"]?.interval).toHaveLength(2);
    expect(report.charts?.[0]?.kind).toBe("line");
  });

  it("fails a regressed candidate and names what failed", async () => {
    const report = await runPairedGate({
      ...worse,
      gates: ["delta(accuracy) >= -0.01", "slice(eu): delta(f1) >= -0.02"],
      resamples: 500,
    });
    expect(report.verdict).toBe("fail");
    expect(report.headline).toMatch(/^2 of 2 checks failed: delta\(accuracy\) >= -0.01 \(-0\.\d+ \[/);
    expect(report.checks[0]?.message).toMatch(
      /Newcombe paired score interval; on the wrong side of >= -0.01 \(Holm-adjusted p = /,
    );
    expect(report.outputs?.["failed-checks"]).toBe("2");
  });

  it("calls a small, noisy comparison inconclusive and says how many items would decide", async () => {
    const report = await runPairedGate({ ...small, gates: ["delta(accuracy) >= -0.01"] });
    expect(report.verdict).toBe("warn");
    expect(report.checks[0]?.message).toMatch(
      /^inconclusive: .*straddles >= -0.01: at n = 120 the smallest detectable difference is [\d.]+; about [\d,]+ items would decide at 80% power$/,
    );
    expect(report.outputs?.["inconclusive-checks"]).toBe("1");
    const strict = await runPairedGate({
      ...small,
      gates: ["delta(accuracy) >= -0.01"],
      inconclusive: "fail",
    });
    expect(strict.verdict).toBe("fail");
  });

  it("reports slices under the minimum instead of judging them", async () => {
    const report = await runPairedGate({
      ...small,
      gates: ["slice(*): delta(accuracy) >= -0.5"],
      minItems: 50,
    });
    expect(report.checks.every((c) => c.status === "skip")).toBe(true);
    expect(report.checks[0]?.message).toBe("only 40 paired items in slice apac (minimum 50): not judged");
  });

  it("reports ids missing on either side", async () => {
    const rows = classification(200, { baseAcc: 0.9, fix: 0.1, break: 0.01, seed: 4 });
    const candidate = await jsonl("gap-cand.jsonl", rows.cand.slice(0, 190));
    const baseline = await jsonl("gap-base.jsonl", rows.base.slice(5));
    const report = await runPairedGate({ candidate, baseline, gates: ["accuracy >= 0.5"] });
    expect(report.verdict).toBe("warn");
    expect(report.findings.map((f) => f.message)).toEqual([
      '5 item(s) only in the candidate\'s results, left out of every comparison: "i0", "i1", "i2", "i3", "i4"',
      '10 item(s) only in the baseline\'s results, left out of every comparison: "i190", "i191", "i192", "i193", "i194", …',
    ]);
  });

  it("warns when the two files disagree on an item's label (different eval sets?)", async () => {
    const rows = classification(100, { baseAcc: 0.9, fix: 0.1, break: 0.01, seed: 5 });
    const relabelled = rows.base.map((r, i) =>
      i < 3 ? { ...r, label: r.label === "churn" ? "stay" : "churn" } : r,
    );
    const report = await runPairedGate({
      candidate: await jsonl("lab-cand.jsonl", rows.cand),
      baseline: await jsonl("lab-base.jsonl", relabelled),
      gates: ["accuracy >= 0.5"],
    });
    expect(report.verdict).toBe("warn");
    expect(report.findings.map((f) => f.message).join("\n")).toMatch(
      /3 items with a different label in the baseline.*were both evaluated on the same data\?/,
    );
  });

  it("fingerprints the eval set: same ids and labels, same hash, whatever the order", async () => {
    const rows = classification(50, { baseAcc: 0.9, fix: 0.1, break: 0.01, seed: 6 });
    const a = await runPairedGate({
      candidate: await jsonl("fp-a.jsonl", rows.cand),
      gates: ["accuracy >= 0"],
    });
    const b = await runPairedGate({
      candidate: await jsonl("fp-b.jsonl", [...rows.base].reverse()),
      gates: ["accuracy >= 0"],
    });
    const relabelled = rows.cand.map((r, i) => (i === 0 ? { ...r, label: "other" } : r));
    const c = await runPairedGate({
      candidate: await jsonl("fp-c.jsonl", relabelled),
      gates: ["accuracy >= 0"],
    });
    expect(a.outputs?.["eval-set-sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(b.outputs?.["eval-set-sha256"]).toBe(a.outputs?.["eval-set-sha256"]);
    expect(c.outputs?.["eval-set-sha256"]).not.toBe(a.outputs?.["eval-set-sha256"]);
  });

  it("gives the same report for the same seed", async () => {
    const run = () => runPairedGate({ ...better, gates: ["delta(f1) >= 0"], resamples: 300, seed: 7 });
    const [a, b] = [await run(), await run()];
    expect(a.checks).toEqual(b.checks);
  });

  it("judges ranking metrics when a probability column is present", async () => {
    const report = await runPairedGate({
      ...better,
      gates: ["roc_auc >= 0.5", "delta(brier) <= 0.05"],
      resamples: 300,
    });
    expect(report.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
  });

  it("judges per-item scores (pass/fail) and regression results", async () => {
    const rand = lcg(9);
    const scores = (p: number) =>
      Array.from({ length: 400 }, (_, i) => ({ id: `q${i}`, score: rand() < p ? 1 : 0 }));
    const report = await runPairedGate({
      candidate: await jsonl("score-cand.jsonl", scores(0.8)),
      baseline: await jsonl("score-base.jsonl", scores(0.8)),
      gates: ["pass_rate >= 0.7"],
    });
    expect(report.verdict).toBe("pass");

    const reg = (noise: number) =>
      Array.from({ length: 300 }, (_, i) => ({
        id: `r${i}`,
        label: i / 10,
        prediction: i / 10 + (rand() - 0.5) * noise,
      }));
    const regression = await runPairedGate({
      candidate: await jsonl("reg-cand.jsonl", reg(0.2)),
      baseline: await jsonl("reg-base.jsonl", reg(2)),
      gates: ["delta(rmse) <= 0", "r2 >= 0.9"],
      resamples: 300,
    });
    expect(regression.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
  });

  it("explains gates it cannot judge", async () => {
    const onlyCandidate = { candidate: better.candidate };
    await expect(runPairedGate({ ...onlyCandidate, gates: ["delta(accuracy) >= 0"] })).rejects.toThrow(
      /no baseline results were given/,
    );
    await expect(runPairedGate({ ...better, gates: ["acuracy >= 0.9"] })).rejects.toThrow(
      /did you mean "accuracy"/,
    );
    await expect(runPairedGate({ ...better, gates: ["rmse <= 1"] })).rejects.toThrow(
      /rmse needs regression results/,
    );
    await expect(runPairedGate({ ...better, gates: ["slice(mars): accuracy >= 0.9"] })).rejects.toThrow(
      /no slice "mars"/,
    );
    await expect(runPairedGate({ ...better, gates: [] })).rejects.toBeInstanceOf(GateError);
  });
});

describe("must-pass examples", () => {
  it("fails on every must-pass item the candidate newly gets wrong, and lists them", async () => {
    const base = [
      { id: "a", label: "x", prediction: "x" },
      { id: "b", label: "y", prediction: "y" },
      { id: "c", label: "x", prediction: "y" },
      { id: "d", label: "y", prediction: "y" },
    ];
    const cand = [
      { id: "a", label: "x", prediction: "y" },
      { id: "b", label: "y", prediction: "y" },
      { id: "c", label: "x", prediction: "y" },
      { id: "d", label: "y", prediction: "y" },
    ];
    const report = await runPairedGate({
      candidate: await jsonl("mp-cand.jsonl", cand),
      baseline: await jsonl("mp-base.jsonl", base),
      gates: [],
      mustPass: ["a", "b", "c", "zz"],
    });
    expect(report.verdict).toBe("fail");
    expect(report.checks).toEqual([
      {
        name: "must-pass examples (4)",
        status: "fail",
        actual: "1 newly failing",
        expected: "0 newly failing",
        message:
          "1 of 3 must-pass example(s) newly fail (listed with the failing items); 1 failed for the baseline too",
      },
    ]);
    // Listed once, in the table of newly failing items, starred; not repeated as findings.
    expect(report.findings.map((f) => f.message)).toEqual([
      '1 must-pass example(s) are not in the paired results: "zz"',
    ]);
    expect(report.details?.split("\n")).toEqual([
      "Newly failing: 1 item(s) the baseline got right the candidate gets wrong; newly passing: 0.",
      "   id  label  baseline  candidate",
      "★  a   x      x         y",
      "★ must-pass example",
    ]);
  });

  it("lists failing must-pass examples when there is no baseline to compare with", async () => {
    const report = await runPairedGate({
      candidate: await jsonl("mp-alone.jsonl", [
        { id: "a", label: "x", prediction: "y", slice: "fr" },
        { id: "b", label: "y", prediction: "y", slice: "en" },
      ]),
      gates: [],
      mustPass: ["a", "b"],
    });
    expect(report.checks[0]).toMatchObject({ status: "fail", actual: "1 failing" });
    expect(report.details?.split("\n")).toEqual([
      "Failing must-pass examples: 1",
      "   id  slice  label  candidate",
      "★  a   fr     x      y",
      "★ must-pass example",
    ]);
  });

  it("reads a list of ids from a file, and refuses it for aggregate metrics", async () => {
    const { readMustPassIds } = await import("../src/paired/must-pass.js");
    const list = join(dir, "must-pass.txt");
    await writeFile(list, "# regression set\na\n\n  b  # flaky once\n");
    expect(await readMustPassIds(list)).toEqual(["a", "b"]);
    await writeFile(list, '["a", 2]');
    expect(await readMustPassIds(list)).toEqual(["a", "2"]);
    const metrics = join(dir, "agg.json");
    await writeFile(metrics, JSON.stringify({ accuracy: 0.9 }));
    await expect(
      runEvalGate({ candidate: metrics, gates: ["accuracy >= 0.5"], mustPass: ["a"] }),
    ).rejects.toThrow(/must-pass examples need per-item results/);
  });
});

describe("runEvalGate", () => {
  it("reads per-item files statistically and aggregate files by their thresholds", async () => {
    const items = await runEvalGate({ ...better, gates: ["accuracy >= 0.5"] });
    expect(items.notes?.[0]).toMatch(/paired items/);
    const metrics = join(dir, "metrics.json");
    await writeFile(metrics, JSON.stringify({ accuracy: 0.9 }));
    const aggregate = await runEvalGate({ candidate: metrics, gates: ["accuracy >= 0.5"] });
    expect(aggregate.verdict).toBe("pass");
    expect(aggregate.notes?.[0]).toMatch(/No baseline given/);
  });
});

describe("accepted regressions in mlgate.yml", () => {
  it("let a named failing check through and record who accepted it", async () => {
    const { resolveEvalGate } = await import("../src/config.js");
    const config = join(dir, "accept.yml");
    await writeFile(
      config,
      [
        "eval-gate:",
        `  candidate: ${worse.candidate}`,
        `  baseline: ${worse.baseline}`,
        "  resamples: 300",
        "  gates: ['delta(accuracy) >= -0.01']",
        "  accept:",
        "    - metric: accuracy",
        "      reason: new eval set is harder",
        "      by: alice",
        "",
      ].join("\n"),
    );
    const { input } = await resolveEvalGate({}, { cwd: dir, configPath: config });
    const report = await runEvalGate(input);
    expect(report.verdict).toBe("warn");
    expect(report.checks[0]?.message).toMatch(/^accepted by alice: new eval set is harder\. /);
  });
});
