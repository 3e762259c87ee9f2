/**
 * The strategies through the command line, as the demo runs them: a shadow run before the canary
 * (the probe replaying recorded requests to both versions) finds the good candidate safe to canary
 * and refuses one whose scores drifted; and a shadow run through the embedded router's mirror, with
 * simulated users who only ever get the baseline's answers.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Report } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../examples/canary/real-parts.js";
import { type ShadowDemo, startShadowDemo } from "../examples/canary/shadow-demo.js";
import { startUserTraffic } from "../examples/canary/user-traffic.js";
import { canaryCommand } from "../packages/cli/src/commands/canary.js";

let demo: ShadowDemo;
let dir: string;

beforeAll(async () => {
  [demo, dir] = await Promise.all([startShadowDemo(), mkdtemp(join(tmpdir(), "mlgate-shadow-cli-"))]);
});
afterAll(async () => {
  await demo?.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  let stdout = "";
  let stderr = "";
  let code = -1;
  const command = canaryCommand(
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), colorDefault: false },
    (c) => (code = c),
  ).exitOverride();
  await command.parseAsync([...args, "--format", "json"], { from: "user" });
  return { report: JSON.parse(stdout) as Report, stderr, code };
}

describe("mlgate canary --strategy shadow (the demo's stages)", () => {
  it("finds the good candidate safe to canary", async () => {
    const { report, stderr, code } = await cli(demo.argsFor("good"));
    expect(code, `${report.headline}\n${stderr}`).toBe(0);
    expect(report.verdict).toBe("pass");
    expect(report.headline).toMatch(
      /^shadow: v2 is safe to canary — on \d+ requests answered by both, label agreement 100%, score PSI 0; latency and errors no worse than v1; users saw none of its answers$/,
    );
    expect(report.outputs).toMatchObject({
      strategy: "shadow",
      "safe-to-canary": "true",
      result: "concluded",
    });
    expect(stderr).toContain(
      "canary shadow: the probe sends each request to both versions; users stay on v1",
    );
  });

  it("refuses a candidate whose scores drifted, saying which comparison failed", async () => {
    const { report, code } = await cli(demo.argsFor("drifted"));
    expect(code).toBe(1);
    expect(report.verdict).toBe("fail");
    expect(report.headline).toMatch(
      /^(agreement\(label\) is [\d.]+%, limit >= 98%|psi\(score\) is [\d.]+, limit < 0\.1) on \d+ paired answers \(the same requests answered by both\) — stopped during the shadow run; the baseline serves all traffic \(verified\)$/,
    );
    expect(report.outputs).toMatchObject({ "safe-to-canary": "false", "user-exposure": "0%" });
  });
});

describe("mlgate canary --strategy shadow through the embedded router", () => {
  it("mirrors live requests and never answers a user from the candidate", async () => {
    const port = await freePort();
    const users = startUserTraffic(`http://127.0.0.1:${port}`, 40);
    const drifted = demo.candidates.drifted;
    const before = drifted.answered.direct;
    try {
      const { report, stderr, code } = await cli([
        "--strategy",
        "shadow",
        "--baseline",
        `${demo.baseline.url}`,
        "--candidate",
        `${drifted.url}`,
        "--baseline-version",
        "v1",
        "--candidate-version",
        "v4",
        "--provider",
        "embedded",
        "--duration",
        "3s",
        "--interval",
        "250ms",
        "--mirror",
        "100%",
        "--shadow-output",
        "label=label:$.label",
        "--gate",
        "agreement(label) >= 95%",
        "--config",
        await embeddedConfig(port),
      ]);
      expect(code, `${report.headline}\n${stderr}`).toBe(1);
      expect(report.headline).toMatch(
        /^agreement\(label\) is [\d.]+%, limit >= 95% on \d+ paired answers \(the same requests answered by both\) — stopped mirroring during the shadow run; the baseline serves all traffic \(verified\)$/,
      );
    } finally {
      await users.stop();
    }
    // Users were answered, by v1 only; the drifted model only ever answered mirrored copies.
    expect(Object.keys(users.answered).filter((k) => k !== "error")).toEqual(["v1"]);
    expect(users.answered.v1).toBeGreaterThan(20);
    expect(drifted.answered.direct).toBe(before);
  });
});

/** A config that pins the embedded router's port, so simulated users can reach it. */
async function embeddedConfig(port: number): Promise<string> {
  const file = join(dir, "mlgate.yml");
  await writeFile(
    file,
    [
      "version: 1",
      "canary:",
      "  min-samples: 5",
      "  shadow: { min-pairs: 30 }",
      "  traffic:",
      "    provider: embedded",
      `    listen: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  return file;
}
