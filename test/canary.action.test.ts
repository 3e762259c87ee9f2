/**
 * canary's committed bundle, run as the GitHub runner runs it, against example model servers on
 * loopback and a loopback GitHub API: a promotion and a rollback on the embedded router with the
 * progress recorded as deployment statuses; a job killed mid-step whose post step rolls real nginx
 * back; re-runs that resume or clean up; and the command line.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseUpstream, renderUpstream } from "@mlgate/canary";
import type { Report } from "@mlgate/core";
import { request } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CanaryModelServer, startCanaryModelServer } from "../examples/canary/model-server.js";
import { type Nginx, startNginx } from "../examples/canary/real-parts.js";
import { exampleBodies } from "../examples/serve/index.js";
import { canaryCommand } from "../packages/cli/src/commands/canary.js";
import { type FakeGitHub, parseKeyValueFile, runAction, startFakeGitHub } from "./harness/index.js";

const ACTION = resolve(import.meta.dirname, "../actions/canary");
const OWNER = "acme";
const REPO = "models";

let baseline: CanaryModelServer;
let good: CanaryModelServer;
let slow: CanaryModelServer;
let failing: CanaryModelServer;
let github: FakeGitHub;
let workspace: string;

beforeAll(async () => {
  [baseline, good, slow, failing, github] = await Promise.all([
    startCanaryModelServer({ version: "v1", latencyMs: 1 }),
    startCanaryModelServer({ version: "v2", latencyMs: 1 }),
    startCanaryModelServer({ version: "v3", latencyMs: 40 }),
    startCanaryModelServer({ version: "v4", latencyMs: 1, errorEvery: 2 }),
    startFakeGitHub(),
  ]);
  workspace = await mkdtemp(join(tmpdir(), "mlgate-canary-action-"));
  await writeFile(
    join(workspace, "bodies.jsonl"),
    exampleBodies(100)
      .map((b) => JSON.stringify(b))
      .join("\n"),
  );
  await writeFile(
    join(workspace, "mlgate.yml"),
    [
      "version: 1",
      "canary:",
      "  versions: { baseline: v1, candidate: v2 }",
      "  min-samples: 20",
      "  probe:",
      "    rate: 60/s",
      "    warmup: 500ms",
      "    body-file: bodies.jsonl",
      '    prediction: "$.probabilities[1]"',
      "  gates:",
      "    - p95 < 5s",
      "    - error_rate < 5%",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await Promise.allSettled([
    baseline?.close(),
    good?.close(),
    slow?.close(),
    failing?.close(),
    github?.close(),
  ]);
  await rm(workspace, { recursive: true, force: true });
});

beforeEach(() => github.reset());

const endpoints = (candidate: CanaryModelServer) => ({
  baseline: `${baseline.url}/v1/predict`,
  candidate: `${candidate.url}/v1/predict`,
  "candidate-version": candidate.version,
  comment: "false",
});

function statuses() {
  return github.deployments(OWNER, REPO).map((d) => d.statuses.map((s) => `${s.state}: ${s.description}`));
}

describe("canary action on the embedded router", () => {
  it("promotes a good candidate, records each step as a deployment status, and its post step has nothing to do", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { ...endpoints(good), steps: "50% 1s, 100%", interval: "250ms" },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      verdict: "pass",
      result: "promoted",
      "final-weight": "100",
      "steps-completed": "2",
      "rolled-back": "false",
      reason: "",
    });
    expect(run.outputs.headline).toBe(
      "promoted v2 to 100% after 2 step(s): no metric was worse than the baseline",
    );
    const report = JSON.parse(await readFile(run.outputs.report!, "utf8")) as Report;
    expect(report.checks.map((c) => `${c.name}: ${c.status}`)).toEqual([
      "p95 < 5s: pass",
      "error_rate < 5%: pass",
      "p95: candidate vs baseline (sequential): pass",
      "error_rate: candidate vs baseline (sequential): pass",
      "score: candidate vs baseline (psi): pass",
      "score: candidate vs baseline (ks): pass",
    ]);
    expect(run.summary).toContain("```mermaid");
    expect(run.summary).toContain("Candidate's share of traffic over the rollout");

    const [deployment, ...others] = github.deployments(OWNER, REPO);
    expect(others).toEqual([]);
    expect(deployment).toMatchObject({
      environment: "production",
      task: "deploy:canary",
      ref: "f".repeat(40),
      payload: { tool: "mlgate canary", candidate: "v2", baseline: "v1", steps: 2 },
    });
    expect(statuses()).toEqual([
      [
        "in_progress: canary starting 1/2 at 0%",
        "in_progress: canary step 1/2 at 50%",
        "success: canary promoted 2/2 at 100%",
      ],
    ]);
    expect(deployment!.statuses[1]!.log_url).toBe("https://github.com/acme/models/actions/runs/1234567890");

    const post = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { ...endpoints(good), steps: "50% 1s, 100%" },
      env: Object.fromEntries(Object.entries(run.state).map(([k, v]) => [`STATE_${k}`, v])),
    });
    expect(post.exitCode, post.stdout).toBe(0);
    expect(post.stdout).toContain(
      "the main step finished the rollout (or never began one); nothing to clean up",
    );
    expect(statuses()[0]).toHaveLength(3);
  });

  it("rolls back a slow candidate at the first step: the reason comes first", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { ...endpoints(slow), steps: "25% 2s, 50% 2s, 100%", interval: "250ms" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({
      verdict: "fail",
      result: "rolled-back",
      "final-weight": "0",
      "steps-completed": "0",
      "rolled-back": "true",
    });
    expect(run.outputs.headline).toMatch(
      /^p95: the candidate is \d+(\.\d+)?% above the baseline \(sequential test of geometric means, 99% interval \+[\d.]+% to \+[\d.]+%, p = [\d.e-]+ after Holm\) — rolled back at step 1\/3 \(25%\); the baseline serves all traffic \(verified\)$/,
    );
    expect(run.failedMessage).toBe(run.outputs.headline);
    expect(run.outputs.reason).toBe(run.outputs.headline!.split(" — ")[0]);
    const last = statuses()[0]!.at(-1)!;
    expect(last).toMatch(/^failure: canary rolled-back 1\/3 at 0%: p95: the candidate is/);
    expect(last.length).toBeLessThanOrEqual("failure: ".length + 140);
  });
});

describe("canary re-runs", () => {
  it("resumes the same candidate at the step an earlier run reached", async () => {
    github.addDeployment(OWNER, REPO, {
      environment: "production",
      task: "deploy:canary",
      payload: { tool: "mlgate canary", candidate: "v2", baseline: "v1", steps: 3 },
      statuses: [{ state: "in_progress", description: "canary step 2/3 at 50%" }],
    });
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { ...endpoints(good), steps: "25% 1s, 50% 1s, 100%", interval: "250ms" },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.stdout).toContain(
      "resuming the rollout of v2 at step 2 (step at 50% when the last run ended)",
    );
    expect(run.outputs).toMatchObject({ verdict: "pass", "steps-completed": "2", "final-weight": "100" });
    expect(statuses()).toEqual([
      [
        "in_progress: canary step 2/3 at 50%",
        "in_progress: canary step 2/3 at 50%",
        "success: canary promoted 3/3 at 100%",
      ],
    ]);
  });

  it("rolls back another candidate an earlier run left open, then starts its own rollout", async () => {
    github.addDeployment(OWNER, REPO, {
      environment: "production",
      task: "deploy:canary",
      payload: { tool: "mlgate canary", candidate: "v9", baseline: "v1", steps: 3 },
      statuses: [{ state: "in_progress", description: "canary step 1/3 at 25%" }],
    });
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { ...endpoints(good), steps: "50% 1s, 100%", interval: "250ms" },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(statuses()).toEqual([
      [
        "in_progress: canary step 1/3 at 25%",
        "failure: canary rolled-back 1/3 at 0%: cleaned up by a later run (an earlier run left v9 at 25%)",
      ],
      [
        "in_progress: canary starting 1/2 at 0%",
        "in_progress: canary step 1/2 at 50%",
        "success: canary promoted 2/2 at 100%",
      ],
    ]);
  });
});

describe("canary action cancelled mid-step", () => {
  let nginx: Nginx;
  const layout = () => ({ upstream: "model", baseline: [baseline.address], candidate: [good.address] });

  beforeAll(async () => {
    nginx = await startNginx({ upstream: "model", initialUpstream: renderUpstream(layout(), { canary: 0 }) });
  });
  afterAll(async () => {
    await nginx?.stop();
  });

  it("leaves the rollback to the post step, which verifies the baseline in nginx and records why", async () => {
    const config = join(workspace, "nginx.yml");
    await writeFile(
      config,
      [
        "version: 1",
        "canary:",
        "  versions: { baseline: v1, candidate: v2 }",
        "  traffic:",
        "    provider: nginx",
        `    file: ${nginx.upstreamFile}`,
        "    upstream: model",
        `    prefix: ${nginx.prefix}`,
        `    conf: ${nginx.conf}`,
        `    error-log: ${nginx.errorLog}`,
        "  probe: { rate: 20/s, warmup: 200ms, body-file: bodies.jsonl }",
        "",
      ].join("\n"),
    );
    const stateFile = join(workspace, "main-state");
    await writeFile(stateFile, "");
    const inputs = { ...endpoints(good), config, steps: "50% 60s, 100%", interval: "1s" };
    // The runner kills the job: here, the harness's timeout kills the whole process group.
    await expect(
      runAction(ACTION, {
        github,
        cwd: workspace,
        inputs,
        env: { GITHUB_STATE: stateFile },
        timeoutMs: 9000,
      }),
    ).rejects.toThrow(/action timed out after 9000 ms and was killed/);
    const weight = async () =>
      parseUpstream(await readFile(nginx.upstreamFile, "utf8"), layout(), nginx.upstreamFile).canary;
    expect(await weight()).toBe(50);
    expect(statuses()[0]!.at(-1)).toBe("in_progress: canary step 1/2 at 50%");

    const saved = parseKeyValueFile(await readFile(stateFile, "utf8"));
    expect(saved).toEqual({ post: "true", rollout: "started" });
    const post = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs,
      env: Object.fromEntries(Object.entries(saved).map(([k, v]) => [`STATE_${k}`, v])),
    });
    expect(post.exitCode, post.stdout).toBe(0);
    expect(post.stdout).toContain("canary: rolled back; the candidate serves 0% (verified)");
    expect(await weight()).toBe(0);
    const versions = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const res = await request(`${nginx.url}/v1/health`, { reset: true });
      await res.body.dump();
      versions.add(String(res.headers["x-model-version"]));
    }
    expect([...versions]).toEqual(["v1"]);
    expect(statuses()[0]!.at(-1)).toBe(
      "failure: canary rolled-back 1/2 at 0%: the job ended mid-rollout (cancelled or crashed); rolled back by the post step",
    );
  });
});

describe("mlgate canary", () => {
  async function cli(args: string[]) {
    let stdout = "";
    let stderr = "";
    let code = -1;
    const command = canaryCommand(
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: workspace, colorDefault: false },
      (c) => (code = c),
    ).exitOverride();
    await command.parseAsync(args, { from: "user" });
    return { stdout, stderr, code };
  }

  it("runs a canary on the embedded router from flags and records progress in a state file", async () => {
    const state = join(workspace, "cli-state.json");
    const { stdout, stderr, code } = await cli([
      "--provider",
      "embedded",
      "--baseline",
      `${baseline.url}/v1/predict`,
      "--candidate",
      `${failing.url}/v1/predict`,
      "--candidate-version",
      "v4",
      "--steps",
      "20% 2s, 100%",
      "--interval",
      "250ms",
      "--metric",
      "errors=probe:errors|compare=none",
      "--gate",
      "errors < 10%",
      "--state",
      state,
      "--format",
      "json",
    ]);
    expect(code, stderr).toBe(1);
    const report = JSON.parse(stdout) as Report;
    expect(report.headline).toMatch(
      /^errors is [45]\d(\.\d+)?%, limit < 10% — rolled back at step 1\/2 \(20%\); the baseline serves all traffic \(verified\)$/,
    );
    expect(stderr).toMatch(
      /^canary embedded router listening at http:\/\/127\.0\.0\.1:\d+: send traffic there$/m,
    );
    expect(stderr).toContain("canary step 1/2: the candidate serves 20% (verified)");
    const history = (
      JSON.parse(await readFile(state, "utf8")) as { history: { phase: string; weight: number }[] }
    ).history;
    expect(history.map((r) => `${r.phase} ${r.weight}`)).toEqual(["starting 0", "step 20", "rolled-back 0"]);
  });

  it("refuses a plan that does not raise the weight, pointing at the step", async () => {
    const { stdout, code } = await cli([
      "--baseline",
      `${baseline.url}/v1/predict`,
      "--candidate",
      `${good.url}/v1/predict`,
      "--steps",
      "25% 1m, 10% 1m, 100%",
    ]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      '--steps "25% 1m, 10% 1m, 100%": step 2 (10%) does not raise the weight above step 1 (25%) — weights must increase from step to step',
    );
  });

  it("points at the character of a malformed plan", async () => {
    const { stdout, code } = await cli([
      "--baseline",
      `${baseline.url}/v1/predict`,
      "--candidate",
      `${good.url}/v1/predict`,
      "--steps",
      "5% 5m, 25 10m, 100%",
    ]);
    expect(code).toBe(2);
    expect(stdout).toContain('--steps "5% 5m, 25 10m, 100%": expected "%" after the weight at column 10');
    // The text renderer indents the caret block by two more spaces.
    expect(stdout).toContain(`    5% 5m, 25 10m, 100%\n${" ".repeat(13)}^`);
  });
});
