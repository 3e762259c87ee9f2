/**
 * Runs a workflow's jobs as the runner would, on this machine: jobs in `needs` order with their `if:`
 * conditions, each in a fresh workspace; steps in order with `if:`, `continue-on-error`, the `steps`,
 * `needs`, `env`, `vars`, `secrets` and `github` contexts, and job outputs evaluated at the end. Our
 * actions run from their committed dist/ through `runAction` (post steps included); `run:` scripts run
 * in bash as the runner writes them; every other `uses:` step, and any step the caller wants replaced,
 * goes to a stand-in the caller supplies — an unknown third-party action is an error, never skipped.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { parse as parseYaml } from "yaml";
import type { ActionEvent } from "./events.js";
import { condition, interpolate, type Scope, type Status, stringify, type Value } from "./expressions.js";
import type { FakeGitHub } from "./fake-github.js";
import { type ActionRun, runAction } from "./run-action.js";
import { type Annotation, parseKeyValueFile, parseWorkflowCommands } from "./workflow-commands.js";

export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: string | boolean;
  "continue-on-error"?: boolean | string;
}

export interface WorkflowJob {
  needs?: string | string[];
  if?: string | boolean;
  env?: Record<string, unknown>;
  environment?: string | { name: string; url?: string };
  outputs?: Record<string, string>;
  steps?: WorkflowStep[];
}

export interface Workflow {
  name?: string;
  env?: Record<string, unknown>;
  jobs: Record<string, WorkflowJob>;
}

/** What a stand-in is given: the step's `with:` and `env:` already evaluated, and where to work. */
export interface StepContext {
  job: string;
  step: WorkflowStep;
  with: Record<string, string>;
  /** The workflow's, the job's and the step's `env:`, evaluated, with what earlier steps exported. */
  env: Record<string, string>;
  workspace: string;
  runnerTemp: string;
}

export interface StandInResult {
  outputs?: Record<string, string>;
  /** Default success. */
  outcome?: "success" | "failure";
  summary?: string;
}

export type StandIn = (context: StepContext) => Promise<StandInResult | undefined>;

export type Outcome = "success" | "failure" | "skipped";

export interface StepRun {
  id?: string;
  /** The step's name, else what it uses or the first line of its script. */
  name: string;
  kind: "action" | "script" | "stand-in" | "skipped";
  outcome: Outcome;
  /** `outcome`, except that a failure under `continue-on-error` concludes as success. */
  conclusion: Outcome;
  outputs: Record<string, string>;
  with: Record<string, string>;
  annotations: Annotation[];
  stdout: string;
  stderr: string;
  summary: string;
  /** For our actions: everything `runAction` saw. */
  action?: ActionRun;
  durationMs: number;
}

export interface JobRun {
  id: string;
  result: Outcome;
  outputs: Record<string, string>;
  steps: StepRun[];
  /** The job's summary: its steps' GITHUB_STEP_SUMMARY, in order. */
  summary: string;
  environment?: string;
  workspace?: string;
}

export interface WorkflowRun {
  /** In the order they were reached. */
  jobs: JobRun[];
  job(id: string): JobRun;
  /** Every job's summary, in order: the run's summary page. */
  summary: string;
}

export interface RunWorkflowOptions {
  workflow: Workflow;
  /** The file under .github/workflows/ it runs as (GITHUB_WORKFLOW_REF), e.g. `release.yml`. */
  workflowFile: string;
  event: ActionEvent;
  github: FakeGitHub;
  /** Repository root: `mlgate/mlgate/actions/<gate>@ref` and `./actions/<gate>` run `<root>/actions/<gate>`. */
  repositoryRoot: string;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /**
   * Replacements, looked up by `job/step-id`, then `job/step name`, then the action without its ref
   * (`actions/checkout`). A checkout stand-in fills the job's fresh workspace.
   */
  standIns: Record<string, StandIn>;
  /**
   * Inputs replaced in one step (`job/step-id` → input → value), e.g. a shorter load test; only inputs
   * the step already sets can be replaced, so the run never grows what the workflow does not say.
   */
  overrides?: Record<string, Record<string, string>>;
  /** Per action or script. Default 60 s. */
  stepTimeoutMs?: number;
  log?: (line: string) => void;
}

const OUR_ACTION = /^(?:mlgate\/mlgate\/|\.\/)actions\/([\w.-]+)(?:@[\w.-]+)?$/;
const RUN_ID = "1234567890";
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Jobs in file order, each after every job it needs. */
function jobOrder(workflow: Workflow): string[] {
  const ids = Object.keys(workflow.jobs);
  const order: string[] = [];
  while (order.length < ids.length) {
    const ready = ids.find(
      (id) => !order.includes(id) && list(workflow.jobs[id]?.needs).every((need) => order.includes(need)),
    );
    if (ready === undefined) throw new Error(`the jobs' needs form a cycle or name a missing job: ${ids}`);
    order.push(ready);
  }
  return order;
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : String(value);
}

function displayName(step: WorkflowStep): string {
  return step.name ?? (step.uses ? `Run ${step.uses}` : `Run ${(step.run ?? "").trim().split("\n")[0]}`);
}

function githubContext(event: ActionEvent, github: FakeGitHub, workflow: Workflow, job: string): Value {
  const payload = event.payload as {
    after?: string;
    ref?: string;
    pull_request?: { number: number; head?: { ref?: string }; base?: { ref?: string } };
  };
  const pull = payload.pull_request;
  return {
    event_name: event.name,
    event: JSON.parse(JSON.stringify(event.payload)) as Value,
    sha: payload.after ?? "f".repeat(40),
    ref: pull ? `refs/pull/${pull.number}/merge` : (payload.ref ?? "refs/heads/main"),
    base_ref: pull?.base?.ref ?? "",
    head_ref: pull?.head?.ref ?? "",
    repository: "acme/models",
    repository_owner: "acme",
    server_url: "https://github.com",
    api_url: github.url,
    run_id: RUN_ID,
    run_number: "42",
    run_attempt: "1",
    workflow: workflow.name ?? "workflow",
    job,
    token: github.token,
    actor: "octocat",
  };
}

function capped(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_OUTPUT_BYTES) chunks.push(chunk);
  });
  return () => Buffer.concat(chunks).toString("utf8");
}

/** A `run:` script as the runner runs it: a file, `bash --noprofile --norc -eo pipefail {0}`. */
async function runScript(
  script: string,
  env: Record<string, string>,
  cwd: string,
  runnerTemp: string,
  timeoutMs: number,
): Promise<{
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  exported: Record<string, string>;
}> {
  const dir = await mkdtemp(join(runnerTemp, "step-"));
  const files = {
    script: join(dir, "script.sh"),
    output: join(dir, "output"),
    summary: join(dir, "summary"),
    env: join(dir, "env"),
    path: join(dir, "path"),
  };
  await Promise.all([
    writeFile(files.script, script),
    ...[files.output, files.summary, files.env, files.path].map((f) => writeFile(f, "")),
  ]);
  const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", files.script], {
    cwd,
    env: {
      ...env,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_ENV: files.env,
      GITHUB_PATH: files.path,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const stdout = capped(child.stdout);
  const stderr = capped(child.stderr);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    // The script's own process group (detached), so whatever it started goes too.
    if (child.pid === undefined) child.kill("SIGKILL");
    else
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
  }, timeoutMs);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 128));
  }).finally(() => clearTimeout(timer));
  if (timedOut) throw new Error(`script timed out after ${timeoutMs} ms:\n${script}\n${stdout()}${stderr()}`);
  const [output, summary, exported] = await Promise.all(
    [files.output, files.summary, files.env].map((f) => readFile(f, "utf8")),
  );
  return {
    exitCode,
    stdout: stdout(),
    stderr: stderr(),
    outputs: parseKeyValueFile(output ?? ""),
    summary: summary ?? "",
    exported: parseKeyValueFile(exported ?? ""),
  };
}

/** What the runner sets for every step of a job, on top of runAction's defaults. */
function runnerEnv(options: RunWorkflowOptions, job: string, runnerTemp: string): Record<string, string> {
  return {
    RUNNER_TEMP: runnerTemp,
    GITHUB_JOB: job,
    GITHUB_WORKFLOW: options.workflow.name ?? options.workflowFile,
    GITHUB_WORKFLOW_REF: `acme/models/.github/workflows/${options.workflowFile}@refs/heads/main`,
  };
}

async function readActionYaml(dir: string): Promise<{ runs?: { main?: string; post?: string } }> {
  return (parseYaml(await readFile(join(dir, "action.yml"), "utf8")) ?? {}) as {
    runs?: { main?: string; post?: string };
  };
}

/** Remove the run's workspaces when the calling test ends (report files live there until then). */
function removeWhenTestEnds(dir: string): void {
  try {
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
  } catch {
    // Outside a test the caller owns the files; they are under the system's temporary directory.
  }
}

/** Run the workflow for one event; resolves when every job has run or been skipped. */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRun> {
  const { workflow } = options;
  const jobs: JobRun[] = [];
  const byId = new Map<string, JobRun>();
  const root = await mkdtemp(join(tmpdir(), "mlgate-workflow-"));
  removeWhenTestEnds(root);
  for (const id of jobOrder(workflow)) {
    const job = await runJob(options, id, workflow.jobs[id] ?? {}, byId, root);
    jobs.push(job);
    byId.set(id, job);
  }
  return {
    jobs,
    job(id) {
      const found = byId.get(id);
      if (!found) throw new Error(`the run has no job "${id}"`);
      return found;
    },
    summary: jobs.map((j) => j.summary).join(""),
  };
}

async function runJob(
  options: RunWorkflowOptions,
  id: string,
  job: WorkflowJob,
  done: Map<string, JobRun>,
  root: string,
): Promise<JobRun> {
  const log = options.log ?? (() => {});
  const needs = list(job.needs);
  const needed = needs.map((n) => done.get(n));
  const needsContext: Record<string, Value> = {};
  for (const [i, name] of needs.entries()) {
    const run = needed[i];
    needsContext[name] = { result: run?.result ?? "skipped", outputs: run?.outputs ?? {} };
  }
  const jobStatus: Status = {
    success: needed.every((run) => run?.result === "success"),
    failure: needed.some((run) => run?.result === "failure"),
    cancelled: false,
  };
  const contexts: Record<string, Value> = {
    github: githubContext(options.event, options.github, options.workflow, id),
    vars: { ...options.vars },
    secrets: { ...options.secrets },
    needs: needsContext,
    inputs: {},
    matrix: {},
    strategy: {},
    env: {},
    runner: { os: "Linux", arch: "X64", temp: "", name: "harness" },
    job: { status: "success" },
    steps: {},
  };
  const evaluateAll = (values: Record<string, unknown> | undefined, scope: Scope) =>
    Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, interpolate(textOf(v), scope)]));

  if (!condition(job.if, { contexts, status: jobStatus })) {
    log(`job ${id}: skipped`);
    return { id, result: "skipped", outputs: {}, steps: [], summary: "" };
  }
  log(`job ${id}: started`);
  const workspace = join(root, id, "workspace");
  const runnerTemp = join(root, id, "temp");
  await Promise.all([mkdir(workspace, { recursive: true }), mkdir(runnerTemp, { recursive: true })]);
  contexts.runner = { os: "Linux", arch: "X64", temp: runnerTemp, name: "harness" };

  const baseScope = (): Scope => ({ contexts, status: { success: true, failure: false, cancelled: false } });
  const workflowEnv = evaluateAll(options.workflow.env, baseScope());
  contexts.env = workflowEnv;
  const jobEnv = { ...workflowEnv, ...evaluateAll(job.env, baseScope()) };
  const exported: Record<string, string> = {};
  const stepsContext: Record<string, Value> = {};
  contexts.steps = stepsContext;
  const steps: StepRun[] = [];
  const posts: {
    name: string;
    dir: string;
    env: Record<string, string>;
    inputs: Record<string, string>;
    state: Record<string, string>;
  }[] = [];
  let failed = false;
  const timeoutMs = options.stepTimeoutMs ?? 60_000;

  for (const step of job.steps ?? []) {
    const name = displayName(step);
    const status: Status = { success: !failed, failure: failed, cancelled: false };
    contexts.env = { ...jobEnv, ...exported };
    contexts.job = { status: failed ? "failure" : "success" };
    const scope: Scope = { contexts, status };
    const started = Date.now();
    const record = (run: Omit<StepRun, "id" | "name" | "durationMs">) => {
      const full: StepRun = {
        ...(step.id ? { id: step.id } : {}),
        name,
        ...run,
        durationMs: Date.now() - started,
      };
      steps.push(full);
      if (step.id) {
        stepsContext[step.id] = { outputs: full.outputs, outcome: full.outcome, conclusion: full.conclusion };
      }
      return full;
    };
    if (!condition(step.if, scope)) {
      record({
        kind: "skipped",
        outcome: "skipped",
        conclusion: "skipped",
        outputs: {},
        with: {},
        annotations: [],
        stdout: "",
        stderr: "",
        summary: "",
      });
      continue;
    }
    const env = { ...jobEnv, ...exported, ...evaluateAll(step.env, scope) };
    contexts.env = env;
    const inputs = evaluateAll(step.with, scope);
    const key = step.id ?? step.name ?? "";
    const override = options.overrides?.[`${id}/${key}`];
    for (const [input, value] of Object.entries(override ?? {})) {
      if (!(input in inputs))
        throw new Error(`${id}/${key}: the override "${input}" replaces no input of the step`);
      inputs[input] = value;
    }
    const standIn =
      options.standIns[`${id}/${step.id ?? ""}`] ??
      options.standIns[`${id}/${step.name ?? ""}`] ??
      (step.uses ? options.standIns[step.uses.replace(/@[^@]*$/, "")] : undefined);
    const ours = step.uses ? OUR_ACTION.exec(step.uses)?.[1] : undefined;

    let run: Omit<StepRun, "id" | "name" | "conclusion" | "durationMs">;
    if (standIn) {
      const result = (await standIn({ job: id, step, with: inputs, env, workspace, runnerTemp })) ?? {};
      run = {
        kind: "stand-in",
        outcome: result.outcome ?? "success",
        outputs: result.outputs ?? {},
        with: inputs,
        annotations: [],
        stdout: "",
        stderr: "",
        summary: result.summary ?? "",
      };
    } else if (ours !== undefined) {
      const dir = join(options.repositoryRoot, "actions", ours);
      const action = await runAction(dir, {
        github: options.github,
        cwd: workspace,
        event: options.event,
        inputs,
        env: { ...env, ...runnerEnv(options, id, runnerTemp) },
        timeoutMs,
      });
      const spec = await readActionYaml(dir);
      if (spec.runs?.post) {
        if (spec.runs.post !== spec.runs.main) throw new Error(`${dir}: a post entry point other than main`);
        posts.push({ name, dir, env, inputs, state: action.state });
      }
      run = {
        kind: "action",
        outcome: action.exitCode === 0 ? "success" : "failure",
        outputs: action.outputs,
        with: inputs,
        annotations: action.annotations,
        stdout: action.stdout,
        stderr: action.stderr,
        summary: action.summary,
        action,
      };
      Object.assign(exported, action.exportedEnv);
    } else if (step.run !== undefined && step.uses === undefined) {
      const script = await runScript(
        step.run,
        {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? runnerTemp,
          CI: "true",
          GITHUB_ACTIONS: "true",
          GITHUB_WORKSPACE: workspace,
          GITHUB_SHA: stringify((contexts.github as Record<string, Value>).sha ?? ""),
          GITHUB_EVENT_NAME: options.event.name,
          GITHUB_JOB: id,
          GITHUB_RUN_ID: RUN_ID,
          RUNNER_TEMP: runnerTemp,
          ...env,
        },
        workspace,
        runnerTemp,
        timeoutMs,
      );
      Object.assign(exported, script.exported);
      run = {
        kind: "script",
        outcome: script.exitCode === 0 ? "success" : "failure",
        outputs: script.outputs,
        with: {},
        annotations: parseWorkflowCommands(script.stdout).annotations,
        stdout: script.stdout,
        stderr: script.stderr,
        summary: script.summary,
      };
    } else {
      throw new Error(`job ${id}, step "${name}": no stand-in for ${step.uses}; give one in standIns`);
    }
    const continueOnError = textOf(step["continue-on-error"]) === "true";
    const conclusion = run.outcome === "failure" && continueOnError ? "success" : run.outcome;
    record({ ...run, conclusion });
    log(`job ${id}, step "${name}": ${run.kind} ${run.outcome} in ${Date.now() - started} ms`);
    if (conclusion === "failure") failed = true;
  }

  // Post steps run last, in reverse order, whatever happened (post-if: always()).
  for (const post of posts.reverse()) {
    const started = Date.now();
    const action = await runAction(post.dir, {
      github: options.github,
      cwd: workspace,
      event: options.event,
      inputs: post.inputs,
      env: {
        ...post.env,
        ...runnerEnv(options, id, runnerTemp),
        ...Object.fromEntries(Object.entries(post.state).map(([k, v]) => [`STATE_${k}`, v])),
      },
      timeoutMs,
    });
    steps.push({
      name: `Post ${post.name}`,
      kind: "action",
      outcome: action.exitCode === 0 ? "success" : "failure",
      conclusion: action.exitCode === 0 ? "success" : "failure",
      outputs: action.outputs,
      with: post.inputs,
      annotations: action.annotations,
      stdout: action.stdout,
      stderr: action.stderr,
      summary: action.summary,
      action,
      durationMs: Date.now() - started,
    });
    if (action.exitCode !== 0) failed = true;
  }

  contexts.env = jobEnv;
  const outputScope: Scope = { contexts, status: { success: !failed, failure: failed, cancelled: false } };
  const outputs = Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(textOf(v), outputScope)]),
  );
  const environment = typeof job.environment === "string" ? job.environment : job.environment?.name;
  log(`job ${id}: ${failed ? "failure" : "success"}`);
  return {
    id,
    result: failed ? "failure" : "success",
    outputs,
    steps,
    summary: steps.map((s) => s.summary).join(""),
    ...(environment ? { environment } : {}),
    workspace,
  };
}
