import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isGateError } from "@mlgate/core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ONNXRUNTIME_VERSION, resolveOnnxRuntime, TOOL_CACHE_FOLDER } from "../src/index.js";

const run = promisify(execFile);
let root: string;
let tarball: string;

/** A stand-in onnxruntime-node package; its install script records the install flag it was given. */
async function fakePackage(dir: string, version: string): Promise<void> {
  await mkdir(join(dir, "dist"), { recursive: true });
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({
      name: "onnxruntime-node",
      version,
      main: "dist/index.js",
      scripts: { postinstall: "node record-flag.js" },
    }),
  );
  await writeFile(join(dir, "dist", "index.js"), "module.exports = { fake: true };\n");
  await writeFile(
    join(dir, "record-flag.js"),
    "require('fs').writeFileSync(__dirname + '/install-flag.txt', String(process.env.ONNXRUNTIME_NODE_INSTALL));\n",
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "mlgate-onnx-resolve-"));
  const source = join(root, "fake-source");
  await fakePackage(source, ONNXRUNTIME_VERSION);
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", root], {
    cwd: source,
    timeout: 60_000,
  });
  tarball = join(root, stdout.trim().split("\n").pop()!);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function gateFailure(promise: Promise<unknown>): Promise<Error> {
  const e = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (err: unknown) => err,
  );
  expect(isGateError(e)).toBe(true);
  return e as Error;
}

describe("resolveOnnxRuntime", () => {
  it("prefers the workspace's own onnxruntime-node", async () => {
    const workspace = join(root, "workspace");
    await fakePackage(join(workspace, "node_modules", "onnxruntime-node"), "9.9.9");
    const lines: string[] = [];
    const found = await resolveOnnxRuntime({ cwd: join(workspace), log: (l) => lines.push(l) });
    expect(found).toEqual({
      source: "workspace",
      version: "9.9.9",
      modulePath: join(workspace, "node_modules", "onnxruntime-node", "dist", "index.js"),
    });
    expect(lines.join("\n")).toMatch(/9\.9\.9 from the workspace/);
  });

  it("falls back to mlgate's own dependency", async () => {
    const found = await resolveOnnxRuntime({ cwd: join(root, "empty") });
    expect(found.source).toBe("bundled");
    expect(found.version).toBe(ONNXRUNTIME_VERSION);
    expect(found.modulePath).toMatch(/node_modules\/onnxruntime-node\/dist\/index\.js$/);
  });

  it("installs the pinned version into the tool cache once, with the GPU download skipped", async () => {
    const cache = join(root, "cache");
    const lines: string[] = [];
    const options = { cwd: join(root, "empty"), toolCacheDir: cache, bundled: false, packageSpec: tarball };
    const installed = await resolveOnnxRuntime({ ...options, install: true, log: (l) => lines.push(l) });
    const pkgDir = join(cache, TOOL_CACHE_FOLDER, ONNXRUNTIME_VERSION, "node_modules", "onnxruntime-node");
    expect(installed).toEqual({
      source: "installed",
      version: ONNXRUNTIME_VERSION,
      modulePath: join(pkgDir, "dist", "index.js"),
    });
    expect(await readFile(join(pkgDir, "install-flag.txt"), "utf8")).toBe("skip");
    expect(lines[0]).toMatch(/installing .*\.tgz into the tool cache/);
    // Next time the cache answers without npm (an install would fail: the spec is gone).
    const cached = await resolveOnnxRuntime({
      ...options,
      packageSpec: join(root, "missing.tgz"),
      install: true,
    });
    expect(cached).toEqual({ ...installed, source: "tool-cache" });
  });

  it("reads RUNNER_TOOL_CACHE and ignores a cached install of another version", async () => {
    const cache = join(root, "runner-cache");
    vi.stubEnv("RUNNER_TOOL_CACHE", cache);
    await fakePackage(join(cache, TOOL_CACHE_FOLDER, "1.2.3", "node_modules", "onnxruntime-node"), "1.2.3");
    const found = await resolveOnnxRuntime({ cwd: join(root, "empty"), bundled: false, version: "1.2.3" });
    expect(found.source).toBe("tool-cache");
    const e = await gateFailure(
      resolveOnnxRuntime({ cwd: join(root, "empty"), bundled: false, version: "1.2.4" }),
    );
    expect(e.message).toMatch(/onnxruntime-node 1\.2\.4 is not installed/);
  });

  it("says what to do when nothing provides the runtime", async () => {
    vi.stubEnv("RUNNER_TOOL_CACHE", "");
    const e = await gateFailure(
      resolveOnnxRuntime({ cwd: join(root, "empty"), bundled: false, install: true }),
    );
    expect(e.message).toMatch(/no tool cache/);
    expect((e as { hint?: string }).hint).toMatch(/npm install onnxruntime-node/);
  });

  it("reports a failed install with npm's own words", async () => {
    const e = await gateFailure(
      resolveOnnxRuntime({
        cwd: join(root, "empty"),
        toolCacheDir: join(root, "failing-cache"),
        bundled: false,
        install: true,
        packageSpec: join(root, "missing.tgz"),
      }),
    );
    expect(e.message).toMatch(/npm install of onnxruntime-node failed \(exit code \d+\)/);
    expect(e.message).toMatch(/missing\.tgz|ENOENT/);
  });

  it("stops an install that hangs", async () => {
    const slowNpm = join(root, "slow-npm.sh");
    await writeFile(slowNpm, "#!/bin/sh\nsleep 30\n");
    await chmod(slowNpm, 0o755);
    const started = Date.now();
    const e = await gateFailure(
      resolveOnnxRuntime({
        cwd: join(root, "empty"),
        toolCacheDir: join(root, "slow-cache"),
        bundled: false,
        install: true,
        npmCommand: slowNpm,
        installTimeoutMs: 300,
      }),
    );
    expect(e.message).toMatch(/did not finish within/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
