/**
 * `mlgate contract-diff BASE HEAD`: the command factory the CLI registers, driven the way the CLI
 * drives it (exit code convention, common options, files written).
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { contractDiffCommand } from "../../cli/src/commands/contract-diff.js";

let dir: string;
const V1 = await readFile(new URL("../../../examples/contract/openapi-v1.yaml", import.meta.url), "utf8");
const V2 = await readFile(new URL("../../../examples/contract/openapi-v2.yaml", import.meta.url), "utf8");

async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  let code = -1;
  const io = {
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: () => undefined,
    cwd: dir,
    colorDefault: false,
  };
  const program = new Command("mlgate").exitOverride();
  const setExitCode = (c: number) => {
    code = c;
  };
  program.addCommand(contractDiffCommand(io, setExitCode).exitOverride());
  await program.parseAsync(args, { from: "user" });
  return { code, stdout };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-contract-cli-"));
  await writeFile(join(dir, "v1.yaml"), V1);
  await writeFile(join(dir, "v2.yaml"), V2);
});

describe("mlgate contract-diff", () => {
  it("exits 1 on a breaking change and prints the changes grouped by endpoint", async () => {
    const { code, stdout } = await run(["contract-diff", "v1.yaml", "v2.yaml"]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "contract-diff: FAIL — 1 breaking change: POST /v1/predict: request body: new required property `model_version`",
    );
    expect(stdout).toContain("GET /v1/models");
  });

  it("exits 0 the other way round only if nothing breaks: v2 → v1 removes an operation", async () => {
    const { code, stdout } = await run(["contract-diff", "v2.yaml", "v1.yaml", "--format", "json"]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.findings.map((f: { rule: string }) => f.rule)).toContain("openapi.operation-removed");
  });

  it("writes SARIF and a changelog, and checks the version", async () => {
    const { code } = await run([
      "contract-diff",
      "v1.yaml",
      "v2.yaml",
      "--version-check",
      "-o",
      "out.sarif",
      "--changelog",
      "CHANGES.md",
    ]);
    expect(code).toBe(1);
    const sarif = JSON.parse(await readFile(join(dir, "out.sarif"), "utf8"));
    expect(
      sarif.runs[0].results.some(
        (r: { ruleId: string }) => r.ruleId === "contract-diff/contract-diff.version-check",
      ),
    ).toBe(true);
    expect(await readFile(join(dir, "CHANGES.md"), "utf8")).toContain(
      "## Contract changes: v1.yaml → v2.yaml",
    );
  });

  it("exits 2 when it cannot judge, with the reason", async () => {
    const { code, stdout } = await run(["contract-diff", "v1.yaml"]);
    expect(code).toBe(2);
    expect(stdout).toContain("no head contract to compare");
  });
});
