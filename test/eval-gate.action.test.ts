/**
 * eval-gate's committed bundle, run as the GitHub runner runs it, against a loopback GitHub API:
 * inputs in, outputs, job summary, annotations, one sticky PR comment, exit status.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Report } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, pullRequestEvent, runAction, startFakeGitHub } from "./harness/index.js";

const ACTION = resolve(import.meta.dirname, "../actions/eval-gate");
const PR = 7;

let github: FakeGitHub;
let workspace: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  workspace = await mkdtemp(join(tmpdir(), "mlgate-eval-action-"));
  await writeFile(
    join(workspace, "candidate.json"),
    JSON.stringify({ accuracy: 0.93, f1: 0.88, slices: { new: { recall: 0.8 } } }),
  );
  await writeFile(
    join(workspace, "regressed.json"),
    JSON.stringify({ accuracy: 0.89, f1: 0.85, slices: { new: { recall: 0.7 } } }),
  );
  await writeFile(
    join(workspace, "baseline.json"),
    JSON.stringify({ accuracy: 0.92, f1: 0.879, slices: { new: { recall: 0.79 } } }),
  );
  await writeFile(
    join(workspace, "mlgate.yml"),
    [
      "version: 1",
      "eval-gate:",
      "  candidate: candidate.json",
      "  baseline: baseline.json",
      "  gates:",
      "    - accuracy >= 0.9",
      "    - delta(f1) >= -0.005",
      "    - delta(slices.new.recall) >= -0.02",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await github.close();
});

const comments = () => github.comments("acme", "models", PR);

describe("eval-gate action", () => {
  it("passes, writes outputs and a summary, and creates one sticky comment", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: PR }),
      inputs: { output: "reports/eval.sarif\nreports/eval.xml" },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe("pass");
    expect(run.outputs.headline).toBe("all 3 checks passed against the baseline");
    expect(run.outputs["failed-checks"]).toBe("0");
    expect(JSON.parse(run.outputs.metrics ?? "")).toEqual({
      accuracy: 0.93,
      f1: 0.88,
      "slices.new.recall": 0.8,
    });

    const report = JSON.parse(await readFile(run.outputs.report ?? "", "utf8")) as Report;
    expect(report).toMatchObject({ gate: "eval-gate", verdict: "pass" });
    expect(JSON.parse(run.outputs["report-json"] ?? "")).toEqual(report);
    expect(JSON.parse(await readFile(join(workspace, "reports/eval.sarif"), "utf8")).version).toBe("2.1.0");
    expect(await readFile(join(workspace, "reports/eval.xml"), "utf8")).toContain("<testsuites");

    expect(run.summary).toContain("eval-gate");
    expect(run.summary).toContain("delta(f1) &gt;= -0.005");
    expect(run.secretsMasked).toContain(github.token);

    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain("<!-- mlgate:");
    expect(
      github.calls.filter((c) => c.method === "POST" && c.path.endsWith(`/issues/${PR}/comments`)),
    ).toHaveLength(1);
  });

  it("fails on a regression: exit status 1, outputs still set, the same comment updated", async () => {
    const firstId = comments()[0]?.id;
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: PR }),
      inputs: { candidate: "regressed.json" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("fail");
    expect(run.outputs["failed-checks"]).toBe("3");
    expect(run.outputs.headline).toMatch(/^3 of 3 checks failed: /);
    expect(run.failedMessage).toBe(run.outputs.headline);
    expect(run.annotations.some((a) => a.level === "error" && a.message.includes("checks failed"))).toBe(
      true,
    );

    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.id).toBe(firstId);
    expect(comments()[0]?.body).toContain("fail");
    expect(
      github.calls.filter((c) => c.method === "PATCH" && c.path.includes("/issues/comments/")),
    ).toHaveLength(1);
  });

  it("lets the gates input replace the config's gates", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: {
        candidate: "regressed.json",
        gates: "accuracy >= 0.8\n# a comment line\nwarn: f1 >= 0.9",
        comment: "false",
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verdict).toBe("warn");
  });

  it("turns a malformed config into an error verdict with a one-line reason", async () => {
    await writeFile(
      join(workspace, "broken.yml"),
      "eval-gate:\n  candidate: candidate.json\n  gates:\n    - accuracy >= 0.9xs\n",
    );
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: PR }),
      inputs: { config: "broken.yml" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs.headline).not.toContain("\n");
    expect(run.outputs.headline).toMatch(/broken\.yml:4:\d+: eval-gate\.gates\[0\]/);
    expect(run.failedMessage).toMatch(/^mlgate could not judge: /);
    // Still one comment, now saying the gate could not judge.
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain("error");
  });

  it("rejects a bad input value with the input's name", async () => {
    const run = await runAction(ACTION, { github, cwd: workspace, inputs: { comment: "sometimes" } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs.headline).toContain('input "comment"');
  });
});

describe("eval-gate action on per-item results", () => {
  it("pairs items, judges with intervals and reports the counts", async () => {
    const rows = (flip: number) =>
      Array.from({ length: 600 }, (_, i) => {
        const label = i % 2 === 0 ? "yes" : "no";
        const right = (i * 7919) % 100 >= flip;
        return JSON.stringify({
          id: `doc-${i}`,
          label,
          prediction: right ? label : label === "yes" ? "no" : "yes",
          slice: i % 3 === 0 ? "fr" : "en",
        });
      }).join("\n");
    await writeFile(join(workspace, "cand.jsonl"), rows(8));
    await writeFile(join(workspace, "base.jsonl"), rows(10));
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: {
        candidate: "cand.jsonl",
        baseline: "base.jsonl",
        gates: "delta(accuracy) >= -0.02\nslice(*): accuracy >= 0.8",
        resamples: "200",
        comment: "false",
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe("pass");
    expect(run.outputs.items).toBe("600");
    expect(run.outputs["inconclusive-checks"]).toBe("0");
    expect(run.summary).toContain("slice(fr): accuracy");
    expect(run.summary).toContain("Newcombe");
  });
});
