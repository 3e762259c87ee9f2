/**
 * The reference release workflow (workflows-examples/release.yml), run job by job on this machine as
 * a push to main would run it: its own YAML, parsed and walked in `needs` order; our actions from their
 * committed dist/ with the runner's protocol (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV,
 * RUNNER_TEMP, post steps); its `run:` scripts in bash; on the example project in the layout the
 * workflow assumes. Only what needs AWS, Docker or a deploy system is a stand-in, each producing what
 * the real step would for the jobs after it:
 *
 *   actions/checkout                  copies the example project into the job's fresh workspace
 *   configure-aws-credentials         checks it was asked for a role (OIDC), nothing else
 *   amazon-ecr-login, build-push      a real registry (docker-registry) on loopback; the example serving
 *                                     image, built by code as an OCI layout, pushed with skopeo, by digest
 *   actions/cache                     restores an OSV database cache made from the scan fixtures
 *   actions/upload-artifact           zips the files and gives an artifact URL
 *   the two REPLACE deploy steps      start example model servers: staging, and the production candidate
 *                                     behind real nginx, which the canary drives
 *
 * Checked: each job's outputs feed the next (model digest, image digest, staging URL); a failing gate
 * stops the chain before the later jobs; a canary rollback leaves every request on the baseline, read
 * back from nginx's configuration and from live traffic; the summary job tells the story either way.
 * The load test's two minutes and the rollout's 35 minutes are scaled down (an input override and the
 * canary's time-scale), nothing else.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parseUpstream, renderUpstream, runCommand, type UpstreamLayout } from "@mlgate/canary";
import { fetchOsvDatabase, osvEcosystemUrl } from "@mlgate/scan";
import { zipSync } from "fflate";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  type CanaryModelServer,
  startCanaryModelServer,
  VERSION_HEADER,
} from "../examples/canary/model-server.js";
import { freePort, type Nginx, startNginx } from "../examples/canary/real-parts.js";
import { writeExampleModels } from "../examples/eval/models.js";
import { type ExampleServer, exampleBodies, startExampleServer } from "../examples/serve/index.js";
import { writeExampleImage } from "../packages/scan/test/fixtures/images/example.js";
import { type RunningRegistry, startRegistry } from "../packages/scan/test/fixtures/images/registry.js";
import { findTool, missingTools, skopeoCopy } from "../packages/scan/test/fixtures/images/tools.js";
import {
  EXAMPLE_EXTRA_ADVISORIES,
  FIXTURE_ADVISORIES,
  writeOsvZip,
} from "../packages/scan/test/fixtures/osv.js";
import { type FakeGitHub, pushEvent, runAction, startFakeGitHub } from "./harness/index.js";
import { type ProjectModel, writeReleaseProject } from "./harness/release-project.js";
import { runWorkflow, type StandIn, type Workflow, type WorkflowRun } from "./harness/workflow-run.js";

const ROOT = resolve(import.meta.dirname, "..");
const WORKFLOW = parseYaml(await readFile(join(ROOT, "workflows-examples/release.yml"), "utf8")) as Workflow;
const REPOSITORY = "churn";
const UPSTREAM = "churn";
const skip =
  missingTools("registry", "skopeo") ??
  (findTool("nginx") ? undefined : "needs nginx (apt-get install nginx)");
/** One release takes 5 to 35 s; a busy two-core machine can double that. */
const CHAIN_TIMEOUT_MS = 120_000;

let dir: string;
let github: FakeGitHub;
let registry: RunningRegistry;
let nginx: Nginx;
let production: CanaryModelServer;
let layout: UpstreamLayout;
let candidatePort: number;
let models: Awaited<ReturnType<typeof writeExampleModels>>;
let osvCache: string;

/** What the stand-ins saw and did, per run. */
interface Observed {
  pushed: { tag: string; digest: string; labels: string }[];
  deployed: { job: string; image: string; modelSha256: string; url?: string }[];
  artifacts: { name: string; files: string[]; url: string }[];
  servers: { close(): Promise<void> }[];
}

beforeAll(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), "mlgate-release-chain-"));
  candidatePort = await freePort();
  [github, registry, production, models] = await Promise.all([
    startFakeGitHub(),
    startRegistry(),
    startCanaryModelServer({ version: "v1", latencyMs: 3, jitterMs: 2 }),
    writeExampleModels(join(dir, "models")),
  ]);
  layout = { upstream: UPSTREAM, baseline: [production.address], candidate: [`127.0.0.1:${candidatePort}`] };
  await warm(production.url);
  nginx = await startNginx({ upstream: UPSTREAM, initialUpstream: renderUpstream(layout, { canary: 0 }) });
  osvCache = await osvDatabaseCache(join(dir, "osv-cache"));
  await seedEvalBaseline();
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([github?.close(), registry?.stop(), nginx?.stop(), production?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * What actions/cache restores in the scan job: the OSV zips of the image's ecosystems as the gate's own
 * downloader caches them, fetched here from the scan fixtures instead of osv.dev.
 */
async function osvDatabaseCache(cacheDir: string): Promise<string> {
  const all = [...FIXTURE_ADVISORIES, ...EXAMPLE_EXTRA_ADVISORIES];
  const zips = new Map<string, Buffer>();
  for (const ecosystem of ["Debian", "PyPI"]) {
    const file = writeOsvZip(
      join(dir, "osv", `${ecosystem}.zip`),
      all.filter((a) => a.ecosystem.split(":")[0] === ecosystem),
    );
    zips.set(osvEcosystemUrl(ecosystem), await readFile(file));
  }
  await fetchOsvDatabase({
    urls: [...zips.keys()],
    cacheDir,
    fetch: async (url) => {
      const body = zips.get(String(url));
      return body ? new Response(body) : new Response("not found", { status: 404 });
    },
  });
  return cacheDir;
}

/**
 * The production model's evaluation, saved by the last release that went through: eval-gate run over
 * the baseline model with `save-baseline`, uploaded as the artifact of a successful push run.
 */
async function seedEvalBaseline(): Promise<void> {
  const workspace = join(dir, "previous-release");
  await writeReleaseProject(workspace, projectOptions("baseline"));
  const run = await runAction(join(ROOT, "actions/eval-gate"), {
    github,
    cwd: workspace,
    event: pushEvent({ sha: "0".repeat(40) }),
    inputs: {
      model: "models/churn/model.onnx",
      dataset: "eval/dataset.jsonl",
      "save-baseline": "eval-baseline",
      gates: "accuracy >= 0.7",
      comment: "false",
    },
    timeoutMs: 60_000,
  });
  expect(run.exitCode, run.stdout + run.stderr).toBe(0);
  const baselineDir = join(workspace, "eval-baseline");
  const files: Record<string, Uint8Array> = {};
  for (const name of await readdir(baselineDir)) files[name] = await readFile(join(baselineDir, name));
  const workflow = github.addWorkflow("acme", "models", {
    name: "release",
    path: ".github/workflows/release.yml",
  });
  const previous = github.addWorkflowRun("acme", "models", {
    workflow,
    sha: "0".repeat(40),
    createdAt: new Date(Date.now() - 86_400_000).toISOString(),
  });
  github.addArtifact("acme", "models", previous.id, { name: "mlgate-eval-baseline", data: zipSync(files) });
}

function projectOptions(model: ProjectModel) {
  return {
    model,
    models,
    canary: {
      baselineUrl: `${production.url}/v1/predict`,
      candidateUrl: `http://127.0.0.1:${candidatePort}/v1/predict`,
      nginx: {
        upstreamFile: nginx.upstreamFile,
        upstream: UPSTREAM,
        prefix: nginx.prefix,
        conf: nginx.conf,
        errorLog: nginx.errorLog,
      },
      // 5% 5m, 25% 10m, 50% 10m, 100% 10m: 1.2 s, 2.4 s, 2.4 s and a 2.4 s guard window.
      timeScale: 0.004,
    },
  };
}

/** How the candidate answers once deployed: as fast as production, or 60 ms slower. */
type Candidate = "good" | "slow";

function standIns(project: string, candidate: Candidate, record: Observed): { [key: string]: StandIn } {
  const startServer = async (version: string, port?: number) => {
    const server = await startCanaryModelServer({
      version,
      latencyMs: candidate === "slow" ? 60 : 3,
      jitterMs: 2,
      ...(port ? { port } : {}),
    });
    record.servers.push(server);
    // A deploy waits until the new version serves; its first answers (connections, JIT) are slow.
    await warm(server.url);
    return server;
  };
  return {
    "actions/checkout": async ({ workspace, with: given }) => {
      expect(given["persist-credentials"]).toBe("false");
      await cp(project, workspace, { recursive: true });
      return undefined;
    },
    "aws-actions/configure-aws-credentials": async ({ with: given }) => {
      expect(given["role-to-assume"]).toMatch(/^arn:aws:iam::/);
      return undefined;
    },
    "aws-actions/amazon-ecr-login": async () => ({ outputs: { registry: registry.host } }),
    "docker/setup-buildx-action": async () => undefined,
    "docker/build-push-action": async ({ with: given, workspace, runnerTemp }) => {
      expect(given.push).toBe("true");
      await readFile(join(workspace, given.file ?? ""), "utf8");
      const image = await writeExampleImage(join(runnerTemp, "image"));
      const digestFile = join(runnerTemp, "digest");
      const tag = given.tags ?? "";
      await skopeoCopy(image.ref, `docker://${tag}`, [
        "--dest-tls-verify=false",
        `--digestfile=${digestFile}`,
      ]);
      const digest = (await readFile(digestFile, "utf8")).trim();
      record.pushed.push({ tag, digest, labels: given.labels ?? "" });
      return { outputs: { digest, imageid: digest } };
    },
    "actions/cache": async ({ with: given, workspace }) => {
      await cp(osvCache, join(workspace, given.path ?? ""), { recursive: true });
      return { outputs: { "cache-hit": "false" } };
    },
    "actions/upload-artifact": async ({ with: given, workspace }) => {
      const files = (given.path ?? "")
        .split("\n")
        .map((p) => p.trim())
        .filter(Boolean);
      const contents: { [name: string]: Uint8Array } = {};
      for (const path of files) {
        const full = resolve(workspace, path);
        const entries = (await stat(full)).isDirectory()
          ? (await readdir(full, { recursive: true, withFileTypes: true }))
              .filter((e) => e.isFile())
              .map((e) => join(e.parentPath, e.name))
          : [full];
        for (const file of entries) contents[relative(dirname(full), file)] = await readFile(file);
      }
      const url = `https://github.com/acme/models/actions/runs/1234567890/artifacts/${record.artifacts.length + 1}`;
      expect(zipSync(contents).length, given.name).toBeGreaterThan(0);
      record.artifacts.push({ name: given.name ?? "", files: Object.keys(contents), url });
      return { outputs: { "artifact-id": String(record.artifacts.length), "artifact-url": url } };
    },
    "staging/deploy": async ({ env }) => {
      const server: ExampleServer = await startExampleServer({
        latencyMs: candidate === "slow" ? 60 : 3,
        jitterMs: 2,
      });
      record.servers.push(server);
      record.deployed.push({
        job: "staging",
        image: env.IMAGE ?? "",
        modelSha256: env.MODEL_SHA256 ?? "",
        url: server.url,
      });
      return { outputs: { url: server.url } };
    },
    "production/Start the candidate beside the current version (REPLACE with your deploy command)": async ({
      env,
    }) => {
      await startServer(env.VERSION ?? "", candidatePort);
      record.deployed.push({
        job: "production",
        image: env.IMAGE ?? "",
        modelSha256: env.MODEL_SHA256 ?? "",
      });
      return undefined;
    },
  };
}

async function release(
  model: ProjectModel,
  candidate: Candidate,
  sha: string,
): Promise<{ run: WorkflowRun; record: Observed; modelSha256: string }> {
  const project = join(dir, `project-${sha.slice(0, 6)}`);
  const { modelSha256 } = await writeReleaseProject(project, projectOptions(model));
  const record: Observed = { pushed: [], deployed: [], artifacts: [], servers: [] };
  // The deployed servers live until the test has read the router and sent its traffic.
  onTestFinished(async () => {
    await Promise.allSettled(record.servers.map((s) => s.close()));
  });
  const run = await runWorkflow({
    workflow: WORKFLOW,
    workflowFile: "release.yml",
    event: pushEvent({ sha }),
    github,
    repositoryRoot: ROOT,
    vars: {
      AWS_REGION: "eu-west-1",
      ECR_REPOSITORY: REPOSITORY,
      AWS_BUILD_ROLE_ARN: "arn:aws:iam::123456789012:role/mlgate-build",
      AWS_DEPLOY_ROLE_ARN: "arn:aws:iam::123456789012:role/mlgate-deploy",
      ENDPOINT_URL: nginx.url,
    },
    secrets: { STAGING_API_TOKEN: "staging-token-4f9d2c" },
    standIns: standIns(project, candidate, record),
    // Two minutes at 200/s after 15 s of warm-up in the workflow; four seconds here.
    overrides: { "load-test/gate": { rate: "40/s", duration: "3s", warmup: "1s" } },
    ...(process.env.MLGATE_CHAIN_LOG ? { log: (line: string) => console.log(line) } : {}),
  });
  return { run, record, modelSha256 };
}

/** Send a few predictions, so that cold-start latency does not count against a version. */
async function warm(url: string): Promise<void> {
  for (const body of exampleBodies(40)) {
    const response = await request(`${url}/v1/predict`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    await response.body.dump();
  }
}

/** The candidate's share as nginx's include file holds it. */
async function routerWeight(): Promise<number> {
  return parseUpstream(await readFile(nginx.upstreamFile, "utf8"), layout, nginx.upstreamFile).canary;
}

/** Which version answered each of `count` requests sent through nginx. */
async function liveVersions(count: number): Promise<Record<string, number>> {
  const seen: { [version: string]: number } = {};
  for (let i = 0; i < count; i++) {
    const response = await request(`${nginx.url}/v1/health`);
    await response.body.dump();
    const version = String(response.headers[VERSION_HEADER] ?? `status ${response.statusCode}`);
    seen[version] = (seen[version] ?? 0) + 1;
  }
  return seen;
}

/** Back to all traffic on production, for the next release. */
async function resetRouter(): Promise<void> {
  await writeFile(nginx.upstreamFile, renderUpstream(layout, { canary: 0 }));
  await runCommand(nginx.reload, { what: "nginx reload" });
}

const results = (run: WorkflowRun) => Object.fromEntries(run.jobs.map((j) => [j.id, j.result]));

describe.skipIf(skip)(
  `the reference release workflow, run on the example project${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    it("promotes a good model: every job's outputs feed the next, and production ends on the candidate", {
      timeout: CHAIN_TIMEOUT_MS,
    }, async () => {
      const sha = "c".repeat(40);
      const { run, record, modelSha256 } = await release("candidate", "good", sha);
      const failures = run.jobs
        .flatMap((j) =>
          j.steps
            .filter((s) => s.outcome === "failure")
            .map((s) => `${j.id}/${s.name}: ${s.stdout}${s.stderr}`),
        )
        .join("\n");
      expect(results(run), failures).toEqual({
        "validate-artifact": "success",
        "eval-gate": "success",
        "contract-diff": "skipped",
        build: "success",
        "scan-image": "success",
        staging: "success",
        "load-test": "success",
        production: "success",
        summary: "success",
      });

      // The model's digest: validated, put into the image's labels, handed to the deploys.
      expect(run.job("validate-artifact").outputs["model-sha256"]).toBe(modelSha256);
      expect(run.job("build").outputs["model-sha256"]).toBe(modelSha256);
      expect(record.pushed).toHaveLength(1);
      expect(record.pushed[0]?.labels).toContain(`ai.mlgate.model.sha256=${modelSha256}`);
      expect(record.pushed[0]?.tag).toBe(`${registry.host}/${REPOSITORY}:${sha}`);

      // The image's digest: pushed, named by digest, scanned by digest, checked, deployed.
      const digest = record.pushed[0]?.digest ?? "";
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const image = `${registry.host}/${REPOSITORY}@${digest}`;
      expect(run.job("build").outputs).toMatchObject({ image, "image-digest": digest });
      const scan = run.job("scan-image");
      expect(scan.steps.find((s) => s.id === "gate")?.with.image).toBe(image);
      // The two openssl criticals are accepted in security/ignore.yml; a medium and a low remain, which warn.
      expect(scan.outputs).toMatchObject({ digest, verdict: "warn", blocking: "0" });
      expect(scan.outputs.headline).toBe(
        `no blocking vulnerabilities in ${image} (0 critical, 0 high, 1 medium, 1 low)`,
      );
      expect(
        scan.steps.find((s) => s.name === "Check that the scanned image is the pushed one")?.outcome,
      ).toBe("success");
      expect(record.deployed.map((d) => [d.job, d.image])).toEqual([
        ["staging", image],
        ["production", image],
      ]);
      expect(record.deployed.map((d) => d.modelSha256)).toEqual([modelSha256, modelSha256]);

      // Staging's URL goes to the load test; the eval baseline of the next pull requests is uploaded.
      const staging = record.deployed[0]?.url;
      expect(run.job("staging").outputs.url).toBe(staging);
      expect(run.job("load-test").steps.find((s) => s.id === "gate")?.with.url).toBe(`${staging}/v1/predict`);
      expect(["pass", "warn"]).toContain(run.job("load-test").outputs.verdict);
      expect(run.job("eval-gate").outputs["baseline-url"]).toMatch(
        /^https:\/\/github\.com\/acme\/models\/actions\/runs\/\d+$/,
      );
      expect(record.artifacts.map((a) => a.name)).toEqual([
        "mlgate-validate-artifact",
        "mlgate-eval-gate",
        "mlgate-eval-baseline",
        "mlgate-scan-image",
        "mlgate-load-test",
        "mlgate-canary",
      ]);

      // Production: the canary promoted, and nginx sends everything to the candidate.
      expect(run.job("production").environment).toBe("production");
      expect(run.job("production").outputs).toMatchObject({
        verdict: "pass",
        result: "promoted",
        "final-weight": "100",
      });
      expect(await routerWeight()).toBe(100);
      expect(await liveVersions(20)).toEqual({ [sha]: 20 });

      // The run's summary: one row per stage, with verdicts and the digests.
      const summary = run.job("summary").summary;
      expect(summary).toContain(`- model: \`sha256:${modelSha256}\``);
      expect(summary).toContain(`- image: \`${image}\``);
      for (const row of [
        /^\| validate-artifact \| success \| pass \| .+ \(\[report\]\(https:\/\/github\.com\/.+\)\) \|$/m,
        /^\| eval-gate \| success \| pass \| /m,
        /^\| contract-diff \(API\) \| skipped \| - \| - \|$/m,
        /^\| scan-image \| success \| warn \| no blocking vulnerabilities in /m,
        /^\| load-test \| success \| (pass|warn) \| /m,
        /^\| production canary \| success \| pass \| promoted, candidate at 100% of traffic: /m,
      ]) {
        expect(summary).toMatch(row);
      }
      await resetRouter();
    });

    it.each([
      ["a tampered file set stops the release at validate-artifact", "tampered", "validate-artifact"],
      ["a regressed model stops the release at eval-gate", "regressed", "eval-gate"],
    ] as const)("%s: nothing after it runs", { timeout: CHAIN_TIMEOUT_MS }, async (_what, model, gate) => {
      const { run, record } = await release(
        model,
        "good",
        model === "tampered" ? "d".repeat(40) : "e".repeat(40),
      );
      expect(run.job(gate).result).toBe("failure");
      expect(run.job(gate).outputs.verdict).toBe("fail");
      for (const later of ["build", "scan-image", "staging", "load-test", "production"]) {
        expect(run.job(later).result, later).toBe("skipped");
      }
      if (gate === "validate-artifact") expect(run.job("eval-gate").result).toBe("skipped");
      expect(record.pushed).toEqual([]);
      expect(record.deployed).toEqual([]);
      expect(await routerWeight()).toBe(0);
      // The summary still runs, and says where the release stopped and why.
      expect(run.job("summary").result).toBe("success");
      const headline = run.job(gate).outputs.headline ?? "";
      expect(headline.length).toBeGreaterThan(0);
      const summary = run.job("summary").summary;
      expect(summary).toMatch(new RegExp(`^\\| ${gate} \\| failure \\| fail \\| `, "m"));
      expect(summary).toMatch(/^\| production canary \| skipped \| - \| - \|$/m);
    });

    it("rolls a candidate that is slower on live traffic back: all traffic stays on the baseline", {
      timeout: CHAIN_TIMEOUT_MS,
    }, async () => {
      const sha = "f0".repeat(20);
      const { run } = await release("candidate", "slow", sha);
      // 60 ms per request still meets staging's absolute SLA (p95 < 250ms); the canary compares with production.
      expect(run.job("load-test").result).toBe("success");
      const canary = run.job("production");
      expect(canary.result).toBe("failure");
      expect(canary.outputs).toMatchObject({ verdict: "fail", result: "rolled-back", "final-weight": "0" });
      expect(canary.outputs.headline).toMatch(/^p95|^ratio\(p95\)/);
      expect(await routerWeight()).toBe(0);
      expect(await liveVersions(20)).toEqual({ v1: 20 });
      const summary = run.job("summary").summary;
      expect(summary).toMatch(
        /^\| production canary \| failure \| fail \| rolled-back, candidate at 0% of traffic: /m,
      );
    });
  },
);
