import { execFile } from "node:child_process";
import { GateError } from "@mlgate/core";

export interface CommandResult {
  stdout: string;
  stderr: string;
}

export interface RunCommandOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** What the command is for, in messages: `nginx reload`. */
  what: string;
}

/** Output beyond this is cut off; routers answer in a line or two. */
const MAX_OUTPUT_BYTES = 256 * 1024;
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

function tail(text: string): string {
  const trimmed = text.trim().replace(/\s*\n\s*/g, " | ");
  return trimmed.length > 400 ? `…${trimmed.slice(-400)}` : trimmed;
}

/**
 * Run a program with an argument vector (no shell: weights and names are never interpolated into a
 * command line). A non-zero exit, a timeout or a missing program is a GateError with the output's tail.
 */
export function runCommand(argv: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new GateError(`${options.what}: the command is empty`));
  const timeout = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile(
      program,
      args,
      {
        timeout,
        killSignal: "SIGKILL",
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: "utf8",
        windowsHide: true,
        ...(options.cwd ? { cwd: options.cwd } : {}),
        ...(options.env ? { env: options.env } : {}),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        const shown = argv.join(" ");
        if (e.code === "ENOENT") {
          return reject(
            new GateError(`${options.what}: program not found: ${program}`, {
              hint: "install it or give the full path",
            }),
          );
        }
        if (e.killed) {
          return reject(new GateError(`${options.what}: \`${shown}\` did not finish within ${timeout}ms`));
        }
        const output = tail(stderr || stdout);
        reject(
          new GateError(
            `${options.what}: \`${shown}\` exited with ${typeof e.code === "number" ? `status ${e.code}` : String(e.code ?? e.message)}${output ? `: ${output}` : ""}`,
          ),
        );
      },
    );
  });
}
