/**
 * The published `mlgate` package: `npm pack` bundles the command line into dist/, and the tarball
 * must run on its own (no workspace, no TypeScript source, no dependencies to install).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");

describe("the mlgate npm package", () => {
  it("packs a self-contained command line that judges a metrics file", { timeout: 600_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "mlgate-pack-"));
    const { stdout } = await run("npm", ["pack", "-w", "mlgate", "--json", "--pack-destination", dir], {
      cwd: root,
      maxBuffer: 10 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed?.files.map((f) => f.path).sort();
    // Engines a command loads on first use (the protobuf and signature readers, among others) are chunks beside cli.js.
    const chunk = /^dist\/\d+\.index\.js$/;
    expect(files?.filter((f) => !chunk.test(f))).toEqual([
      "bin/mlgate.js",
      "dist/cli.js",
      "dist/licenses.txt",
      "dist/package.json",
      "package.json",
    ]);

    await run("tar", ["-xzf", join(dir, packed?.filename ?? ""), "-C", dir]);
    expect((await readdir(join(dir, "package"))).sort()).toEqual(["bin", "dist", "package.json"]);
    // The licences of what the bundle ships, from its main chunk (zod) and a lazy one (protobufjs) alike.
    const licenses = (await readFile(join(dir, "package", "dist", "licenses.txt"), "utf8")).split("\n");
    expect(licenses).toContain("zod");
    expect(licenses).toContain("protobufjs");

    const work = await mkdtemp(join(tmpdir(), "mlgate-pack-use-"));
    await writeFile(join(work, "m.json"), JSON.stringify({ accuracy: 0.95 }));
    const bin = join(dir, "package", "bin", "mlgate.js");
    const ok = await run(
      process.execPath,
      [bin, "eval-gate", "--candidate", "m.json", "-g", "accuracy >= 0.9"],
      {
        cwd: work,
      },
    );
    expect(ok.stdout).toMatch(/eval-gate: PASS/);
    const failed = await run(
      process.execPath,
      [bin, "eval-gate", "--candidate", "m.json", "-g", "accuracy >= 0.99"],
      {
        cwd: work,
      },
    ).catch((e: { code: number; stdout: string }) => e);
    expect((failed as { code: number }).code).toBe(1);

    // A .proto comparison loads the protobuf engine from its chunk inside the package.
    const proto = (field: string) =>
      `syntax = "proto3";\npackage serve.v1;\nmessage Request {\n  string text = 1;\n${field}}\n`;
    await writeFile(join(work, "v1.proto"), proto("  int32 top_k = 2;\n"));
    await writeFile(join(work, "v2.proto"), proto(""));
    const protoDiff = await run(process.execPath, [bin, "contract-diff", "v1.proto", "v2.proto"], {
      cwd: work,
    }).catch((e: { code: number; stdout: string }) => e);
    expect((protoDiff as { code?: number }).code).toBe(1);
    expect((protoDiff as { stdout: string }).stdout).toMatch(/contract-diff: FAIL/);
    expect((protoDiff as { stdout: string }).stdout).toMatch(/top_k/);
  });
});
