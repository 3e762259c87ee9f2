import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Report } from "@mlgate/core";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";

let dir: string;

async function run(args: string[], cwd = dir): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    colorDefault: false,
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-cli-"));
  await writeFile(join(dir, "cand.json"), JSON.stringify({ accuracy: 0.93, f1: 0.8 }));
  await writeFile(join(dir, "base.json"), JSON.stringify({ accuracy: 0.91, f1: 0.82 }));
});

describe("mlgate eval-gate", () => {
  it("exits 0 on pass and prints a readable verdict", async () => {
    const { code, stdout } = await run([
      "eval-gate",
      "--candidate",
      "cand.json",
      "--gate",
      "accuracy >= 0.9",
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/pass/);
    expect(stdout).toContain("accuracy >= 0.9");
  });

  it("exits 1 on fail", async () => {
    const { code } = await run([
      "eval-gate",
      "--candidate",
      "cand.json",
      "--baseline",
      "base.json",
      "-g",
      "delta(f1) >= -0.005",
    ]);
    expect(code).toBe(1);
  });

  it("exits 2 with a pointed message on a malformed threshold", async () => {
    const { code, stdout } = await run([
      "eval-gate",
      "--candidate",
      "cand.json",
      "--gate",
      "accuracy >= 0.9xs",
    ]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/xs/);
  });

  it("exits 2 on a missing file and on a usage error", async () => {
    expect((await run(["eval-gate", "--candidate", "nope.json", "--gate", "a > 1"])).code).toBe(2);
    const usage = await run(["eval-gate", "--format", "yaml"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/yaml/);
    expect((await run(["no-such-gate"])).code).toBe(2);
  });

  it("prints the report as JSON and writes files in the format of their extension", async () => {
    const out = join(dir, "out");
    const { code, stdout } = await run([
      "eval-gate",
      "--candidate",
      "cand.json",
      "-g",
      "accuracy >= 0.9",
      "--format",
      "json",
      "-o",
      join(out, "r.sarif"),
      "-o",
      join(out, "r.xml"),
      "-o",
      join(out, "r.md"),
      "-o",
      join(out, "r.json"),
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(report).toMatchObject({ schemaVersion: 1, gate: "eval-gate", verdict: "pass" });
    expect(JSON.parse(await readFile(join(out, "r.json"), "utf8"))).toEqual(report);
    expect(JSON.parse(await readFile(join(out, "r.sarif"), "utf8")).version).toBe("2.1.0");
    expect(await readFile(join(out, "r.xml"), "utf8")).toMatch(/<testsuites/);
    expect(await readFile(join(out, "r.md"), "utf8")).toMatch(/eval-gate/);
  });

  it("reads mlgate.yml from the working directory by default", async () => {
    const project = await mkdtemp(join(tmpdir(), "mlgate-cli-cfg-"));
    await writeFile(join(project, "m.json"), JSON.stringify({ accuracy: 0.5 }));
    await writeFile(
      join(project, "mlgate.yml"),
      "eval-gate:\n  candidate: m.json\n  gates: ['accuracy >= 0.9']\n",
    );
    const { code, stdout } = await run(["eval-gate"], project);
    expect(code).toBe(1);
    expect(stdout).toMatch(/accuracy/);
  });
});

describe("mlgate", () => {
  it("has help for the program and for each gate", async () => {
    const top = await run(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/eval-gate/);
    expect(top.stdout).toMatch(/Exit status/);
    const gate = await run(["eval-gate", "--help"]);
    expect(gate.code).toBe(0);
    expect(gate.stdout).toMatch(/--candidate/);
    expect(gate.stdout).toMatch(/Examples/);
  });

  it("prints the config JSON Schema", async () => {
    const { code, stdout } = await run(["schema"]);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(JSON.stringify(schema)).toContain("eval-gate");
  });

  it("runs as `npx mlgate` through the workspace bin", async () => {
    const bin = fileURLToPath(new URL("../../../node_modules/.bin/mlgate", import.meta.url));
    const result = await promisify(execFile)(
      bin,
      ["eval-gate", "--candidate", join(dir, "cand.json"), "-g", "accuracy > 0.5"],
      {
        env: { ...process.env, NO_COLOR: "1" },
      },
    );
    expect(result.stdout).toMatch(/pass/);
  });
});
