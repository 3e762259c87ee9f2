/**
 * contract-diff's committed bundle, run as the GitHub runner runs it, in a git checkout whose
 * base branch holds v1 of the serving API: a breaking v2 fails with a sticky comment, an exception
 * with a reason lets it pass, an expired exception fails again.
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Report } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, pullRequestEvent, runAction, startFakeGitHub } from "./harness/index.js";

const ACTION = resolve(import.meta.dirname, "../actions/contract-diff");
const EXAMPLES = resolve(import.meta.dirname, "../examples/contract");
const PR = 12;

let github: FakeGitHub;
let workspace: string;

const git = (...args: string[]) =>
  execFileSync(
    "git",
    ["-c", "user.name=ci", "-c", "user.email=ci@example.com", "-c", "init.defaultBranch=main", ...args],
    {
      cwd: workspace,
      encoding: "utf8",
    },
  );

const exception = (expires: string) =>
  [
    "version: 1",
    "contract-diff:",
    "  base: main:api/openapi.yaml",
    "  head: api/openapi.yaml",
    "  exceptions:",
    "    - rule: schema.request-required-property-added",
    "      path: /components/schemas/PredictRequest/properties/model_version",
    "      reason: every client pins a model version since SDK 2.3",
    "      by: alice",
    `      expires: ${expires}`,
    "",
  ].join("\n");

beforeAll(async () => {
  github = await startFakeGitHub();
  workspace = await mkdtemp(join(tmpdir(), "mlgate-contract-action-"));
  await mkdir(join(workspace, "api"), { recursive: true });
  git("init", "-q");
  await writeFile(join(workspace, "api", "openapi.yaml"), await readFile(join(EXAMPLES, "openapi-v1.yaml")));
  git("add", ".");
  git("commit", "-q", "-m", "serving API v1");
  // The pull request's working tree: v2 on a branch.
  git("checkout", "-q", "-b", "retrain");
  await writeFile(join(workspace, "api", "openapi.yaml"), await readFile(join(EXAMPLES, "openapi-v2.yaml")));
});

afterAll(async () => {
  await github.close();
});

const comments = () => github.comments("acme", "models", PR);

describe("contract-diff action", () => {
  it("fails a breaking v2 with annotations, outputs and one sticky comment", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: PR }),
      inputs: {
        base: "main:api/openapi.yaml",
        head: "api/openapi.yaml",
        output: "reports/contract.sarif",
        changelog: "reports/CHANGES.md",
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.outputs.verdict).toBe("fail");
    expect(run.outputs.headline).toBe(
      "1 breaking change: POST /v1/predict: request body: new required property `model_version`",
    );
    expect(run.outputs).toMatchObject({
      breaking: "1",
      dangerous: "0",
      safe: "1",
      accepted: "0",
      kind: "openapi",
    });
    expect(run.outputs.changelog).toContain("### POST /v1/predict");
    expect(await readFile(join(workspace, "reports", "CHANGES.md"), "utf8")).toBe(run.outputs.changelog);

    const error = run.annotations.find((a) => a.level === "error" && a.message.includes("model_version"));
    expect(error).toMatchObject({
      file: "api/openapi.yaml",
      title: "contract-diff: schema.request-required-property-added",
    });
    const v2 = (await readFile(join(workspace, "api", "openapi.yaml"), "utf8")).split("\n");
    expect(v2[(error?.line ?? 0) - 1]).toMatch(/model_version:/);

    const report = JSON.parse(await readFile(run.outputs.report ?? "", "utf8")) as Report;
    const finding = report.findings.find((f) => f.rule === "schema.request-required-property-added");
    expect(finding?.properties?.counterExample).toMatchObject({ direction: "request" });
    const sarif = JSON.parse(await readFile(join(workspace, "reports", "contract.sarif"), "utf8"));
    expect(sarif.runs[0].results[0].properties.fingerprint).toMatch(/^[0-9a-f]{32}$/);

    expect(comments()).toHaveLength(1);
    const body = comments()[0]?.body ?? "";
    expect(body).toContain("<!-- mlgate:");
    expect(body).toContain("POST /v1/predict\n  ✗ breaking");
    expect(body).toContain("GET /v1/models");
  });

  it("passes once an exception with a reason accepts the change, updating the same comment", async () => {
    const firstId = comments()[0]?.id;
    await writeFile(join(workspace, "mlgate.yml"), exception("2999-12-31"));
    const run = await runAction(ACTION, { github, cwd: workspace, event: pullRequestEvent({ number: PR }) });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe("pass");
    expect(run.outputs.headline).toBe("no breaking changes (1 safe, 1 accepted)");
    expect(run.outputs.accepted).toBe("1");
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.id).toBe(firstId);
    expect(comments()[0]?.body).toContain("accepted until 2999-12-31 by alice");
  });

  it("fails again when the exception has expired, pointing at it in mlgate.yml", async () => {
    await writeFile(join(workspace, "mlgate.yml"), exception("2020-01-01"));
    const run = await runAction(ACTION, { github, cwd: workspace, event: pullRequestEvent({ number: PR }) });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("fail");
    expect(run.outputs.headline).toMatch(
      /^1 breaking change: .*; 1 expired exception \(schema\.request-required-property-added since 2020-01-01\)$/,
    );
    const expired = run.annotations.find((a) => a.message.includes("expired on 2020-01-01"));
    expect(expired).toMatchObject({ file: "mlgate.yml", line: 6 });
    expect(comments()).toHaveLength(1);
  });

  it("explains a missing config file and a base revision the clone does not have", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: {
        base: "origin/main:api/openapi.yaml",
        head: "api/openapi.yaml",
        comment: "false",
        config: "none.yml",
      },
    });
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs.headline).toContain("config file not found");
    const unknown = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { base: "origin/main:api/openapi.yaml", head: "api/openapi.yaml", comment: "false" },
      env: { INPUT_CONFIG: "" },
    });
    expect(unknown.outputs.verdict).toBe("error");
    expect(unknown.outputs.headline).toMatch(/unknown git ref origin\/main — fetch it first/);
  });

  it("rejects a bad input value with the input's name", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { "fail-on": "sometimes", comment: "false" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs.headline).toContain('input "fail-on"');
  });
});
