import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { commentMarker, type Finding, makeReport, type Report } from "@mlgate/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../../../test/harness/index.js";
import { publishReport } from "../src/publish.js";
import { type ActionEnv, actionEnv, prEvent } from "./action-env.js";

let github: FakeGitHub;
let env: ActionEnv;

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github.close());
beforeEach(() => github.reset());
afterEach(() => env.restore());

const passing = (): Report =>
  makeReport({
    gate: "eval-gate",
    verdict: "pass",
    headline: "All 3 thresholds met",
    checks: [{ name: "accuracy >= 0.92", status: "pass", actual: "0.94", expected: ">= 0.92" }],
    outputs: { "failed-checks": "0" },
  });

const failing = (findings: Finding[] = []): Report =>
  makeReport({ gate: "eval-gate", verdict: "fail", headline: "1 of 3 thresholds failed", findings });

describe("publishReport", () => {
  it("writes the report file, outputs and summary, and leaves a passing step alone", async () => {
    env = actionEnv();
    await publishReport(passing());
    const path = join(env.runnerTemp, "mlgate", "eval-gate-report.json");
    expect(JSON.parse(readFileSync(path, "utf8"))).toMatchObject({ verdict: "pass", gate: "eval-gate" });

    const outputs = env.outputs();
    expect(outputs).toMatchObject({
      verdict: "pass",
      headline: "All 3 thresholds met",
      report: path,
      "failed-checks": "0",
    });
    expect(JSON.parse(outputs["report-json"]!)).toEqual(JSON.parse(readFileSync(path, "utf8")));
    expect(outputs["report-json"]).not.toContain("\n");
    expect(env.summary()).toContain("All 3 thresholds met");
    expect(process.exitCode).toBeUndefined();
    expect(env.commands().annotations).toEqual([]);
  });

  it("fails the step with the headline, after everything else is published", async () => {
    env = actionEnv();
    await publishReport(failing(), { reportPath: join(env.dir, "custom", "r.json") });
    expect(existsSync(join(env.dir, "custom", "r.json"))).toBe(true);
    expect(env.outputs().report).toBe(join(env.dir, "custom", "r.json"));
    expect(process.exitCode).toBe(1);
    const annotations = env.commands().annotations;
    expect(annotations.at(-1)).toEqual({ level: "error", message: "1 of 3 thresholds failed" });
    expect(env.stdout().trimEnd().endsWith("::error::1 of 3 thresholds failed")).toBe(true);
  });

  it("says an error verdict means the gate could not judge", async () => {
    env = actionEnv();
    await publishReport(
      makeReport({ gate: "eval-gate", verdict: "error", headline: "metrics.json: not found" }),
    );
    expect(process.exitCode).toBe(1);
    expect(env.commands().annotations.at(-1)?.message).toBe(
      "mlgate could not judge: metrics.json: not found",
    );
  });

  it("annotates the most severe findings first, within GitHub's per-step limits", async () => {
    env = actionEnv();
    const findings: Finding[] = [
      ...Array.from(
        { length: 12 },
        (_, i): Finding => ({ rule: "r", level: "warn", message: `w${i}`, file: "a.py", line: i + 1 }),
      ),
      ...Array.from(
        { length: 15 },
        (_, i): Finding => ({
          rule: "r",
          level: "fail",
          message: `f${i}`,
          file: "b.py",
          line: i + 1,
          column: 2,
        }),
      ),
      { rule: "r", level: "info", message: "i0", file: "c.py" },
      { rule: "r", level: "fail", message: "no file, no annotation" },
    ];
    await publishReport(failing(findings));
    const annotations = env.commands().annotations;
    const errors = annotations.filter((a) => a.level === "error");
    const warnings = annotations.filter((a) => a.level === "warning");
    // One error slot stays free for the failure message itself, one warning slot for a comment problem.
    expect(errors).toHaveLength(10);
    expect(errors[0]).toEqual({
      level: "error",
      message: "f0",
      file: "b.py",
      line: 1,
      col: 2,
      title: "eval-gate: r",
    });
    expect(warnings).toHaveLength(9);
    expect(annotations.map((a) => a.level).indexOf("warning")).toBeGreaterThan(
      annotations.map((a) => a.level).indexOf("error"),
    );
    expect(annotations.filter((a) => a.level === "notice")).toEqual([
      { level: "notice", message: "i0", file: "c.py", title: "eval-gate: r" },
    ]);
    expect(env.stdout()).toContain("9 more finding(s) with a file location are not shown as annotations");
  });

  it("honours summary: false and annotations: false", async () => {
    env = actionEnv();
    await publishReport(failing([{ rule: "r", level: "warn", message: "w", file: "a.py" }]), {
      summary: false,
      annotations: false,
    });
    expect(env.summary()).toBe("");
    expect(env.commands().annotations.filter((a) => a.level === "warning")).toEqual([]);
  });

  it("keeps huge reports out of report-json and the summary under GitHub's 1 MiB", async () => {
    env = actionEnv();
    const findings = Array.from(
      { length: 3000 },
      (_, i): Finding => ({ rule: "big", level: "warn", message: `${"x".repeat(400)} ${i}` }),
    );
    await publishReport(
      makeReport({ gate: "eval-gate", verdict: "warn", headline: "many warnings", findings }),
    );
    const outputs = env.outputs();
    expect(outputs["report-json"]).toBeUndefined();
    expect(existsSync(outputs.report!)).toBe(true);
    expect(Buffer.byteLength(env.summary())).toBeLessThan(1024 * 1024);
    expect(env.summary()).toContain("many warnings");
  });

  it("refuses gate outputs that would shadow the standard ones", async () => {
    env = actionEnv();
    await publishReport({ ...passing(), outputs: { verdict: "pass-ish", extra: "1" } });
    expect(env.outputs()).toMatchObject({ verdict: "pass", extra: "1" });
    expect(env.commands().annotations).toEqual([
      { level: "warning", message: 'gate output "verdict" clashes with a standard output; ignored' },
    ]);
  });
});

describe("publishReport: pull-request comment", () => {
  const marker = commentMarker("eval-gate", "default");

  it("creates the sticky comment, then updates it on the next run", async () => {
    env = actionEnv({ event: prEvent(7), apiUrl: github.url });
    await publishReport(failing(), { token: github.token });
    await publishReport(passing(), { token: github.token });
    const comments = github.comments("acme", "models", 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(marker)).toBe(true);
    expect(comments[0]!.body).toContain("All 3 thresholds met");
  });

  it("keeps one comment per comment key", async () => {
    env = actionEnv({ event: prEvent(8), apiUrl: github.url });
    await publishReport(passing(), { token: github.token, commentKey: "small-model" });
    await publishReport(passing(), { token: github.token, commentKey: "large-model" });
    expect(github.comments("acme", "models", 8)).toHaveLength(2);
  });

  it("on-failure: no new comment for a pass, but an earlier failure comment turns green", async () => {
    env = actionEnv({ event: prEvent(9), apiUrl: github.url });
    await publishReport(passing(), { token: github.token, comment: "on-failure" });
    expect(github.comments("acme", "models", 9)).toHaveLength(0);
    await publishReport(failing(), { token: github.token, comment: "on-failure" });
    await publishReport(passing(), { token: github.token, comment: "on-failure" });
    const comments = github.comments("acme", "models", 9);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("All 3 thresholds met");
  });

  it("skips the comment without a token, off pull requests, or when disabled", async () => {
    env = actionEnv({ event: prEvent(10), apiUrl: github.url });
    await publishReport(failing());
    await publishReport(failing(), { token: github.token, comment: false });
    env.restore();
    env = actionEnv({ apiUrl: github.url });
    await publishReport(failing(), { token: github.token });
    expect(github.calls).toHaveLength(0);
  });

  it("turns a refused comment (fork PR, read-only token) into a warning, not a failure", async () => {
    env = actionEnv({ event: prEvent(11), apiUrl: github.url });
    github.failNext(Number.POSITIVE_INFINITY, 403, { method: "POST" });
    await publishReport(passing(), { token: github.token });
    expect(process.exitCode).toBeUndefined();
    const warnings = env.commands().annotations.filter((a) => a.level === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/could not comment on pull request #11: Resource not accessible/);
    expect(warnings[0]!.message).toContain("pull-requests: write");
    expect(env.outputs().verdict).toBe("pass");
  });
});
