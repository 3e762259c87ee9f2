/**
 * Baselines fetched through the real Octokit client from the loopback GitHub: runs listed page by
 * page, artifacts downloaded through GitHub's redirect to blob storage, release assets, label events.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "../../../test/harness/index.js";
import { labelApplication } from "../src/baseline/accept-label.js";
import { fetchBranchBaseline } from "../src/baseline/branch.js";
import { describeBaseline } from "../src/baseline/describe.js";
import { fetchReleaseBaseline } from "../src/baseline/release.js";
import { createOctokit } from "../src/octokit.js";

let github: FakeGitHub;
const repo = { owner: "acme", repo: "models" };
const dirs: string[] = [];

beforeAll(async () => {
  github = await startFakeGitHub();
});
afterAll(() => github.close());
beforeEach(() => {
  github.reset();
  // Octokit's retry and rate-limit notices go through the runner's workflow commands to stdout.
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const octokit = () => createOctokit(github.token, { baseUrl: github.url });
const keep = <T extends { dir: string }>(b: T): T => {
  dirs.push(b.dir);
  return b;
};

/** The error a promise rejects with (a test fails when it resolves instead). */
async function rejection(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { hint?: string };
  }
  throw new Error("expected a rejection");
}

const artifactZip = (results: string) =>
  zipSync({
    "results.jsonl": strToU8(results),
    "mlgate-baseline.json": strToU8(JSON.stringify({ schema: 1, results: "results.jsonl" })),
  });

/** `count` successful push runs on main, oldest first, one minute apart. */
function seedRuns(count: number, options: { branch?: string; event?: string } = {}) {
  const start = Date.parse("2025-01-01T00:00:00Z");
  return Array.from({ length: count }, (_, i) =>
    github.addWorkflowRun("acme", "models", {
      branch: options.branch ?? "main",
      event: options.event ?? "push",
      createdAt: new Date(start + i * 60_000).toISOString(),
    }),
  );
}

describe("fetchBranchBaseline", () => {
  it("pages through newer runs without the artifact, follows the redirect, and unpacks the archive", async () => {
    const runs = seedRuns(40);
    // Runs on other branches, failed ones and pull-request runs never count, however new.
    github.addWorkflowRun("acme", "models", { branch: "feature", createdAt: "2026-01-01T00:00:00Z" });
    github.addWorkflowRun("acme", "models", { conclusion: "failure", createdAt: "2026-01-01T00:00:00Z" });
    github.addWorkflowRun("acme", "models", { event: "pull_request", createdAt: "2026-01-01T00:00:00Z" });
    const target = runs[5]!; // 34 newer runs: the answer is on the second page of 30
    github.addArtifact("acme", "models", target.id, {
      name: "mlgate-eval-baseline",
      data: artifactZip("old\n"),
    });
    github.addArtifact("acme", "models", runs[7]!.id, {
      name: "mlgate-eval-baseline",
      data: artifactZip("expired\n"),
      expired: true,
    });
    github.addArtifact("acme", "models", runs[30]!.id, { name: "other-artifact", data: artifactZip("no\n") });

    const baseline = keep(
      await fetchBranchBaseline(octokit(), { ...repo, branch: "main", artifact: "mlgate-eval-baseline" }),
    );
    expect(baseline.run).toMatchObject({ id: target.id, sha: target.head_sha, branch: "main" });
    expect(baseline.run.htmlUrl).toBe(`https://github.com/acme/models/actions/runs/${target.id}`);
    expect(baseline.artifact).toMatchObject({ name: "mlgate-eval-baseline", createdAt: target.created_at });
    expect(baseline.skippedRuns).toBe(34);
    expect(baseline.files.sort()).toEqual(["mlgate-baseline.json", "results.jsonl"]);
    expect(readFileSync(join(baseline.dir, "results.jsonl"), "utf8")).toBe("old\n");

    const listed = github.calls.filter((c) => c.path === "/repos/acme/models/actions/runs");
    expect(listed.map((c) => c.query.page ?? "1")).toEqual(["1", "2"]);
    expect(listed[0]?.query).toMatchObject({ branch: "main", status: "success", event: "push" });
    // The API answered 302; the blob host got the signed URL and no token.
    const zip = github.calls.find((c) => c.path.endsWith("/zip"));
    expect(zip?.status).toBe(302);
    expect(github.blobCalls).toHaveLength(1);
    expect(github.blobCalls[0]).toMatchObject({ status: 200 });
    expect(github.blobCalls[0]?.headers.authorization).toBeUndefined();

    const described = describeBaseline(baseline, Date.parse(target.created_at) + 3 * 86_400_000);
    expect(described.summary).toMatch(
      /^Baseline: artifact "mlgate-eval-baseline" of run #6 on main, commit [0-9a-f]{7}, made .* \(3 days ago\); 34 newer successful run\(s\) had no live artifact of that name\.$/,
    );
    expect(described.links[0]?.url).toBe(baseline.run.htmlUrl);
    expect(described.commit).toBe(target.head_sha);
  });

  it("reads the runs of one workflow, named by file or by display name", async () => {
    const evalFlow = github.addWorkflow("acme", "models", {
      name: "Model eval",
      path: ".github/workflows/eval.yml",
    });
    const other = github.addWorkflow("acme", "models", { name: "Lint", path: ".github/workflows/lint.yml" });
    const wanted = github.addWorkflowRun("acme", "models", {
      workflow: evalFlow,
      createdAt: "2025-02-01T00:00:00Z",
    });
    const newer = github.addWorkflowRun("acme", "models", {
      workflow: other,
      createdAt: "2025-03-01T00:00:00Z",
    });
    github.addArtifact("acme", "models", wanted.id, {
      name: "mlgate-eval-baseline",
      data: artifactZip("eval\n"),
    });
    github.addArtifact("acme", "models", newer.id, {
      name: "mlgate-eval-baseline",
      data: artifactZip("lint\n"),
    });

    for (const workflow of ["eval.yml", ".github/workflows/eval.yml", "Model eval", String(evalFlow.id)]) {
      const b = keep(
        await fetchBranchBaseline(octokit(), {
          ...repo,
          branch: "main",
          artifact: "mlgate-eval-baseline",
          workflow,
        }),
      );
      expect(b.run.id).toBe(wanted.id);
    }
    const all = keep(
      await fetchBranchBaseline(octokit(), { ...repo, branch: "main", artifact: "mlgate-eval-baseline" }),
    );
    expect(all.run.id).toBe(newer.id);

    await expect(
      fetchBranchBaseline(octokit(), {
        ...repo,
        branch: "main",
        artifact: "mlgate-eval-baseline",
        workflow: "Evals",
      }),
    ).rejects.toThrow(/no workflow named "Evals" in acme\/models/);
  });

  it("says why there is no baseline, and how to make one", async () => {
    await expect(
      fetchBranchBaseline(octokit(), { ...repo, branch: "main", artifact: "mlgate-eval-baseline" }),
    ).rejects.toThrow(/no baseline: no successful push run of acme\/models@main/);

    const runs = seedRuns(3);
    github.addArtifact("acme", "models", runs[0]!.id, {
      name: "mlgate-eval-baseline",
      data: artifactZip("x"),
      expired: true,
    });
    const error = await rejection(
      fetchBranchBaseline(octokit(), {
        ...repo,
        branch: "main",
        artifact: "mlgate-eval-baseline",
      }),
    );
    expect(error.message).toMatch(
      /none of the 3 newest successful push runs .* has a live artifact named "mlgate-eval-baseline" \(1 had only an expired one\)/,
    );
    expect(error.hint).toMatch(/save-baseline/);

    // maxRuns bounds the search (and the API calls) however many runs there are.
    seedRuns(20);
    github.calls.length = 0;
    await expect(
      fetchBranchBaseline(octokit(), { ...repo, branch: "main", artifact: "none", maxRuns: 5 }),
    ).rejects.toThrow(/none of the 5 newest/);
    expect(github.calls.filter((c) => c.path.endsWith("/artifacts"))).toHaveLength(5);
  });

  it("refuses archives that would climb out of the directory or blow up, and cleans up after itself", async () => {
    const [traversal, bomb, big] = seedRuns(3);
    github.addArtifact("acme", "models", big!.id, { name: "big", data: artifactZip("x".repeat(10_000)) });
    github.addArtifact("acme", "models", traversal!.id, {
      name: "traversal",
      data: zipSync({ "results.jsonl": strToU8("ok"), "../../outside.txt": strToU8("pwned") }),
    });
    github.addArtifact("acme", "models", bomb!.id, {
      name: "bomb",
      data: zipSync({ "results.jsonl": new Uint8Array(8 * 1024 * 1024) }),
    });
    // Temporary directories go under RUNNER_TEMP; a refused archive leaves none behind.
    const runnerTemp = await mkdtemp(join(tmpdir(), "mlgate-runner-temp-"));
    dirs.push(runnerTemp);
    vi.stubEnv("RUNNER_TEMP", runnerTemp);
    await expect(
      fetchBranchBaseline(octokit(), { ...repo, branch: "main", artifact: "traversal" }),
    ).rejects.toThrow(/entry "\.\.\/\.\.\/outside\.txt" climbs out of the directory/);
    expect(readdirSync(runnerTemp)).toEqual([]);
    expect(existsSync(join(runnerTemp, "..", "outside.txt"))).toBe(false);

    await expect(
      fetchBranchBaseline(octokit(), {
        ...repo,
        branch: "main",
        artifact: "bomb",
        limits: { maxUncompressedBytes: 1024 * 1024 },
      }),
    ).rejects.toThrow(/refused as a possible zip bomb/);

    await expect(
      fetchBranchBaseline(octokit(), {
        ...repo,
        branch: "main",
        artifact: "big",
        limits: { maxDownloadBytes: 100 },
      }),
    ).rejects.toThrow(/over the download limit of 100/);
    expect(readdirSync(runnerTemp)).toEqual([]);
    expect(github.blobCalls.filter((c) => c.path.includes(`artifact-`))).toHaveLength(2);
  });

  it("turns API failures into errors that say what to grant", async () => {
    seedRuns(1);
    github.failNext(Number.POSITIVE_INFINITY, 403, { path: /\/actions\/runs$/ });
    const error = await rejection(fetchBranchBaseline(octokit(), { ...repo, branch: "main", artifact: "a" }));
    expect(error.message).toMatch(/could not list the successful runs of acme\/models@main: HTTP 403/);
    expect(error.hint).toMatch(/actions: read/);
  });
});

describe("fetchReleaseBaseline", () => {
  it("unpacks a ZIP asset of a pinned release", async () => {
    const release = github.addRelease("acme", "models", {
      tag: "v1.4.0",
      targetCommitish: "c".repeat(40),
      assets: [
        { name: "model.onnx", data: strToU8("weights") },
        { name: "mlgate-eval-baseline.zip", data: artifactZip("release\n"), contentType: "application/zip" },
      ],
    });
    const b = keep(
      await fetchReleaseBaseline(octokit(), { ...repo, tag: "v1.4.0", asset: "mlgate-eval-baseline" }),
    );
    expect(b.files.sort()).toEqual(["mlgate-baseline.json", "results.jsonl"]);
    expect(readFileSync(join(b.dir, "results.jsonl"), "utf8")).toBe("release\n");
    expect(b.release).toMatchObject({ id: release.id, tag: "v1.4.0", htmlUrl: release.html_url });
    expect(b.asset.name).toBe("mlgate-eval-baseline.zip");
    const download = github.calls.find((c) => /\/releases\/assets\/\d+$/.test(c.path));
    expect(download?.headers.accept).toContain("application/octet-stream");
    expect(download?.status).toBe(302);
    expect(github.blobCalls[0]?.headers.authorization).toBeUndefined();
    expect(describeBaseline(b).summary).toMatch(
      /^Baseline: asset "mlgate-eval-baseline.zip" of release v1.4.0, made from c{7}, uploaded /,
    );
  });

  it("keeps a single-file asset under its name, with the metadata asset beside it", async () => {
    github.addRelease("acme", "models", {
      tag: "v2",
      assets: [
        { name: "eval-results.jsonl", data: strToU8('{"id":"a"}\n') },
        { name: "mlgate-baseline.json", data: strToU8('{"schema":1}') },
      ],
    });
    const b = keep(
      await fetchReleaseBaseline(octokit(), {
        ...repo,
        tag: "v2",
        asset: "eval-results.jsonl",
        companions: ["mlgate-baseline.json"],
      }),
    );
    expect(b.files).toEqual(["eval-results.jsonl", "mlgate-baseline.json"]);
    expect(readFileSync(join(b.dir, "mlgate-baseline.json"), "utf8")).toBe('{"schema":1}');
  });

  it("names the tag or the asset it could not find", async () => {
    github.addRelease("acme", "models", { tag: "v1", assets: [{ name: "a.zip", data: artifactZip("") }] });
    await expect(fetchReleaseBaseline(octokit(), { ...repo, tag: "v9", asset: "a" })).rejects.toThrow(
      /no release tagged "v9" in acme\/models/,
    );
    const error = await rejection(fetchReleaseBaseline(octokit(), { ...repo, tag: "v1", asset: "b" }));
    expect(error.message).toBe('release v1 has no asset named "b"');
    expect(error.hint).toBe('its assets: "a.zip"');
  });
});

describe("labelApplication", () => {
  const target = { ...repo, issueNumber: 7 };

  it("names who applied the label last, reading every page of the history", async () => {
    github.addIssueEvent("acme", "models", 7, {
      event: "labeled",
      label: "mlgate:accept-regression",
      actor: { login: "bob" },
    });
    for (let i = 0; i < 130; i++)
      github.addIssueEvent("acme", "models", 7, { event: "labeled", label: `noise-${i}` });
    github.addIssueEvent("acme", "models", 7, {
      event: "unlabeled",
      label: "mlgate:accept-regression",
      actor: { login: "bob" },
    });
    github.addIssueEvent("acme", "models", 7, {
      event: "labeled",
      label: "mlgate:accept-regression",
      actor: { login: "alice" },
      createdAt: "2025-05-01T12:00:00Z",
    });
    expect(await labelApplication(octokit(), target, "mlgate:accept-regression")).toEqual({
      label: "mlgate:accept-regression",
      actor: "alice",
      at: "2025-05-01T12:00:00Z",
    });
    expect(
      github.calls.filter((c) => c.path.endsWith("/issues/7/events")).map((c) => c.query.page ?? "1"),
    ).toEqual(["1", "2"]);
  });

  it("finds nothing when the label was removed again, and reports API failures", async () => {
    github.addIssueEvent("acme", "models", 7, { event: "labeled", label: "ok", actor: { login: "bob" } });
    github.addIssueEvent("acme", "models", 7, { event: "unlabeled", label: "ok", actor: { login: "bob" } });
    expect(await labelApplication(octokit(), target, "ok")).toBeUndefined();
    github.failNext(1, 404, { path: /\/events$/ });
    await expect(labelApplication(octokit(), target, "ok")).rejects.toThrow(
      /could not read the events of #7.*HTTP 404/,
    );
  });
});
