import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOctokit, upsertStickyComment } from "@mlgate/github";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type FakeGitHub,
  parseKeyValueFile,
  parseWorkflowCommands,
  pullRequestEvent,
  runAction,
  startFakeGitHub,
} from "./harness/index.js";

/**
 * A throwaway action that talks to the runner with nothing but process.env, fs and fetch, so the
 * harness is proven against the runner's protocol rather than against our own libraries.
 * (Plain JS, CommonJS; string concatenation instead of template literals to keep this file simple.)
 */
const ACTION_JS = `
const fs = require("node:fs");
const os = require("node:os");
const crypto = require("node:crypto");

function input(name) {
  return (process.env["INPUT_" + name.replace(/ /g, "_").toUpperCase()] || "").trim();
}
function setOutput(name, value) {
  const d = "ghadelimiter_" + crypto.randomUUID();
  fs.appendFileSync(process.env.GITHUB_OUTPUT, name + "<<" + d + os.EOL + value + os.EOL + d + os.EOL);
}
function esc(s) {
  return s.replace(/%/g, "%25").replace(/\\r/g, "%0D").replace(/\\n/g, "%0A");
}
function escProp(s) {
  return esc(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

async function main() {
  const token = input("token");
  if (token) console.log("::add-mask::" + token);
  fs.appendFileSync(process.env.GITHUB_OUTPUT, "greeting=hello " + input("who") + os.EOL);
  setOutput("multi", "line 1\\nline 2");
  setOutput("env-keys", Object.keys(process.env).sort().join(","));
  const inputs = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith("INPUT_")) inputs[k] = v;
  setOutput("inputs", JSON.stringify(inputs));
  setOutput("cwd", process.cwd());
  fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, "## Harness summary" + os.EOL);
  fs.appendFileSync(process.env.GITHUB_STATE, "phase=main" + os.EOL);
  console.log("::group::Details");
  console.log("::warning file=" + escProp("src/a,b.py") + ",line=3,col=7,title=" + escProp("Lint: style") + "::" + esc("50% done\\nsecond line"));
  console.log("::endgroup::");
  console.log("::stop-commands::pause-123");
  console.log("::error::not an annotation while commands are stopped");
  console.log("::pause-123::");
  const event = JSON.parse(fs.readFileSync(process.env.GITHUB_EVENT_PATH, "utf8"));
  if (event.pull_request) {
    const [owner, repo] = process.env.GITHUB_REPOSITORY.split("/");
    const url = process.env.GITHUB_API_URL + "/repos/" + owner + "/" + repo + "/issues/" + event.pull_request.number + "/comments";
    const res = await fetch(url, {
      method: "POST",
      headers: { authorization: "token " + token, "content-type": "application/json", accept: "application/vnd.github+json" },
      body: JSON.stringify({ body: "hello from " + process.env.GITHUB_EVENT_NAME }),
    });
    setOutput("comment-status", String(res.status));
  }
  const mode = input("mode");
  if (mode === "fail") {
    console.log("::error::" + esc("the gate said no\\nreally"));
    process.exitCode = 1;
  }
  if (mode === "hang") setInterval(() => {}, 1000);
}
main().catch((e) => {
  console.log("::error::" + esc(String((e && e.stack) || e)));
  process.exitCode = 1;
});
`;

const ACTION_YML = `
name: throwaway
description: proves the harness speaks the runner's protocol
inputs:
  who:
    description: who to greet
    default: world
  fail-on:
    description: a hyphenated input
    default: fail
  model path:
    description: an input with a space
    required: false
  repo-name:
    description: an expression default
    default: \${{ github.repository }}
  token:
    description: token
    default: \${{ github.token }}
  mode:
    description: pass, fail or hang
    default: pass
runs:
  using: node24
  main: dist/index.js
`;

async function makeAction(root: string, yml = ACTION_YML): Promise<string> {
  const dir = await mkdtemp(join(root, "action-"));
  await mkdir(join(dir, "dist"));
  await writeFile(join(dir, "action.yml"), yml);
  await writeFile(join(dir, "package.json"), '{ "type": "commonjs" }\n');
  await writeFile(join(dir, "dist", "index.js"), ACTION_JS);
  return dir;
}

let root: string;
let actionDir: string;
let github: FakeGitHub;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mlgate-harness-test-"));
  actionDir = await makeAction(root);
  github = await startFakeGitHub();
});

afterAll(async () => {
  await github.close();
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => github.reset());

describe("runAction", () => {
  it("runs the action like the runner: inputs, outputs, summary, annotations, masks, API calls", async () => {
    process.env.MLGATE_HARNESS_SENTINEL = "must-not-leak";
    try {
      const run = await runAction(actionDir, {
        inputs: { who: "harness", "model path": "models/a b.onnx" },
        event: pullRequestEvent({ number: 12 }),
        github,
      });
      expect(run.stderr).toBe("");
      expect(run.exitCode).toBe(0);
      expect(run.failedMessage).toBeUndefined();

      expect(run.outputs.greeting).toBe("hello harness");
      expect(run.outputs.multi).toBe("line 1\nline 2");
      expect(run.outputs.cwd).toBe(run.workspace);
      expect(JSON.parse(run.outputs.inputs!)).toEqual({
        INPUT_WHO: "harness",
        "INPUT_FAIL-ON": "fail",
        INPUT_MODEL_PATH: "models/a b.onnx",
        "INPUT_REPO-NAME": "acme/models",
        INPUT_TOKEN: github.token,
        INPUT_MODE: "pass",
      });

      const envKeys = run.outputs["env-keys"]!.split(",");
      expect(envKeys).not.toContain("MLGATE_HARNESS_SENTINEL");
      expect(envKeys).toEqual(
        expect.arrayContaining([
          "PATH",
          "HOME",
          "GITHUB_ACTIONS",
          "RUNNER_TEMP",
          "GITHUB_EVENT_PATH",
          "RUNNER_OS",
        ]),
      );

      expect(run.summary).toBe("## Harness summary\n");
      expect(run.state).toEqual({ phase: "main" });
      expect(run.groups).toEqual(["Details"]);
      expect(run.annotations).toEqual([
        {
          level: "warning",
          file: "src/a,b.py",
          line: 3,
          col: 7,
          title: "Lint: style",
          message: "50% done\nsecond line",
        },
      ]);
      expect(run.secretsMasked).toEqual([github.token]);

      expect(run.outputs["comment-status"]).toBe("201");
      const comments = github.comments("acme", "models", 12);
      expect(comments.map((c) => [c.body, c.user.login])).toEqual([
        ["hello from pull_request", "github-actions[bot]"],
      ]);
      await run.cleanup();
    } finally {
      delete process.env.MLGATE_HARNESS_SENTINEL;
    }
  });

  it("reports a failed step with its message and exit code", async () => {
    const run = await runAction(actionDir, { inputs: { mode: "fail" } });
    expect(run.exitCode).toBe(1);
    expect(run.failedMessage).toBe("the gate said no\nreally");
    // Without a pull_request event nothing talks to the API.
    expect(run.outputs["comment-status"]).toBeUndefined();
  });

  it("keeps the API unreachable when no fake GitHub is given", async () => {
    const run = await runAction(actionDir, { event: pullRequestEvent() });
    expect(run.exitCode).toBe(1);
    expect(run.failedMessage).toMatch(/fetch failed/);
  });

  it("kills an action that runs past its timeout", async () => {
    const started = Date.now();
    await expect(runAction(actionDir, { inputs: { mode: "hang" }, timeoutMs: 1500 })).rejects.toThrow(
      /timed out after 1500 ms/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("rejects inputs the action does not declare", async () => {
    await expect(runAction(actionDir, { inputs: { fail_on: "warn" } })).rejects.toThrow(
      /fail_on not declared/,
    );
  });

  it("refuses runtimes other than node20/node24", async () => {
    const old = await makeAction(root, ACTION_YML.replace("node24", "node16"));
    await expect(runAction(old)).rejects.toThrow(/node20 or node24/);
  });

  let previousRun: string | undefined;
  it("keeps a run's files until the test ends", async () => {
    const run = await runAction(actionDir);
    previousRun = run.runnerTemp;
    expect(existsSync(run.runnerTemp)).toBe(true);
  });
  it("removes them afterwards", () => {
    expect(previousRun).toBeDefined();
    expect(existsSync(previousRun!)).toBe(false);
  });

  it("lets env override what the harness sets", async () => {
    const run = await runAction(actionDir, {
      env: { GITHUB_REPOSITORY: "octo/other" },
      event: pullRequestEvent({ number: 3, repository: "octo/other" }),
      github,
    });
    expect(JSON.parse(run.outputs.inputs!)["INPUT_REPO-NAME"]).toBe("octo/other");
    expect(github.comments("octo", "other", 3)).toHaveLength(1);
  });
});

describe("workflow command parsing", () => {
  it("decodes escapes in messages and properties", () => {
    const parsed = parseWorkflowCommands(
      "plain log\n  ::error file=a%3Ab%2Cc.py,line=1,endLine=2,endColumn=9,title=t::100%25%0Adone\r\n::notice::n\n::add-mask::s%25x\n",
    );
    expect(parsed.annotations).toEqual([
      {
        level: "error",
        file: "a:b,c.py",
        line: 1,
        endLine: 2,
        endColumn: 9,
        title: "t",
        message: "100%\ndone",
      },
      { level: "notice", message: "n" },
    ]);
    expect(parsed.secretsMasked).toEqual(["s%x"]);
  });

  it("parses GITHUB_OUTPUT lines and heredocs, and rejects an unterminated heredoc", () => {
    expect(parseKeyValueFile("a=1\nb<<EOF\nx=y\n\nz\nEOF\nc=\n")).toEqual({ a: "1", b: "x=y\n\nz", c: "" });
    expect(() => parseKeyValueFile("b<<EOF\nno end\n")).toThrow(/delimiter/);
  });
});

describe("fake GitHub", () => {
  const auth = () => ({ authorization: `token ${github.token}` });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${github.url}${path}`, {
      ...init,
      headers: { ...auth(), "content-type": "application/json", ...(init.headers as Record<string, string>) },
    });

  it("rejects missing or wrong credentials and accepts token and Bearer", async () => {
    const none = await fetch(`${github.url}/rate_limit`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toBe("Requires authentication");
    const wrong = await fetch(`${github.url}/rate_limit`, { headers: { authorization: "token nope" } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toBe("Bad credentials");
    const bearer = await fetch(`${github.url}/rate_limit`, {
      headers: { authorization: `Bearer ${github.token}` },
    });
    expect(bearer.status).toBe(200);
    expect(((await bearer.json()) as { resources: { core: { limit: number } } }).resources.core.limit).toBe(
      5000,
    );
  });

  it("paginates comments with a Link header", async () => {
    for (let i = 0; i < 250; i++) github.addComment("acme", "models", 5, `comment ${i}`);
    const first = await api("/repos/acme/models/issues/5/comments?per_page=100");
    expect(first.status).toBe(200);
    expect((await first.json()) as unknown[]).toHaveLength(100);
    const link = first.headers.get("link")!;
    expect(link).toContain(
      `<${github.url}/repos/acme/models/issues/5/comments?per_page=100&page=2>; rel="next"`,
    );
    expect(link).toContain('page=3>; rel="last"');

    const last = await api("/repos/acme/models/issues/5/comments?per_page=100&page=3");
    const body = (await last.json()) as { body: string }[];
    expect(body.map((c) => c.body).at(-1)).toBe("comment 249");
    expect(body).toHaveLength(50);
    expect(last.headers.get("link")).not.toContain('rel="next"');
    expect(last.headers.get("link")).toContain('rel="prev"');

    const defaults = await api("/repos/acme/models/issues/5/comments");
    expect((await defaults.json()) as unknown[]).toHaveLength(30);
  });

  it("creates, reads, edits and deletes comments with GitHub's status codes", async () => {
    const created = await api("/repos/acme/models/issues/9/comments", {
      method: "POST",
      body: JSON.stringify({ body: "first" }),
    });
    expect(created.status).toBe(201);
    const { id, user, html_url } = (await created.json()) as {
      id: number;
      user: { login: string };
      html_url: string;
    };
    expect(user.login).toBe("github-actions[bot]");
    expect(html_url).toBe(`https://github.com/acme/models/pull/9#issuecomment-${id}`);

    const patched = await api(`/repos/acme/models/issues/comments/${id}`, {
      method: "PATCH",
      body: JSON.stringify({ body: "second" }),
    });
    expect(patched.status).toBe(200);
    expect(github.comments("acme", "models", 9).map((c) => c.body)).toEqual(["second"]);
    expect((await api(`/repos/acme/models/issues/comments/${id}`)).status).toBe(200);

    const missingBody = await api("/repos/acme/models/issues/9/comments", { method: "POST", body: "{}" });
    expect(missingBody.status).toBe(422);
    const badJson = await api("/repos/acme/models/issues/9/comments", { method: "POST", body: "{" });
    expect(badJson.status).toBe(400);

    expect((await api(`/repos/acme/models/issues/comments/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(`/repos/acme/models/issues/comments/${id}`)).status).toBe(404);
    expect((await api("/repos/acme/models/nothing-here")).status).toBe(404);
  });

  it("serves registered pull requests and stores check runs", async () => {
    expect((await api("/repos/acme/models/pulls/4")).status).toBe(404);
    github.addPullRequest("acme", "models", { number: 4, head: { sha: "d".repeat(40) } });
    const pr = (await (await api("/repos/acme/models/pulls/4")).json()) as {
      head: { sha: string; ref: string };
    };
    expect(pr.head).toEqual({ sha: "d".repeat(40), ref: "feature" });

    const post = await api("/repos/acme/models/check-runs", {
      method: "POST",
      body: JSON.stringify({ name: "eval-gate", head_sha: "d".repeat(40), status: "in_progress" }),
    });
    expect(post.status).toBe(201);
    const { id } = (await post.json()) as { id: number };
    const patch = await api(`/repos/acme/models/check-runs/${id}`, {
      method: "PATCH",
      body: JSON.stringify({
        conclusion: "failure",
        output: { title: "2 failed", summary: "…", annotations: [{}] },
      }),
    });
    expect(patch.status).toBe(200);
    expect(github.checkRuns("acme", "models")).toMatchObject([
      { id, name: "eval-gate", status: "completed", conclusion: "failure", output: { title: "2 failed" } },
    ]);
    const invalid = await api("/repos/acme/models/check-runs", { method: "POST", body: '{"name":"x"}' });
    expect(invalid.status).toBe(422);
  });

  it("fails the next requests on demand, optionally only matching ones", async () => {
    github.failNext(2, 500);
    expect((await api("/rate_limit")).status).toBe(500);
    expect((await api("/rate_limit")).status).toBe(500);
    expect((await api("/rate_limit")).status).toBe(200);

    github.failNext(1, 403, { rateLimited: true, method: "POST" });
    expect((await api("/rate_limit")).status).toBe(200);
    const limited = await api("/repos/acme/models/issues/1/comments", {
      method: "POST",
      body: '{"body":"x"}',
    });
    expect(limited.status).toBe(403);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(((await limited.json()) as { message: string }).message).toMatch(/rate limit exceeded/);
    expect(github.comments("acme", "models", 1)).toHaveLength(0);
  });

  it("records every call and refuses bodies over 1 MB", async () => {
    const big = await api("/repos/acme/models/issues/2/comments", {
      method: "POST",
      body: JSON.stringify({ body: "x".repeat(1_100_000) }),
    });
    expect(big.status).toBe(413);
    await api("/repos/acme/models/issues/2/comments?per_page=5", { method: "POST", body: '{"body":"hi"}' });
    expect(github.calls.at(-1)).toMatchObject({
      method: "POST",
      path: "/repos/acme/models/issues/2/comments",
      query: { per_page: "5" },
      body: { body: "hi" },
      status: 201,
      headers: { authorization: `token ${github.token}` },
    });
    expect(github.calls.map((c) => c.status)).toEqual([413, 201]);
  });
});

describe("@mlgate/github against the fake", () => {
  const target = { owner: "acme", repo: "models", issueNumber: 7 };
  const marker = "<!-- mlgate:gate=eval-gate key=default -->";
  let log: string[];

  beforeEach(() => {
    log = [];
    // Octokit's rate-limit warnings go through the runner's workflow commands to stdout.
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      log.push(String(chunk));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  const octokit = () => createOctokit(github.token, { baseUrl: github.url });

  it("creates the sticky comment once, then edits it in place", async () => {
    const first = await upsertStickyComment(octokit(), target, marker, `${marker}\nrun 1`);
    expect(first.action).toBe("created");
    const second = await upsertStickyComment(octokit(), target, marker, `${marker}\nrun 2`);
    expect(second).toMatchObject({ action: "updated", id: first.id });
    const third = await upsertStickyComment(octokit(), target, marker, `${marker}\nrun 2`);
    expect(third).toMatchObject({ action: "unchanged", id: first.id });
    expect(github.calls.filter((c) => c.method === "PATCH")).toHaveLength(1);
    expect(github.comments("acme", "models", 7).map((c) => c.body)).toEqual([`${marker}\nrun 2`]);
  });

  it("prepends the marker when the body lacks it", async () => {
    const result = await upsertStickyComment(octokit(), target, marker, "no marker here");
    expect(result.action).toBe("created");
    expect(github.comments("acme", "models", 7)[0]!.body).toBe(`${marker}\nno marker here`);
  });

  it("finds its comment among more than 100 others, never duplicating it", async () => {
    for (let i = 0; i < 120; i++) github.addComment("acme", "models", 7, `chatter ${i}`);
    // A person quoting the marker must not be mistaken for the bot's comment.
    github.addComment("acme", "models", 7, `> ${marker}\n> quoted`, { login: "reviewer" });
    const mine = github.addComment("acme", "models", 7, `${marker}\nold`, {
      login: "github-actions[bot]",
      type: "Bot",
    });
    for (let i = 0; i < 60; i++) github.addComment("acme", "models", 7, `more chatter ${i}`);

    const result = await upsertStickyComment(octokit(), target, marker, `${marker}\nnew`);
    expect(result).toMatchObject({ action: "updated", id: mine.id });
    expect(github.comments("acme", "models", 7)).toHaveLength(182);
    expect(github.calls.filter((c) => c.method === "GET").map((c) => c.query.page ?? "1")).toEqual([
      "1",
      "2",
    ]);
    expect(github.calls.some((c) => c.method === "POST")).toBe(false);
  });

  it("retries a transient 500 and recovers", async () => {
    github.failNext(1, 500, { method: "GET" });
    const result = await upsertStickyComment(octokit(), target, marker, `${marker}\nafter a blip`);
    expect(result.action).toBe("created");
    expect(github.calls.map((c) => `${c.method} ${c.status}`)).toEqual(["GET 500", "GET 200", "POST 201"]);
  });

  it("waits out a primary rate limit with a warning, a bounded number of times", async () => {
    github.failNext(1, 403, { rateLimited: true, method: "GET", resetInSeconds: 0 });
    const result = await upsertStickyComment(octokit(), target, marker, `${marker}\nthrottled`);
    expect(result.action).toBe("created");
    expect(log.join("")).toMatch(/::warning::GitHub primary rate limit hit on GET .*retrying/);

    github.reset();
    github.failNext(Number.POSITIVE_INFINITY, 403, { rateLimited: true, method: "GET", resetInSeconds: 0 });
    await expect(upsertStickyComment(octokit(), target, marker, "x")).rejects.toMatchObject({ status: 403 });
    // The first try plus two retries, then it gives up.
    expect(github.calls).toHaveLength(3);
    expect(log.join("")).toMatch(/giving up/);
  });

  it("does not retry a permission error (a fork's read-only token)", async () => {
    github.failNext(Number.POSITIVE_INFINITY, 403, { method: "POST" });
    await expect(upsertStickyComment(octokit(), target, marker, "x")).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining("Resource not accessible by integration"),
    });
    expect(github.calls.filter((c) => c.method === "POST")).toHaveLength(1);
  });
});
