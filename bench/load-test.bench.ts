/**
 * load-test's generator against the tools users would pick instead, on the same loopback server in
 * the same run: autocannon (npm) and wrk (Debian).
 *
 * 1. Ceiling: requests per second each tool drives through one core (pinned with taskset when
 *    available; the server gets the other core) against a trivial server (nginx when installed, else
 *    node:http), closed loop with the same number of connections. mlgate's open model is measured too.
 * 2. Coordinated omission: a server that stalls for 500 ms every 5 s (the 1 s every 10 s,
 *    halved) under 200 requests/s. The true p99 of requests arriving at a steady 200/s is
 *    stall − 1% of the period = 450 ms. Each tool's p99 is printed against it.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commandExists, measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const AUTOCANNON = join(root, "node_modules/.bin/autocannon");
const CONNECTIONS = 50;
const CEILING_SECONDS = 8;
const STALL_MS = 500;
const PERIOD_MS = 5000;
const CO_RATE = 200;
const CO_SECONDS = 10;
const TRUE_P99 = STALL_MS - 0.01 * PERIOD_MS;

const pinned =
  commandExists("taskset") && Number(spawnSync("nproc", { encoding: "utf8" }).stdout.trim()) >= 2;
/** Generators on core 0, servers on core 1. */
const onCore = (core: number, cmd: string, args: string[]): [string, string[]] =>
  pinned ? ["taskset", ["-c", String(core), cmd, ...args]] : [cmd, args];

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

async function startBackground(cmd: string, args: string[], url: string): Promise<Background> {
  const [c, a] = onCore(1, cmd, args);
  const child = spawn(c, a, { stdio: "ignore" });
  await waitUntilUp(url);
  return { url, stop: () => child.kill("SIGTERM") };
}

/** nginx answering `ok` from one worker, or a node:http server doing the same. */
async function trivialServer(scratch: string): Promise<Background & { name: string }> {
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
    return {
      name: "nginx (1 worker)",
      ...(await startBackground("nginx", ["-c", conf, "-p", scratch], url)),
    };
  }
  const script = join(scratch, "trivial.mjs");
  writeFileSync(
    script,
    `import { createServer } from "node:http"; createServer((q, s) => { q.resume(); s.end("ok"); }).listen(${port}, "127.0.0.1");`,
  );
  return { name: "node:http", ...(await startBackground(process.execPath, [script], url)) };
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
  return startBackground(process.execPath, [script], `http://127.0.0.1:${port}/`);
}

/** mlgate's generator as its own process, printing the report as JSON. */
function mlgateScript(scratch: string): string {
  const script = join(scratch, "mlgate-load.ts");
  const entry = join(root, "packages/load/src/index.ts");
  writeFileSync(
    script,
    `import { runLoadTest } from ${JSON.stringify(entry)};
const input = JSON.parse(process.argv[2]);
const report = await runLoadTest(input);
process.stdout.write(JSON.stringify({ verdict: report.verdict, headline: report.headline, metrics: Object.fromEntries(Object.entries(report.metrics).map(([k, v]) => [k, v.value])) }));`,
  );
  return script;
}

interface Figures {
  rps: number;
  p99Ms: number;
  /** mlgate's verdict line, which says when the generator itself fell behind. */
  headline?: string;
}

function runMlgate(script: string, input: object): Figures {
  const [cmd, args] = onCore(0, process.execPath, [
    "--import",
    "tsx",
    script,
    JSON.stringify({ gates: ["p99 < 1h"], progressEveryMs: 600_000, ...input }),
  ]);
  const m = measure(cmd, args, { runs: 1, cwd: root, okExitCodes: [0] });
  const out = JSON.parse(m.stdout) as { headline: string; metrics: Record<string, number> };
  return { rps: out.metrics.throughput ?? 0, p99Ms: out.metrics.p99 ?? Number.NaN, headline: out.headline };
}

function runAutocannon(url: string, extra: string[], seconds: number): Figures {
  const [cmd, args] = onCore(0, process.execPath, [
    AUTOCANNON,
    "--json",
    "-c",
    String(CONNECTIONS),
    "-d",
    String(seconds),
    ...extra,
    url,
  ]);
  const m = measure(cmd, args, { runs: 1, cwd: root });
  const out = JSON.parse(m.stdout) as { requests: { average: number }; latency: { p99: number } };
  return { rps: out.requests.average, p99Ms: out.latency.p99 };
}

/** wrk's text report: `Requests/sec: 51234.5` and the `--latency` distribution's `99%` line. */
function runWrk(url: string, connections: number, seconds: number): Figures {
  const [cmd, args] = onCore(0, "wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", url]);
  const m = measure(cmd, args, { runs: 1, cwd: root });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(m.stdout)?.[1]);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(m.stdout);
  const scale = p99?.[2] === "us" ? 0.001 : p99?.[2] === "s" ? 1000 : 1;
  return { rps, p99Ms: p99 ? Number(p99[1]) * scale : Number.NaN };
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "—");

const bench: Benchmark = {
  name: "load-test",
  description: "generator ceiling and coordinated omission, side by side with autocannon and wrk",
  async run() {
    const scratch = mkdtempSync(join(tmpdir(), "mlgate-bench-load-"));
    const haveWrk = commandExists("wrk");
    const haveAutocannon = (() => {
      try {
        readFileSync(AUTOCANNON);
        return true;
      } catch {
        return false;
      }
    })();
    console.log(
      pinned
        ? "generators pinned to core 0, servers to core 1 (taskset)"
        : "not pinned (taskset or a second core missing)",
    );
    const script = mlgateScript(scratch);
    try {
      // 1. Ceiling.
      const trivial = await trivialServer(scratch);
      console.log(
        `\nceiling: ${CEILING_SECONDS}s each, ${CONNECTIONS} connections, against ${trivial.name}\n`,
      );
      const closed = runMlgate(script, {
        url: trivial.url,
        concurrency: CONNECTIONS,
        durationMs: CEILING_SECONDS * 1000,
      });
      const open = runMlgate(script, {
        url: trivial.url,
        rate: 40_000,
        durationMs: CEILING_SECONDS * 1000,
        connections: CONNECTIONS,
        timeoutMs: 10_000,
      });
      const ac = haveAutocannon ? runAutocannon(trivial.url, [], CEILING_SECONDS) : undefined;
      const wrk = haveWrk ? runWrk(trivial.url, CONNECTIONS, CEILING_SECONDS) : undefined;
      trivial.stop();
      const ratio = (a: number, b: Figures | undefined) => (b ? `${(a / b.rps).toFixed(2)}x` : "—");
      printTable(
        ["tool", "requests/s", "vs autocannon", "vs wrk"],
        [
          [
            "mlgate (closed, --concurrency 50)",
            fmt(closed.rps),
            ratio(closed.rps, ac),
            ratio(closed.rps, wrk),
          ],
          ["mlgate (open, 40000/s asked)", fmt(open.rps), ratio(open.rps, ac), ratio(open.rps, wrk)],
          ["autocannon -c 50", ac ? fmt(ac.rps) : "not installed", "", ""],
          ["wrk -t1 -c50", wrk ? fmt(wrk.rps) : "not installed", "", ""],
        ],
      );
      console.log("targets: mlgate >= 1.2x autocannon and >= 0.5x wrk");

      // 2. Coordinated omission.
      const stall = await stallingServer(scratch);
      console.log(
        `\ncoordinated omission: ${STALL_MS}ms stall every ${PERIOD_MS / 1000}s, ${CO_SECONDS}s each; true p99 at ${CO_RATE}/s: ${TRUE_P99}ms\n`,
      );
      // A short warm-up so the process's cold start is not measured (the others start warm in C or run longer).
      const mg = runMlgate(script, {
        url: stall.url,
        rate: CO_RATE,
        durationMs: CO_SECONDS * 1000,
        warmupMs: 2000,
      });
      const acCo = haveAutocannon ? runAutocannon(stall.url, ["-R", String(CO_RATE)], CO_SECONDS) : undefined;
      const wrkCo = haveWrk ? runWrk(stall.url, 10, CO_SECONDS) : undefined;
      stall.stop();
      const row = (name: string, f: Figures | undefined): string[] => {
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
          row(`mlgate --rate ${CO_RATE}/s (open model)`, mg),
          row(`autocannon -c ${CONNECTIONS} -R ${CO_RATE}`, acCo),
          row("wrk -t1 -c10", wrkCo),
        ],
      );
      console.log(`mlgate: ${mg.headline}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
};

export default bench;
