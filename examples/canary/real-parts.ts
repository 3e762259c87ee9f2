/**
 * Real nginx and Prometheus on loopback, each in its own temporary directory at free ports, for
 * trying the canary against the parts users run (and for the end-to-end tests). Nothing needs root:
 * pid files, logs and temp paths live in the directory.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  child?: ChildProcess,
  log?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`${what} exited with code ${child.exitCode}: ${log?.() ?? ""}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within ${timeoutMs}ms: ${log?.() ?? ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export interface Nginx {
  /** `http://127.0.0.1:PORT`: requests here go through the managed upstream. */
  url: string;
  /** The include file holding the upstream block. */
  upstreamFile: string;
  /** The include file inside the server block, for the mirror directive (with `mirror: true`). */
  mirrorFile?: string;
  upstream: string;
  prefix: string;
  conf: string;
  errorLog: string;
  /** The reload command as an argument vector. */
  reload: string[];
  stop(): Promise<void>;
}

/**
 * nginx in the foreground (`daemon off`), proxying every path to `upstream`, whose block lives in an
 * include file that starts as `initialUpstream` (the text of the file). With `mirror`, the server block
 * also includes a second file for the canary's mirror directive, and every proxied request carries
 * nginx's `$request_id` as `X-Request-Id` (the id a mirrored copy carries too).
 */
export async function startNginx(options: {
  upstream: string;
  initialUpstream: string;
  binary?: string;
  mirror?: boolean;
}): Promise<Nginx> {
  const prefix = await mkdtemp(join(tmpdir(), "mlgate-nginx-"));
  await chmod(prefix, 0o755);
  for (const dir of ["logs", "tmp"]) await mkdir(join(prefix, dir));
  const port = await freePort();
  const upstreamFile = join(prefix, "upstream.conf");
  const conf = join(prefix, "nginx.conf");
  const errorLog = join(prefix, "logs", "error.log");
  const mirrorFile = options.mirror ? join(prefix, "mirror.conf") : undefined;
  await writeFile(upstreamFile, options.initialUpstream);
  if (mirrorFile) await writeFile(mirrorFile, "# Managed by mlgate canary: no requests are mirrored.\n");
  await writeFile(
    conf,
    [
      "worker_processes 1;",
      "pid nginx.pid;",
      `error_log ${errorLog} notice;`,
      "events { worker_connections 1024; }",
      "http {",
      "  access_log off;",
      "  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;",
      "  uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;",
      `  include ${upstreamFile};`,
      "  server {",
      `    listen 127.0.0.1:${port};`,
      ...(mirrorFile ? [`    include ${mirrorFile};`] : []),
      `    location / { proxy_pass http://${options.upstream}; proxy_next_upstream off;${mirrorFile ? " proxy_set_header X-Request-Id $request_id;" : ""} }`,
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  const binary = options.binary ?? "nginx";
  const base = [binary, "-p", prefix, "-c", conf, "-e", errorLog];
  let output = "";
  const child = spawn(base[0]!, [...base.slice(1), "-g", "daemon off;"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    "nginx",
    async () =>
      await request(`${url}/`, { headersTimeout: 1000 }).then((r) => r.body.dump().then(() => true)),
    10_000,
    child,
    () => output,
  );
  return {
    url,
    upstreamFile,
    ...(mirrorFile ? { mirrorFile } : {}),
    upstream: options.upstream,
    prefix,
    conf,
    errorLog,
    reload: [...base, "-s", "reload"],
    stop: async () => {
      await stopChild(child, "SIGQUIT");
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

export interface Prometheus {
  url: string;
  /** Stop the server, keeping its data (for a test that takes it down mid-analysis). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** Prometheus scraping `targets` (host:port, at /metrics) every `scrapeMs`; resolves once every target is up. */
export async function startPrometheus(options: {
  targets: string[];
  scrapeMs?: number;
  binary?: string;
}): Promise<Prometheus> {
  const dir = await mkdtemp(join(tmpdir(), "mlgate-prometheus-"));
  const port = await freePort();
  const scrape = `${options.scrapeMs ?? 1000}ms`;
  await writeFile(
    join(dir, "prometheus.yml"),
    [
      `global: { scrape_interval: ${scrape}, scrape_timeout: ${scrape}, evaluation_interval: ${scrape} }`,
      "scrape_configs:",
      "  - job_name: models",
      `    static_configs: [{ targets: [${options.targets.map((t) => JSON.stringify(t)).join(", ")}] }]`,
      "",
    ].join("\n"),
  );
  let output = "";
  const child = spawn(
    options.binary ?? "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (d) => (output = (output + d).slice(-4000)));
  child.stderr!.on("data", (d) => (output = (output + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  // Prometheus applies its first targets about five seconds after it starts.
  await waitFor(
    "prometheus",
    async () => {
      const res = await request(`${url}/api/v1/query?query=${encodeURIComponent("count(up == 1)")}`);
      const json = (await res.body.json()) as { data?: { result?: { value: [number, string] }[] } };
      return Number(json.data?.result?.[0]?.value[1] ?? 0) === options.targets.length;
    },
    30_000,
    child,
    () => output,
  );
  return {
    url,
    kill: () => stopChild(child, "SIGKILL"),
    stop: async () => {
      await stopChild(child, "SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
  };
}
