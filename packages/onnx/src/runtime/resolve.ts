/**
 * Finds onnxruntime-node without bundling it: the runtime ships native binaries too large to copy
 * into every action, so it is loaded by absolute path at run time from the user's workspace, this
 * package's own node_modules, or a pinned copy installed once into the runner's tool cache.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { GateError } from "@mlgate/core";

export const ONNXRUNTIME_PACKAGE = "onnxruntime-node";
/** The version installed when neither the workspace nor this package provides one. */
export const ONNXRUNTIME_VERSION = "1.30.0";
/** Folder under the tool cache: <toolCache>/mlgate-onnxruntime-node/<version>. */
export const TOOL_CACHE_FOLDER = "mlgate-onnxruntime-node";

export interface ResolvedRuntime {
  /** Absolute path of the package's entry module, for require() in the session's process. */
  modulePath: string;
  version: string;
  source: "workspace" | "bundled" | "tool-cache" | "installed";
}

export interface ResolveRuntimeOptions {
  /** The user's workspace: its node_modules are searched first. */
  cwd: string;
  /** Default: $RUNNER_TOOL_CACHE. Without either, no cache is used. */
  toolCacheDir?: string;
  /** Install into the tool cache when nothing else provides the runtime. */
  install?: boolean;
  /** Pinned version for the tool cache, default ONNXRUNTIME_VERSION. */
  version?: string;
  /** What npm installs (default onnxruntime-node@<version>); a tarball path in tests. */
  packageSpec?: string;
  log?: (line: string) => void;
  /** Bound on `npm install`, default 5 minutes. */
  installTimeoutMs?: number;
  /** Default "npm" from PATH. */
  npmCommand?: string;
  /** Also look in mlgate's own dependencies (default true; tests of the cache turn it off). */
  bundled?: boolean;
}

export async function resolveOnnxRuntime(options: ResolveRuntimeOptions): Promise<ResolvedRuntime> {
  const log = options.log ?? (() => {});
  const version = options.version ?? ONNXRUNTIME_VERSION;

  const workspace = resolveFrom(join(resolve(options.cwd), "noop.js"));
  if (workspace) {
    log(`onnxruntime-node ${workspace.version} from the workspace (${workspace.modulePath})`);
    return { ...workspace, source: "workspace" };
  }
  const bundled = options.bundled === false ? null : resolveFrom(import.meta.url);
  if (bundled) {
    log(`onnxruntime-node ${bundled.version} from mlgate's own dependencies`);
    return { ...bundled, source: "bundled" };
  }

  const cacheRoot = options.toolCacheDir ?? process.env["RUNNER_TOOL_CACHE"];
  if (!cacheRoot) {
    throw new GateError("onnxruntime-node is not installed and there is no tool cache to install it into", {
      hint: "add onnxruntime-node to the workspace (npm install onnxruntime-node), or run on a runner with RUNNER_TOOL_CACHE",
    });
  }
  const dir = join(resolve(cacheRoot), TOOL_CACHE_FOLDER, version);
  const cached = readInstalled(dir, version);
  if (cached) {
    log(`onnxruntime-node ${cached.version} from the tool cache (${dir})`);
    return { ...cached, source: "tool-cache" };
  }
  if (!options.install) {
    throw new GateError(`onnxruntime-node ${version} is not installed (looked in the workspace and ${dir})`, {
      hint: "add onnxruntime-node to the workspace, or allow the gate to install it into the tool cache",
    });
  }
  await installInto(dir, version, options, log);
  const installed = readInstalled(dir, version);
  if (!installed) {
    throw new GateError(
      `npm installed ${options.packageSpec ?? `onnxruntime-node@${version}`} but ${dir} holds no onnxruntime-node ${version}`,
      {
        hint: "check the package spec and version",
      },
    );
  }
  log(`onnxruntime-node ${installed.version} installed into the tool cache (${dir})`);
  return { ...installed, source: "installed" };
}

/** The runtime as Node would resolve it from `base` (a file path or URL), or null. */
function resolveFrom(base: string): Omit<ResolvedRuntime, "source"> | null {
  let modulePath: string;
  try {
    modulePath = createRequire(base).resolve(ONNXRUNTIME_PACKAGE);
  } catch {
    return null;
  }
  const manifest = packageManifestAbove(modulePath);
  return manifest ? { modulePath, version: manifest.version } : null;
}

/** The onnxruntime-node package.json that owns `file`. */
function packageManifestAbove(file: string): { version: string; dir: string } | null {
  let dir = dirname(file);
  for (let i = 0; i < 8; i++) {
    const manifest = readManifest(dir);
    if (manifest?.name === ONNXRUNTIME_PACKAGE) return { version: manifest.version ?? "unknown", dir };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function readManifest(dir: string): { name?: string; version?: string; main?: string } | null {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string; main?: string };
  } catch {
    return null;
  }
}

/** A complete install of `version` under `dir` (only that folder, never its parents). */
function readInstalled(dir: string, version: string): Omit<ResolvedRuntime, "source"> | null {
  const pkgDir = join(dir, "node_modules", ONNXRUNTIME_PACKAGE);
  const manifest = readManifest(pkgDir);
  if (manifest?.name !== ONNXRUNTIME_PACKAGE || manifest.version !== version) return null;
  const modulePath = join(pkgDir, manifest.main ?? "index.js");
  const candidates = [modulePath, `${modulePath}.js`, join(modulePath, "index.js")];
  const found = candidates.find((path) => existsSync(path) && !path.endsWith("/"));
  return found ? { modulePath: found, version } : null;
}

/** npm install into a fresh folder, then rename it into place: a half-finished install is never seen. */
async function installInto(
  dir: string,
  version: string,
  options: ResolveRuntimeOptions,
  log: (line: string) => void,
): Promise<void> {
  const spec = options.packageSpec ?? `${ONNXRUNTIME_PACKAGE}@${version}`;
  const staging = `${dir}.partial-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  log(`installing ${spec} into the tool cache (${dir})`);
  try {
    await runNpm(
      options.npmCommand ?? "npm",
      ["install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--prefix", staging, spec],
      options.installTimeoutMs ?? 5 * 60_000,
    );
    await mkdir(dirname(dir), { recursive: true });
    try {
      await rename(staging, dir);
    } catch (e) {
      // Another job finished the same install first: keep theirs.
      if (!readInstalled(dir, version)) {
        await rm(dir, { recursive: true, force: true });
        await rename(staging, dir).catch((again) => {
          throw new GateError(`cannot move the onnxruntime-node install into ${dir}: ${String(again)}`, {
            cause: e,
          });
        });
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function runNpm(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout stops npm and every script it started.
      detached: process.platform !== "win32",
      env: {
        ...process.env,
        // The package's postinstall would download GPU libraries; the CPU binaries ship in the tarball.
        ONNXRUNTIME_NODE_INSTALL: "skip",
        npm_config_onnxruntime_node_install: "skip",
        npm_config_update_notifier: "false",
      },
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-8000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined && process.platform !== "win32") process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
      reject(
        new GateError(
          `npm install of onnxruntime-node did not finish within ${Math.round(timeoutMs / 1000)} s`,
          {
            hint: "check the runner's access to the npm registry, or add onnxruntime-node to the workspace",
          },
        ),
      );
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new GateError(`cannot run ${command} to install onnxruntime-node: ${e.message}`, { cause: e }));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolvePromise();
      const tail = output.trim().split("\n").slice(-10).join("\n");
      reject(
        new GateError(
          `npm install of onnxruntime-node failed (${signal ? `signal ${signal}` : `exit code ${code}`})${tail ? `:\n${tail}` : ""}`,
          { hint: "check the runner's access to the npm registry, or add onnxruntime-node to the workspace" },
        ),
      );
    });
  });
}
