import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import {
  type ParsedCommands,
  parseKeyValueFile,
  parseWorkflowCommands,
} from "../../../test/harness/index.js";

export interface ActionEnv {
  dir: string;
  runnerTemp: string;
  outputs(): Record<string, string>;
  summary(): string;
  stdout(): string;
  commands(): ParsedCommands;
  restore(): void;
}

/**
 * The runner's environment inside the test process: file-command files, an event payload, and
 * stdout captured (workflow commands land there). `restore()` undoes all of it, exit code included.
 */
export function actionEnv(
  options: { event?: object; apiUrl?: string; inputs?: Record<string, string> } = {},
): ActionEnv {
  const dir = mkdtempSync(join(tmpdir(), "mlgate-github-test-"));
  const files = {
    output: join(dir, "output"),
    summary: join(dir, "summary"),
    event: join(dir, "event.json"),
  };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  writeFileSync(files.event, JSON.stringify(options.event ?? {}));
  const runnerTemp = join(dir, "runner-temp");
  const env: Record<string, string> = {
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_EVENT_NAME: options.event ? "pull_request" : "workflow_dispatch",
    GITHUB_REPOSITORY: "acme/models",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_RUN_ID: "99",
    GITHUB_API_URL: options.apiUrl ?? "http://127.0.0.1:9",
    RUNNER_TEMP: runnerTemp,
  };
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  for (const [k, v] of Object.entries(options.inputs ?? {})) vi.stubEnv(`INPUT_${k.toUpperCase()}`, v);

  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });

  return {
    dir,
    runnerTemp,
    outputs: () => parseKeyValueFile(readFileSync(files.output, "utf8")),
    summary: () => readFileSync(files.summary, "utf8"),
    stdout: () => out.join(""),
    commands: () => parseWorkflowCommands(out.join("")),
    restore() {
      spy.mockRestore();
      vi.unstubAllEnvs();
      // runner.setFailed sets it; left alone it would fail the test run itself.
      process.exitCode = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const prEvent = (number = 7) => ({ number, pull_request: { number, head: { sha: "a".repeat(40) } } });
