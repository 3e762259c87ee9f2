/**
 * eval-gate's committed bundle, run as the GitHub runner runs it, against a loopback GitHub API:
 * inputs in, outputs, job summary, annotations, one sticky PR comment, exit status.
 */
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Report } from "@mlgate/core";
import { zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExampleModels } from "../examples/eval/models.js";
import { type FakeGitHub, pullRequestEvent, pushEvent, runAction, startFakeGitHub } from "./harness/index.js";

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

describe("eval-gate action with a baseline from the base branch", () => {
  // A workspace of its own: no mlgate.yml whose keys would mix in.
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), "mlgate-eval-baseline-action-"));
  });

  /** 400 binary items: the model gets wrong those whose index is in `wrong`. */
  const items = (wrong: (i: number) => boolean) =>
    Array.from({ length: 400 }, (_, i) => {
      const label = i % 2 === 0 ? "spam" : "ham";
      const other = label === "spam" ? "ham" : "spam";
      return JSON.stringify({
        id: `m${i}`,
        label,
        prediction: wrong(i) ? other : label,
        slice: i % 4 === 0 ? "de" : "en",
      });
    }).join("\n");

  const zipDir = async (dir: string) => {
    const files: Record<string, Uint8Array> = {};
    for (const name of await readdir(dir)) files[name] = await readFile(join(dir, name));
    return zipSync(files);
  };

  it("saves a first baseline on main, then a pull request compares against it through the API", async () => {
    github.reset();
    await writeFile(
      join(workspace, "main-results.jsonl"),
      items((i) => i % 20 === 0),
    );
    const gates = "delta(accuracy) >= -0.02\naccuracy >= 0.9";

    // Push to main: no baseline exists yet, so comparisons are skipped and this run saves one.
    const first = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pushEvent({ sha: "d".repeat(40) }),
      inputs: {
        candidate: "main-results.jsonl",
        baseline: "branch:main",
        "save-baseline": "eval-baseline",
        gates,
        comment: "false",
      },
    });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs.verdict).toBe("pass");
    expect(first.outputs["baseline-dir"]).toBe(join(workspace, "eval-baseline"));
    expect(
      first.annotations.some(
        (a) => a.level === "warning" && /no baseline: no successful push run/.test(a.message),
      ),
    ).toBe(true);
    const meta = JSON.parse(await readFile(join(workspace, "eval-baseline", "mlgate-baseline.json"), "utf8"));
    expect(meta).toMatchObject({
      results: "main-results.jsonl",
      commit: "d".repeat(40),
      ref: "refs/heads/main",
    });
    expect(meta.evalSetSha256).toBe(first.outputs["eval-set-sha256"]);

    // What actions/upload-artifact would have stored for that run; a newer run has no artifact.
    const run = github.addWorkflowRun("acme", "models", {
      sha: "d".repeat(40),
      createdAt: "2025-06-01T00:00:00Z",
    });
    github.addArtifact("acme", "models", run.id, {
      name: "mlgate-eval-baseline",
      data: await zipDir(join(workspace, "eval-baseline")),
    });
    github.addWorkflowRun("acme", "models", { createdAt: "2025-06-02T00:00:00Z" });

    // The pull request breaks 30 items main got right.
    await writeFile(
      join(workspace, "pr-results.jsonl"),
      items((i) => i % 20 === 0 || (i % 20 === 7 && i < 600)),
    );
    const pr = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: 11, baseRef: "main" }),
      inputs: { candidate: "pr-results.jsonl", baseline: "branch", gates, "item-changes": "changes.jsonl" },
    });
    expect(pr.exitCode, pr.stdout + pr.stderr).toBe(1);
    expect(pr.outputs["baseline-url"]).toBe(`https://github.com/acme/models/actions/runs/${run.id}`);
    expect(pr.outputs["newly-failing"]).toBe("20");
    expect(pr.outputs["newly-passing"]).toBe("0");
    const report = JSON.parse(await readFile(pr.outputs.report ?? "", "utf8")) as Report;
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ["delta(accuracy) >= -0.02", "fail"],
      ["accuracy >= 0.9", "pass"],
      ["baseline eval set", "pass"],
      ["baseline config", "pass"],
    ]);
    expect(report.notes).toContainEqual(
      expect.stringMatching(
        /^Baseline: artifact "mlgate-eval-baseline" of run #1 on main, commit ddddddd, .*; 1 newer successful run\(s\) had no live artifact of that name\.$/,
      ),
    );
    expect(report.links).toEqual([
      { title: "baseline: run #1 on main (ddddddd)", url: pr.outputs["baseline-url"] },
    ]);
    expect(pr.summary).toContain("of run #&#8203;1 on main");
    expect(pr.summary).toContain("Newly failing: 20 item(s) the baseline got right the candidate gets wrong");
    expect(pr.summary).toMatch(/m7 +en +ham +ham +spam/);
    expect((await readFile(join(workspace, "changes.jsonl"), "utf8")).trim().split("\n")).toHaveLength(20);
    // The archive came from blob storage, without the token.
    expect(github.blobCalls.map((c) => [c.status, c.headers.authorization])).toEqual([[200, undefined]]);
    const listed = github.calls.find((c) => c.path === "/repos/acme/models/actions/runs");
    expect(listed?.query).toMatchObject({ branch: "main", status: "success", event: "push" });
  });

  it("lets a failing comparison through when the pull request carries the label, naming who applied it", async () => {
    const event = pullRequestEvent({ number: 12 });
    (event.payload as { pull_request: { labels: object[] } }).pull_request.labels = [
      { name: "needs-review" },
      { name: "mlgate:accept-regression" },
    ];
    github.addIssueEvent("acme", "models", 12, {
      event: "labeled",
      label: "mlgate:accept-regression",
      actor: { login: "alice" },
      createdAt: "2025-06-03T09:00:00Z",
    });
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event,
      inputs: {
        candidate: "pr-results.jsonl",
        baseline: "branch:main",
        gates: "delta(accuracy) >= -0.02\naccuracy >= 0.9",
        comment: "false",
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe("warn");
    expect(run.outputs.headline).toBe(
      'passed with 1 regression(s) accepted by label "mlgate:accept-regression" (applied by alice on 2025-06-03): delta(accuracy) >= -0.02',
    );
    expect(github.calls.some((c) => c.path === "/repos/acme/models/issues/12/events")).toBe(true);

    // An absolute threshold is not the label's to waive.
    const strict = await runAction(ACTION, {
      github,
      cwd: workspace,
      event,
      inputs: {
        candidate: "pr-results.jsonl",
        baseline: "branch:main",
        gates: "delta(accuracy) >= -0.02\naccuracy >= 0.95",
        comment: "false",
      },
    });
    expect(strict.exitCode).toBe(1);
    expect(strict.outputs.headline).toMatch(/^2 of 4 checks failed: .*; 1 regression\(s\) accepted by label/);
  });

  it("judges behavioural tests beside the results", async () => {
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => ({
        test: "negation",
        test_type: "mft",
        id: `n${i}`,
        label: "ham",
        prediction: i < 2 ? "spam" : "ham",
      })),
      ...Array.from({ length: 6 }, (_, i) => [
        { test: "typos", test_type: "inv", case: `c${i}`, prediction: "ham" },
        { test: "typos", test_type: "inv", case: `c${i}`, prediction: "ham" },
      ]).flat(),
    ];
    await writeFile(join(workspace, "checklist.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
    await writeFile(
      join(workspace, "main-results.jsonl"),
      items((i) => i % 20 === 0),
    );
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: {
        candidate: "main-results.jsonl",
        behavioural: "checklist.jsonl",
        gates: "accuracy >= 0.9\nmft.negation.failure_rate <= 10%",
        comment: "false",
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.headline).toMatch(
      /^1 of 3 checks failed: mft\.negation\.failure_rate <= 10% \(20% \(2\/10\)\)/,
    );
    expect(run.summary).toContain("inv.typos.failure\\_rate &lt;= 5%");
    expect(run.summary).toContain("Behavioural tests: 2 (1 mft, 1 inv); 1 of 2 checks did not hold.");
  });

  it("runs the candidate and baseline ONNX models over the eval dataset itself, then judges", async () => {
    const models = await writeExampleModels(join(workspace, "models"));
    const gates = "delta(accuracy) >= -0.01\nslice(*): delta(accuracy) >= -0.05";
    const common = {
      dataset: "models/eval.jsonl",
      "baseline-model": "models/baseline.onnx",
      columns: "slice=region",
    };
    const good = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { ...common, model: "models/candidate.onnx", gates, comment: "false", resamples: "500" },
    });
    expect(good.stdout).toContain("Run the models over the eval dataset");
    expect(good.outputs.verdict, good.stdout + good.stderr).toBe("pass");
    expect(good.outputs.items).toBe("2000");
    const regressed = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { ...common, model: "models/regressed.onnx", gates, comment: "false", resamples: "500" },
    });
    expect(regressed.exitCode).toBe(1);
    expect(regressed.outputs.verdict).toBe("fail");
    expect(regressed.outputs.headline).toContain("slice(apac)");
    expect(models.dataset).toContain("eval.jsonl");
  });
});
