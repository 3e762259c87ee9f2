import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Report } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import { writeExampleModel } from "../../../examples/artifact/model.js";
import { validateArtifactCommand } from "../../cli/src/commands/validate-artifact.js";

const REPO = resolve(import.meta.dirname, "../../..");

/** Run `mlgate validate-artifact ARGS` through the command factory, as the CLI does. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let code = -1;
  let stdout = "";
  let stderr = "";
  const command = validateArtifactCommand(
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      cwd: REPO,
      colorDefault: false,
    },
    (c) => {
      code = c;
    },
  );
  command.exitOverride();
  await command.parseAsync(args, { from: "user" });
  return { code, stdout, stderr };
}

describe("mlgate validate-artifact", () => {
  it("passes the example model on the edge profile and prints the JSON report", async () => {
    const ex = await writeExampleModel(join(await mkdtemp(join(tmpdir(), "cli-")), "iris"));
    const run = await cli([ex.dir, "--profile", "edge", "--format", "json"]);
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report).toMatchObject({
      gate: "validate-artifact",
      verdict: "pass",
      outputs: { profile: "edge" },
    });
    expect(run.stderr).toMatch(/onnxruntime-node [\d.]+ from the workspace/);
  });

  it("exits 1 on the tampered example and 2 on a bad flag value", async () => {
    const ex = await writeExampleModel(join(await mkdtemp(join(tmpdir(), "cli-")), "bad"), {
      variant: "tampered",
    });
    const failed = await cli([ex.dir, "--no-runtime", "--gate", "parameters <= 5M"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("onnx.domain");
    const error = await cli([ex.dir, "--allow-global", "os.system"]);
    expect(error.code).toBe(2);
    expect(error.stdout).toContain('allowed global "os.system" is not MODULE.NAME=REASON');
  });
});
