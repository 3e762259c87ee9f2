import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Measurement {
  /** Median wall-clock time of the runs, in milliseconds. */
  wallMs: number;
  /** Median user + system CPU time, ms: on a busy machine wall time includes waiting for a core. */
  cpuMs?: number;
  /** Median peak resident memory of the runs, in MiB (undefined without GNU time). */
  maxRssMiB?: number;
  exitCode: number;
  stdout: string;
}

export interface MeasureOptions {
  runs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that count as a successful run (a failing gate exits 1 on purpose). */
  okExitCodes?: number[];
  /** Per run; default two minutes. */
  timeoutMs?: number;
}

const GNU_TIME = "/usr/bin/time";
/** coreutils' timeout signals the command's whole process group, so no grandchild outlives a run. */
const TIMEOUT = "/usr/bin/timeout";
/** What `timeout` exits with when the time ran out. */
const TIMED_OUT = 124;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Run a whole command `runs` times, as a user's CI step would, and take medians. */
export function measure(command: string, args: string[], options: MeasureOptions): Measurement {
  const walls: number[] = [];
  const cpus: number[] = [];
  const rss: number[] = [];
  const ok = options.okExitCodes ?? [0];
  const scratch = mkdtempSync(join(tmpdir(), "mlgate-bench-"));
  const timeFile = join(scratch, "time.txt");
  let last = { exitCode: 0, stdout: "" };
  try {
    for (let i = 0; i < options.runs; i++) {
      const withTime = existsSync(GNU_TIME);
      const timeoutMs = options.timeoutMs ?? 120_000;
      // Without the wrapper, the time limit would stop GNU time but leave the tool itself running.
      const limited = existsSync(TIMEOUT);
      const [tool, toolArgs] = limited
        ? [TIMEOUT, ["-k", "5", `${Math.ceil(timeoutMs / 1000)}`, command, ...args]]
        : [command, args];
      const [cmd, argv] = withTime
        ? [GNU_TIME, ["-o", timeFile, "-f", "%U %S %M", tool, ...toolArgs]]
        : [tool, toolArgs];
      const started = process.hrtime.bigint();
      const result = spawnSync(cmd, argv, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: limited ? timeoutMs + 15_000 : timeoutMs,
      });
      walls.push(Number(process.hrtime.bigint() - started) / 1e6);
      const exitCode = result.status ?? -1;
      if (!ok.includes(exitCode) || (limited && exitCode === TIMED_OUT)) {
        const why = result.error
          ? result.error.message
          : result.signal
            ? `signal ${result.signal}`
            : limited && exitCode === TIMED_OUT
              ? "ETIMEDOUT"
              : `exit ${exitCode}`;
        throw new Error(`${command} failed (${why}): ${(result.stderr || result.stdout).slice(-2000)}`);
      }
      if (withTime) {
        const last = readFileSync(timeFile, "utf8").trim().split("\n").pop() ?? "";
        const [user, sys, kib] = last.split(" ").map(Number);
        if (Number.isFinite(user) && Number.isFinite(sys)) cpus.push(((user ?? 0) + (sys ?? 0)) * 1000);
        if (Number.isFinite(kib)) rss.push((kib ?? 0) / 1024);
      }
      last = { exitCode, stdout: result.stdout };
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return {
    wallMs: median(walls),
    ...(cpus.length > 0 ? { cpuMs: median(cpus) } : {}),
    ...(rss.length > 0 ? { maxRssMiB: median(rss) } : {}),
    ...last,
  };
}

/** Print rows as an aligned table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(row));
}

export function commandExists(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}
