/**
 * load-test's generator against the tools users would pick instead, on the same loopback server in
 * the same run: autocannon (npm) and wrk (Debian).
 *
 * 1. Ceiling: requests per second each tool drives, closed loop with the same number of connections,
 *    against a trivial server (nginx when installed, else node:http). Generators are pinned to one
 *    core and the server to the other (taskset) when there are two. The machine is shared, so
 *    wall-clock rates swing with whatever else runs: the tools take turns, in alternating order,
 *    for several rounds, and the table gives medians and each round's ratios. Requests per CPU-second
 *    of the generator process (mlgate and autocannon in-process, wrk by /usr/bin/time) hardly depend
 *    on the other load and say whether the generator itself is efficient. The server's CPU use
 *    during each run says whether the server, rather than the generator, set the pace.
 *    mlgate's open model is measured too, at a rate above what the machine can serve.
 * 2. Coordinated omission: a server that stalls for 1 s every 10 s under 200 requests/s, for two
 *    whole periods per tool. The true p99 of requests arriving at a steady 200/s is
 *    stall − 1% of the period = 900 ms. Each tool's p99 is printed against it. wrk has no rate
 *    option: it runs its closed loop flat out and then estimates the omitted samples from its
 *    average rate, which approximates the same p99 (stalled 10% of the time) at its own rate.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commandExists, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const worker = (name: string) => fileURLToPath(new URL(`workers/${name}`, import.meta.url));
const CONNECTIONS = 50;
const ROUNDS = Number(process.env.LOAD_BENCH_ROUNDS ?? 3);
const CEILING_SECONDS = Number(process.env.LOAD_BENCH_SECONDS ?? 6);
const OPEN_RATE = 40_000;
const STALL_MS = 1000;
const PERIOD_MS = 10_000;
const CO_RATE = 200;
/** Whole periods, so every tool's window is stalled for exactly a tenth of its length. */
const CO_SECONDS = 20;
const TRUE_P99 = STALL_MS - 0.01 * PERIOD_MS;
/** A server using this share of its core or more is what limits the rate. */
const SATURATED = 0.85;

const pinned =
  commandExists("taskset") && Number(spawnSync("nproc", { encoding: "utf8" }).stdout.trim()) >= 2;
/** Generators on core 0, servers on core 1. */
const onCore = (core: number, cmd: string, args: string[]): [string, string[]] =>
  pinned ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args];
const ticksPerSecond = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Background {
  url: string;
  name: string;
  /** The process that serves requests (nginx's worker, not its master). */
  servingPid: () => number | undefined;
  stop(): void;
}

async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`server at ${url} did not come up`);
}

async function startBackground(cmd: string, args: string[], url: string): Promise<ChildProcess> {
  const [c, a] = onCore(1, cmd, args);
  const child = spawn(c, a, { stdio: "ignore" });
  await waitUntilUp(url);
  return child;
}

/** CPU seconds process `pid` has used so far (user + system), from /proc. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** nginx answering `ok` from one worker, or a node:http server doing the same. */
async function trivialServer(scratch: string): Promise<Background> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  if (commandExists("nginx")) {
    const conf = join(scratch, "nginx.conf");
    writeFileSync(
      conf,
      `worker_processes 1; daemon off; pid ${scratch}/nginx.pid; error_log ${scratch}/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; client_body_temp_path ${scratch}; proxy_temp_path ${scratch};
  fastcgi_temp_path ${scratch}; uwsgi_temp_path ${scratch}; scgi_temp_path ${scratch};
  server { listen 127.0.0.1:${port}; location / { return 200 'ok'; } } }`,
    );
    const child = await startBackground("nginx", ["-c", conf, "-p", scratch], url);
    const workerPid = () => {
      const out = spawnSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" }).stdout.trim();
      return out ? Number(out.split("\n")[0]) : undefined;
    };
    return { url, name: "nginx (1 worker)", servingPid: workerPid, stop: () => child.kill("SIGTERM") };
  }
  const script = join(scratch, "trivial.mjs");
  writeFileSync(
    script,
    `import { createServer } from "node:http"; createServer((q, s) => { q.resume(); s.end("ok"); }).listen(${port}, "127.0.0.1");`,
  );
  const child = await startBackground(process.execPath, [script], url);
  return { url, name: "node:http", servingPid: () => child.pid, stop: () => child.kill("SIGTERM") };
}

/** A node:http server that holds every request arriving in the first STALL_MS of each PERIOD_MS. */
async function stallingServer(scratch: string): Promise<Background> {
  const port = await freePort();
  const script = join(scratch, "stall.mjs");
  writeFileSync(
    script,
    `import { createServer } from "node:http";
const epoch = performance.now();
createServer((q, s) => { q.resume(); q.on("end", () => {
  const phase = (performance.now() - epoch) % ${PERIOD_MS};
  const wait = phase < ${STALL_MS} ? ${STALL_MS} - phase : 0;
  const end = () => s.end("ok");
  if (wait > 0) setTimeout(end, wait); else end();
}); }).listen(${port}, "127.0.0.1");`,
  );
  const url = `http://127.0.0.1:${port}/`;
  const child = await startBackground(process.execPath, [script], url);
  return { url, name: "stalling node:http", servingPid: () => child.pid, stop: () => child.kill("SIGTERM") };
}

/** One run of one tool. */
interface Figures {
  rps: number;
  requests: number;
  p99Ms: number;
  /** The generator process's CPU time over its run, and the run's length. */
  cpuSeconds: number;
  wallSeconds: number;
  /** The server's CPU time over the same run. */
  serverCpuSeconds?: number;
  /** mlgate's verdict line, which says when the generator itself fell behind. */
  headline?: string;
}

function run(cmd: string, args: string[]): string {
  const [c, a] = onCore(0, cmd, args);
  const result = spawnSync(c, a, { cwd: root, encoding: "utf8", timeout: 180_000, maxBuffer: 16 << 20 });
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed: ${(result.stderr || result.stdout || "").slice(-2000)}`,
    );
  }
  return result.stdout;
}

interface WorkerOutput {
  requests: number;
  rps: number;
  p99Ms: number;
  cpuMs: number;
  wallMs: number;
  headline?: string;
}

function fromWorker(stdout: string): Figures {
  const out = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as WorkerOutput;
  return {
    rps: out.rps,
    requests: out.requests,
    p99Ms: out.p99Ms,
    cpuSeconds: out.cpuMs / 1000,
    wallSeconds: out.wallMs / 1000,
    ...(out.headline ? { headline: out.headline } : {}),
  };
}

function runMlgate(input: object): Figures {
  return fromWorker(
    run(process.execPath, ["--import", "tsx", worker("load-mlgate.ts"), JSON.stringify(input)]),
  );
}

function runAutocannon(url: string, seconds: number, rate?: number): Figures {
  const options = {
    url,
    connections: CONNECTIONS,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
  };
  return fromWorker(
    run(process.execPath, ["--import", "tsx", worker("load-autocannon.ts"), JSON.stringify(options)]),
  );
}

/** wrk's text report (`Requests/sec:`, `N requests in`, the `--latency` `99%` line), CPU by GNU time. */
function runWrk(url: string, connections: number, seconds: number, scratch: string): Figures {
  const timeFile = join(scratch, "wrk-time.txt");
  const withTime = existsSync("/usr/bin/time");
  const wrkArgs = ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", url];
  const started = performance.now();
  const stdout = withTime
    ? run("/usr/bin/time", ["-o", timeFile, "-f", "%U %S", "wrk", ...wrkArgs])
    : run("wrk", wrkArgs);
  const wallSeconds = (performance.now() - started) / 1000;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(stdout);
  const scale = p99?.[2] === "us" ? 0.001 : p99?.[2] === "s" ? 1000 : 1;
  const [user, system] = withTime ? readFileSync(timeFile, "utf8").trim().split("\n").pop()!.split(" ") : [];
  return {
    rps,
    requests,
    p99Ms: p99 ? Number(p99[1]) * scale : Number.NaN,
    cpuSeconds: withTime ? Number(user) + Number(system) : Number.NaN,
    wallSeconds,
  };
}

/** Run `fn` and add the server's CPU time over it. */
function withServerCpu(server: Background, fn: () => Figures): Figures {
  const pid = server.servingPid();
  const before = cpuSecondsOf(pid);
  const figures = fn();
  const after = cpuSecondsOf(pid);
  return before !== undefined && after !== undefined
    ? { ...figures, serverCpuSeconds: after - before }
    : figures;
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "—");
const perCpu = (f: Figures) => f.requests / f.cpuSeconds;
/** Share of a core the server used during the run. */
const serverLoad = (f: Figures) => (f.serverCpuSeconds ?? Number.NaN) / f.wallSeconds;

function median(values: number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

type Tool = "mlgate" | "autocannon" | "wrk";

const bench: Benchmark = {
  name: "load-test",
  description: "generator ceiling and coordinated omission, side by side with autocannon and wrk",
  async run() {
    const scratch = mkdtempSync(join(tmpdir(), "mlgate-bench-load-"));
    const haveWrk = commandExists("wrk");
    const haveAutocannon = existsSync(join(root, "node_modules/autocannon/package.json"));
    console.log(
      pinned
        ? "generators pinned to core 0, servers to core 1 (taskset)"
        : "not pinned (taskset or a second core missing)",
    );
    try {
      // 1. Ceiling.
      const trivial = await trivialServer(scratch);
      const tools: Tool[] = [
        "mlgate",
        ...(haveAutocannon ? ["autocannon" as const] : []),
        ...(haveWrk ? ["wrk" as const] : []),
      ];
      console.log(
        `\nceiling: ${ROUNDS} rounds of ${CEILING_SECONDS}s per tool, ${CONNECTIONS} connections, against ${trivial.name}; order alternates\n`,
      );
      const runs: Record<Tool, Figures[]> = { mlgate: [], autocannon: [], wrk: [] };
      let open: Figures | undefined;
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? tools : [...tools].reverse();
          for (const tool of order) {
            const f = withServerCpu(trivial, () =>
              tool === "mlgate"
                ? runMlgate({
                    url: trivial.url,
                    concurrency: CONNECTIONS,
                    durationMs: CEILING_SECONDS * 1000,
                  })
                : tool === "autocannon"
                  ? runAutocannon(trivial.url, CEILING_SECONDS)
                  : runWrk(trivial.url, CONNECTIONS, CEILING_SECONDS, scratch),
            );
            runs[tool].push(f);
          }
        }
        open = withServerCpu(trivial, () =>
          runMlgate({
            url: trivial.url,
            rate: OPEN_RATE,
            durationMs: CEILING_SECONDS * 1000,
            connections: CONNECTIONS,
            timeoutMs: 10_000,
          }),
        );
      } finally {
        trivial.stop();
      }

      const row = (name: string, fs: Figures[]): string[] =>
        fs.length === 0
          ? [name, "not installed", "", "", "", ""]
          : [
              name,
              fmt(median(fs.map((f) => f.rps))),
              fs.map((f) => fmt(f.rps)).join(" "),
              fmt(median(fs.map(perCpu))),
              fmt(median(fs.map((f) => f.cpuSeconds / f.wallSeconds)), 2),
              fmt(median(fs.map(serverLoad)), 2),
            ];
      printTable(
        [
          "tool",
          "requests/s (median)",
          "each round",
          "requests per CPU-s",
          "generator cores",
          "server cores",
        ],
        [
          row(`mlgate --concurrency ${CONNECTIONS}`, runs.mlgate),
          row(`autocannon -c ${CONNECTIONS}`, runs.autocannon),
          row(`wrk -t1 -c${CONNECTIONS}`, runs.wrk),
          ...(open ? [row(`mlgate --rate ${OPEN_RATE}/s (open)`, [open])] : []),
        ],
      );
      if (open?.headline) console.log(`mlgate open model: ${open.headline}`);

      /** Ratios within each round (the tools ran back to back), then their median. */
      const ratios = (other: Tool, of: (f: Figures) => number) =>
        runs.mlgate.map((m, i) => {
          const o = runs[other][i];
          return o ? of(m) / of(o) : Number.NaN;
        });
      const verdict = (other: Tool, target: number) => {
        if (runs[other].length === 0) return;
        const wall = ratios(other, (f) => f.rps);
        const cpu = ratios(other, perCpu);
        const met = median(wall) >= target;
        console.log(
          `mlgate / ${other}: requests/s ${fmt(median(wall), 2)}x (rounds: ${wall.map((r) => fmt(r, 2)).join(", ")}; target >= ${target}x: ${met ? "met" : "not met"}), requests per CPU-s ${fmt(median(cpu), 2)}x`,
        );
      };
      console.log("");
      verdict("autocannon", 1.2);
      verdict("wrk", 0.5);
      const busiest = Math.max(
        ...[...runs.mlgate, ...runs.autocannon, ...runs.wrk].map(serverLoad).filter(Number.isFinite),
      );
      if (busiest >= SATURATED) {
        console.log(
          `the server used up to ${fmt(busiest, 2)} of its core: where it is saturated, the tools measure the server, not themselves`,
        );
      } else if (Number.isFinite(busiest)) {
        console.log(
          `the server used at most ${fmt(busiest, 2)} of its core: it did not set the pace (a generator below 1 core was held back by the machine's other load or by round trips)`,
        );
      }

      // 2. Coordinated omission.
      const stall = await stallingServer(scratch);
      console.log(
        `\ncoordinated omission: ${STALL_MS}ms stall every ${PERIOD_MS / 1000}s, ${CO_SECONDS}s each; true p99 at ${CO_RATE}/s: ${TRUE_P99}ms\n`,
      );
      let mg: Figures;
      let acCo: Figures | undefined;
      let wrkCo: Figures | undefined;
      try {
        // A short warm-up so the process's cold start is not measured (the others start warm in C or run longer).
        mg = runMlgate({ url: stall.url, rate: CO_RATE, durationMs: CO_SECONDS * 1000, warmupMs: 2000 });
        acCo = haveAutocannon ? runAutocannon(stall.url, CO_SECONDS, CO_RATE) : undefined;
        wrkCo = haveWrk ? runWrk(stall.url, 10, CO_SECONDS, scratch) : undefined;
      } finally {
        stall.stop();
      }
      const coRow = (name: string, f: Figures | undefined): string[] => {
        if (!f) return [name, "not installed", "", ""];
        const off = (f.p99Ms - TRUE_P99) / TRUE_P99;
        return [
          name,
          fmt(f.p99Ms, 1),
          `${(f.p99Ms / TRUE_P99).toFixed(2)}x`,
          Math.abs(off) <= 0.1 ? "yes" : "no",
        ];
      };
      printTable(
        ["tool", "p99 ms", "p99 / true p99", "within 10%"],
        [
          coRow(`mlgate --rate ${CO_RATE}/s (open model)`, mg),
          coRow(`autocannon -c ${CONNECTIONS} -R ${CO_RATE}`, acCo),
          coRow("wrk -t1 -c10 (corrected afterwards)", wrkCo),
        ],
      );
      console.log(`mlgate: ${mg.headline}`);
      console.log(
        "autocannon times each request from when it left; wrk does too, then adds the samples a steady arrival at its own average rate would have had (its stats_correct), which lands near the true p99 of that rate; mlgate measures every request from its scheduled start",
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

export default bench;
