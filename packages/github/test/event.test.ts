import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { pullRequestFromEvent } from "../src/event.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-event-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

async function withEvent(name: string, payload: unknown, repository = "acme/models"): Promise<void> {
  const file = join(dir, `${name}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof payload === "string" ? payload : JSON.stringify(payload));
  vi.stubEnv("GITHUB_EVENT_PATH", file);
  vi.stubEnv("GITHUB_EVENT_NAME", name);
  vi.stubEnv("GITHUB_REPOSITORY", repository);
}

describe("pullRequestFromEvent", () => {
  it("reads pull_request and pull_request_target payloads", async () => {
    const payload = { number: 7, pull_request: { number: 7, head: { sha: "abc123" } } };
    await withEvent("pull_request", payload);
    expect(pullRequestFromEvent()).toEqual({ owner: "acme", repo: "models", number: 7, headSha: "abc123" });
    await withEvent("pull_request_target", payload, "octo/other");
    expect(pullRequestFromEvent()).toEqual({ owner: "octo", repo: "other", number: 7, headSha: "abc123" });
  });

  it("reads an issue_comment on a pull request, but not on a plain issue", async () => {
    await withEvent("issue_comment", { issue: { number: 12, pull_request: { url: "…" } } });
    expect(pullRequestFromEvent()).toEqual({ owner: "acme", repo: "models", number: 12 });
    await withEvent("issue_comment", { issue: { number: 13 } });
    expect(pullRequestFromEvent()).toBeUndefined();
  });

  it("reads a workflow_run triggered by a pull request", async () => {
    await withEvent("workflow_run", {
      workflow_run: { pull_requests: [{ number: 5, head: { sha: "def" } }] },
    });
    expect(pullRequestFromEvent()).toEqual({ owner: "acme", repo: "models", number: 5, headSha: "def" });
    await withEvent("workflow_run", { workflow_run: { pull_requests: [] } });
    expect(pullRequestFromEvent()).toBeUndefined();
  });

  it("falls back to the payload's repository when GITHUB_REPOSITORY is unset", async () => {
    await withEvent("pull_request", {
      pull_request: { number: 3 },
      repository: { name: "models", owner: { login: "acme" } },
    });
    vi.stubEnv("GITHUB_REPOSITORY", "");
    expect(pullRequestFromEvent()).toEqual({ owner: "acme", repo: "models", number: 3 });
  });

  it("returns undefined off pull requests and for missing or broken payloads", async () => {
    await withEvent("push", { ref: "refs/heads/main" });
    expect(pullRequestFromEvent()).toBeUndefined();
    await withEvent("pull_request", "{ not json");
    expect(pullRequestFromEvent()).toBeUndefined();
    vi.stubEnv("GITHUB_EVENT_PATH", join(dir, "missing.json"));
    expect(pullRequestFromEvent()).toBeUndefined();
    vi.stubEnv("GITHUB_EVENT_PATH", "");
    expect(pullRequestFromEvent()).toBeUndefined();
  });
});
