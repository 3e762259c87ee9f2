import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { onTestFinished } from "vitest";
import { parse as parseYaml } from "yaml";
import type { ActionEvent } from "./events.js";
import type { FakeGitHub } from "./fake-github.js";
import { type Annotation, parseKeyValueFile, parseWorkflowCommands } from "./workflow-commands.js";

export interface RunActionOptions {
  /** `with:` values by input name as written in action.yml (`fail-on`, not `failOn`). */
  inputs?: Record<string, string>;
  /** Extra environment, applied last (can override anything the harness sets). */
  env?: Record<string, string>;
  /** Default: `workflow_dispatch` with an empty payload. */
  event?: ActionEvent;
  /** Fake API to point GITHUB_API_URL at; its token becomes `${{ github.token }}`. Without it the API is unreachable. */
  github?: FakeGitHub;
  /** GITHUB_WORKSPACE and the process's working directory. Default: a fresh empty directory. */
  cwd?: string;
  /** The child is killed and runAction rejects after this long. Default 30 s. */
  timeoutMs?: number;
  /** Leave the run's temporary files in place after the test, for debugging. */
  keepTemp?: boolean;
}

export interface ActionRun {
  exitCode: number;
  /** Set when the process died of a signal. */
  signal?: string;
  stdout: string;
  stderr: string;
  /** Parsed from GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** Content of GITHUB_STEP_SUMMARY. */
  summary: string;
  annotations: Annotation[];
  secretsMasked: string[];
  /** Titles of `::group::` sections. */
  groups: string[];
  /** Message of the last error annotation when the step failed (what `core.setFailed` writes). */
  failedMessage?: string;
  /** Parsed from GITHUB_STATE, GITHUB_ENV and GITHUB_PATH. */
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPaths: string[];
  /** RUNNER_TEMP of the run (report files land here); GITHUB_WORKSPACE. */
  runnerTemp: string;
  workspace: string;
  /** Remove the run's temporary files; done automatically when the calling test finishes. */
  cleanup(): Promise<void>;
}

interface ActionYaml {
  inputs?: Record<string, { default?: unknown; required?: boolean } | null>;
  runs?: { using?: string; main?: string };
}

const NODE_RUNTIMES = new Set(["node20", "node24"]);
const MAX_STREAM_BYTES = 16 * 1024 * 1024;
/** Nothing listens on the discard port: without a fake, API calls fail fast instead of reaching GitHub. */
const UNREACHABLE_API = "http://127.0.0.1:9";

const leftovers = new Set<string>();
let exitHook = false;

/** Remove a run's files when the current test ends, or failing that (called outside a test) at exit. */
function cleanupLater(dir: string): () => Promise<void> {
  const cleanup = async () => {
    leftovers.delete(dir);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    onTestFinished(cleanup);
  } catch {
    leftovers.add(dir);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => {
        for (const d of leftovers) rmSync(d, { recursive: true, force: true });
      });
    }
  }
  return cleanup;
}

async function readActionYaml(actionDir: string): Promise<ActionYaml> {
  for (const name of ["action.yml", "action.yaml"]) {
    const file = join(actionDir, name);
    if (existsSync(file)) return (parseYaml(await readFile(file, "utf8")) ?? {}) as ActionYaml;
  }
  throw new Error(`no action.yml in ${actionDir}`);
}

/** The runner's input variable: `fail-on` → `INPUT_FAIL-ON`, `model path` → `INPUT_MODEL_PATH`. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/** `${{ github.token }}`-style defaults: dotted context paths only; anything fancier is out of scope. */
function evaluateDefault(value: string, contexts: Record<string, unknown>): string {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (!/^[A-Za-z_][\w-]*(\.[\w-]+)*$/.test(expr)) {
      throw new Error(`the harness cannot evaluate \${{ ${expr} }} in an input default`);
    }
    let v: unknown = contexts;
    for (const part of expr.split(".")) v = (v as Record<string, unknown> | undefined)?.[part];
    return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  });
}

/** Buffer a stream, keeping at most MAX_STREAM_BYTES so a runaway action cannot exhaust memory. */
function collect(stream: NodeJS.ReadableStream): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_STREAM_BYTES) chunks.push(chunk);
  });
  return () => Buffer.concat(chunks).toString("utf8");
}

function spawnAction(
  main: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ exitCode: number; signal?: string; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    // Own process group, so a timeout also takes down anything the action spawned.
    const child = spawn(process.execPath, [main], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stdout = out();
      const stderr = err();
      if (timedOut) {
        const tail = (s: string) => s.slice(-4000);
        reject(
          new Error(
            `action timed out after ${timeoutMs} ms and was killed\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`,
          ),
        );
        return;
      }
      resolvePromise({
        exitCode: code ?? 128,
        ...(signal ? { signal } : {}),
        stdout,
        stderr,
      });
    });
  });
}

/**
 * Run a JavaScript action the way the GitHub runner does: `node <runs.main>` in a clean environment
 * with INPUT_* variables (action.yml defaults applied), fresh file-command files, an event payload,
 * and GITHUB_API_URL pointing at the fake API. Resolves with everything the action left behind.
 */
export async function runAction(actionDir: string, options: RunActionOptions = {}): Promise<ActionRun> {
  const dir = resolve(actionDir);
  const action = await readActionYaml(dir);
  const using = action.runs?.using;
  if (!using || !NODE_RUNTIMES.has(using)) {
    throw new Error(`${dir}/action.yml: runs.using must be node20 or node24, got ${JSON.stringify(using)}`);
  }
  if (!action.runs?.main) throw new Error(`${dir}/action.yml: runs.main is missing`);
  const main = join(dir, action.runs.main);
  if (!existsSync(main)) throw new Error(`${main} does not exist (is the action built?)`);

  const declared = action.inputs ?? {};
  const given = options.inputs ?? {};
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length) {
    throw new Error(
      `input(s) ${unknown.join(", ")} not declared in action.yml; declared: ${Object.keys(declared).join(", ")}`,
    );
  }

  const temp = await mkdtemp(join(tmpdir(), "mlgate-action-"));
  const cleanup = options.keepTemp ? async () => {} : cleanupLater(temp);
  const runnerTemp = join(temp, "runner-temp");
  const files = join(temp, "files");
  const workspace = resolve(options.cwd ?? join(temp, "workspace"));
  await Promise.all([mkdir(runnerTemp), mkdir(files), mkdir(workspace, { recursive: true })]);
  const file = {
    output: join(files, "output"),
    summary: join(files, "step_summary"),
    state: join(files, "state"),
    env: join(files, "env"),
    path: join(files, "path"),
    event: join(files, "event.json"),
  };
  const event = options.event ?? { name: "workflow_dispatch", payload: { inputs: {} } };
  await Promise.all([
    ...[file.output, file.summary, file.state, file.env, file.path].map((f) => writeFile(f, "")),
    writeFile(file.event, JSON.stringify(event.payload, null, 2)),
  ]);

  const repository = options.env?.GITHUB_REPOSITORY ?? "acme/models";
  const [owner = "acme", repoName = "models"] = repository.split("/");
  const pull = (event.payload as { pull_request?: { number?: number } }).pull_request;
  if (options.github && typeof pull?.number === "number") {
    // Keep GET /pulls/{n} consistent with the event the action sees.
    options.github.addPullRequest(owner, repoName, pull as { number: number });
  }
  const apiUrl = options.github?.url ?? UNREACHABLE_API;
  const sha = (event.payload as { after?: string }).after ?? "f".repeat(40);
  const ref = pull ? `refs/pull/${pull.number}/merge` : "refs/heads/main";

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? temp,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION: "__run",
    GITHUB_ACTOR: "octocat",
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: file.event,
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_WORKFLOW: "ci",
    GITHUB_JOB: "gate",
    GITHUB_RUN_ID: "1234567890",
    GITHUB_RUN_NUMBER: "42",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: file.output,
    GITHUB_STEP_SUMMARY: file.summary,
    GITHUB_STATE: file.state,
    GITHUB_ENV: file.env,
    GITHUB_PATH: file.path,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    RUNNER_NAME: "harness",
  };
  if (pull) {
    const p = pull as { head?: { ref?: string }; base?: { ref?: string } };
    env.GITHUB_HEAD_REF = p.head?.ref ?? "";
    env.GITHUB_BASE_REF = p.base?.ref ?? "";
  }

  const contexts = {
    github: {
      token: options.github?.token ?? "",
      repository,
      repository_owner: owner,
      event_name: event.name,
      event: event.payload,
      sha,
      ref,
      workspace,
      server_url: env.GITHUB_SERVER_URL,
      api_url: apiUrl,
      run_id: env.GITHUB_RUN_ID,
      run_number: env.GITHUB_RUN_NUMBER,
      actor: env.GITHUB_ACTOR,
      job: env.GITHUB_JOB,
      workflow: env.GITHUB_WORKFLOW,
    },
    runner: { temp: runnerTemp, os: "Linux", arch: "X64", name: "harness" },
    env: { ...env, ...options.env },
  };
  for (const [name, spec] of Object.entries(declared)) {
    if (name in given) env[inputEnvName(name)] = given[name]!;
    else if (spec?.default !== undefined && spec.default !== null) {
      env[inputEnvName(name)] = evaluateDefault(String(spec.default), contexts);
    }
  }
  Object.assign(env, options.env);

  const result = await spawnAction(main, workspace, env, options.timeoutMs ?? 30_000);
  const [output, summary, state, exported, paths] = await Promise.all(
    [file.output, file.summary, file.state, file.env, file.path].map((f) => readFile(f, "utf8")),
  );
  const commands = parseWorkflowCommands(result.stdout);
  const lastError = commands.annotations.filter((a) => a.level === "error").at(-1);

  return {
    ...result,
    outputs: parseKeyValueFile(output!),
    summary: summary!,
    annotations: commands.annotations,
    secretsMasked: commands.secretsMasked,
    groups: commands.groups,
    ...(result.exitCode !== 0 && lastError ? { failedMessage: lastError.message } : {}),
    state: parseKeyValueFile(state!),
    exportedEnv: parseKeyValueFile(exported!),
    addedPaths: paths!.split("\n").filter((l) => l.trim() !== ""),
    runnerTemp,
    workspace,
    cleanup,
  };
}
