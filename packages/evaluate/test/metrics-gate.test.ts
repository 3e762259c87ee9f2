import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GateError } from "@mlgate/core";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveEvalGate } from "../src/config.js";
import { runMetricsGate } from "../src/metrics-gate.js";

let dir: string;
let candidate: string;
let baseline: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-gate-"));
  candidate = join(dir, "candidate.json");
  baseline = join(dir, "baseline.json");
  await writeFile(candidate, JSON.stringify({ accuracy: 0.93, f1: 0.871, p95_ms: 20 }));
  await writeFile(baseline, JSON.stringify({ accuracy: 0.92, f1: 0.88, p95_ms: 16 }));
});

describe("runMetricsGate", () => {
  it("passes when every threshold holds, and says so in one line", async () => {
    const report = await runMetricsGate({
      candidate,
      baseline,
      gates: ["accuracy >= 0.92", "delta(accuracy) >= 0"],
    });
    expect(report.verdict).toBe("pass");
    expect(report.headline).toBe("all 2 checks passed against the baseline");
    expect(report.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
    expect(report.metrics.accuracy).toEqual({ value: 0.93, baseline: 0.92 });
  });

  it("fails on a regression against the baseline and names it in the headline", async () => {
    const report = await runMetricsGate({
      candidate,
      baseline,
      gates: ["accuracy >= 0.9", "delta(f1) >= -0.005", "ratio(p95_ms) <= 1.10"],
    });
    expect(report.verdict).toBe("fail");
    expect(report.headline).toMatch(/^2 of 3 checks failed: /);
    expect(report.headline).toContain("f1");
    expect(report.headline).toContain("p95_ms");
    expect(report.outputs?.["failed-checks"]).toBe("2");
    expect(JSON.parse(report.outputs?.metrics ?? "{}")).toEqual({ accuracy: 0.93, f1: 0.871, p95_ms: 20 });
  });

  it("warns (and passes) when only warn-level thresholds are lost", async () => {
    const report = await runMetricsGate({ candidate, gates: ["accuracy >= 0.9", "warn: accuracy >= 0.95"] });
    expect(report.verdict).toBe("warn");
    expect(report.headline).toMatch(/1 warning/);
  });

  it("draws candidate against baseline for gated scores", async () => {
    const report = await runMetricsGate({
      candidate,
      baseline,
      gates: ["accuracy >= 0.9", "delta(f1) >= -0.05"],
    });
    expect(report.charts?.[0]).toMatchObject({ kind: "bar", x: ["accuracy", "f1"] });
  });

  it("errors when a gate needs a baseline that was not given", async () => {
    await expect(runMetricsGate({ candidate, gates: ["delta(f1) >= 0"] })).rejects.toBeInstanceOf(GateError);
  });

  it("judges a metric named __proto__ like any other", async () => {
    const odd = join(dir, "odd.json");
    await writeFile(odd, '{"__proto__": 0.4}');
    const report = await runMetricsGate({ candidate: odd, baseline: odd, gates: ['"__proto__" >= 0.5'] });
    expect(report.verdict).toBe("fail");
    expect(Object.keys(report.metrics)).toEqual(["__proto__"]);
  });

  it("refuses slice-scoped gates on an aggregate metrics file", async () => {
    await expect(runMetricsGate({ candidate, gates: ["slice(fr): accuracy >= 0.8"] })).rejects.toThrow(
      /slice gates need per-item results/,
    );
  });

  it("errors when there is nothing to check", async () => {
    await expect(runMetricsGate({ candidate, gates: [] })).rejects.toThrow(/no gates to check/);
  });
});

describe("resolveEvalGate", () => {
  it("reads the config file, resolves its paths from the file's directory, and lets flags win", async () => {
    const sub = join(dir, "cfg");
    await writeFile(
      join(dir, "mlgate.yml"),
      "eval-gate:\n  candidate: candidate.json\n  baseline: baseline.json\n  gates: ['accuracy >= 0.5']\n",
    );
    const fromFile = await resolveEvalGate({}, { cwd: dir });
    expect(fromFile.input).toEqual({ candidate, baseline, gates: ["accuracy >= 0.5"] });
    expect(fromFile.report).toEqual({});

    const overridden = await resolveEvalGate(
      { candidate: "other.json", gates: ["f1 >= 0.1"] },
      { cwd: sub, configPath: join(dir, "mlgate.yml") },
    );
    expect(overridden.input).toEqual({ candidate: join(sub, "other.json"), baseline, gates: ["f1 >= 0.1"] });
  });

  it("reads the report block, with output paths relative to the config file", async () => {
    const path = join(dir, "with-report.yml");
    await writeFile(
      path,
      "eval-gate:\n  candidate: candidate.json\n  report:\n    comment: on-failure\n    outputs: [out/r.sarif]\n",
    );
    const resolved = await resolveEvalGate({}, { cwd: tmpdir(), configPath: path });
    expect(resolved.report).toEqual({ comment: "on-failure", outputs: [join(dir, "out/r.sarif")] });
  });

  it("names the key path of a bad config value", async () => {
    const path = join(dir, "bad.yml");
    await writeFile(path, "eval-gate:\n  candidate: 12\n  gates:\n    - accuracy >> 0.9\n");
    const error = await resolveEvalGate({}, { cwd: dir, configPath: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GateError);
    expect(String((error as Error).message)).toMatch(/eval-gate\.(candidate|gates)/);
  });

  it("refuses a misspelt section name instead of ignoring it", async () => {
    const path = join(dir, "typo.yml");
    await writeFile(path, "eval-gat:\n  candidate: candidate.json\n");
    await expect(resolveEvalGate({}, { cwd: dir, configPath: path })).rejects.toThrow(
      /no "eval-gate" section but has "eval-gat"/,
    );
  });

  it("errors when no candidate is given anywhere", async () => {
    const empty = await mkdtemp(join(tmpdir(), "mlgate-empty-"));
    await expect(resolveEvalGate({ gates: ["a > 1"] }, { cwd: empty })).rejects.toThrow(
      /no candidate metrics file/,
    );
  });
});
