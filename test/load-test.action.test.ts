/**
 * load-test's committed bundle, run as the GitHub runner runs it, against the example model server
 * on loopback: inputs in, outputs, job summary with the latency chart, masked secrets, exit status;
 * then a split test (two shards and a merge), and the command line.
 */

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Report } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExampleServer, exampleBodies, startExampleServer } from "../examples/serve/index.js";
import { loadTestCommand } from "../packages/cli/src/commands/load-test.js";
import { runAction } from "./harness/index.js";

const ACTION = resolve(import.meta.dirname, "../actions/load-test");
const TOKEN = "tok-7f3a9c2e51";

let healthy: ExampleServer;
let flaky: ExampleServer;
let workspace: string;

beforeAll(async () => {
  healthy = await startExampleServer({ latencyMs: 2 });
  flaky = await startExampleServer({ latencyMs: 2, errorEvery: 4 });
  workspace = await mkdtemp(join(tmpdir(), "mlgate-load-action-"));
  await writeFile(
    join(workspace, "inputs.jsonl"),
    exampleBodies(20)
      .map((b) => JSON.stringify(b))
      .join("\n"),
  );
  await writeFile(
    join(workspace, "mlgate.yml"),
    [
      "version: 1",
      "load-test:",
      "  body-file: inputs.jsonl",
      "  rate: 40/s",
      "  duration: 1s",
      // A fresh process runs cold for its first moments; the warm-up keeps that out of the figures.
      "  warmup: 500ms",
      "  gates:",
      "    - p95 < 2s",
      "    - error_rate < 1%",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await Promise.all([healthy.close(), flaky.close()]);
});

describe("load-test action", () => {
  it("passes, sets the outputs, draws the latency chart and masks the credentials", async () => {
    const run = await runAction(ACTION, {
      cwd: workspace,
      env: { API_TOKEN: TOKEN },
      inputs: {
        url: `${healthy.url}/v1/predict`,
        headers: "Authorization: Bearer ${env.API_TOKEN}\nX-Request: ${seq}",
        comment: "false",
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    // `warn` when the shared test machine made the generator late (the SLA still holds).
    expect(["pass", "warn"]).toContain(run.outputs.verdict);
    expect(run.outputs.headline).toMatch(/^all 2 SLA checks passed/);
    expect(run.outputs.requests).toBe("40");
    expect(Number(run.outputs["error-rate"])).toBe(0);
    expect(Number(run.outputs.p50)).toBeGreaterThan(0);
    expect(Number(run.outputs.p99)).toBeGreaterThanOrEqual(Number(run.outputs.p50));
    expect(Number(run.outputs.throughput)).toBeGreaterThan(30);
    const report = JSON.parse(await readFile(run.outputs.report ?? "", "utf8")) as Report;
    expect(report).toMatchObject({ gate: "load-test", verdict: run.outputs.verdict });
    expect(report.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
    expect(run.summary).toContain("```mermaid");
    expect(run.summary).toContain("Latency over time");
    expect(run.summary).toMatch(/Authorization: (\*\*\*|\\\*\\\*\\\*)/);
    expect(run.secretsMasked).toContain(TOKEN);
    // The token reaches the log only inside the mask command itself.
    expect(
      run.stdout.replace(`::add-mask::${TOKEN}`, "").replace(`::add-mask::Bearer ${TOKEN}`, ""),
    ).not.toContain(TOKEN);
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });

  it("fails when the endpoint misses its error SLA; outputs are still set", async () => {
    const run = await runAction(ACTION, {
      cwd: workspace,
      inputs: { url: `${flaky.url}/v1/predict`, comment: "false" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("fail");
    expect(run.outputs.headline).toMatch(/error_rate is 2\d(\.\d+)?%, limit < 1%/);
    expect(run.failedMessage).toBe(run.outputs.headline);
    expect(Number(run.outputs["error-rate"])).toBeGreaterThan(0.2);
  });

  it("splits a test across shards and judges the merged result", async () => {
    for (const shard of ["1/2", "2/2"]) {
      const run = await runAction(ACTION, {
        cwd: workspace,
        inputs: { url: `${healthy.url}/v1/predict`, rate: "60/s", shard, warmup: "500ms", comment: "false" },
      });
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs["result-file"]).toBe(
        join(workspace, `load-test-shard-${shard.replace("/", "-of-")}.json`),
      );
      expect(run.outputs.requests).toBe("30");
    }
    const merged = await runAction(ACTION, {
      cwd: workspace,
      inputs: { merge: "load-test-shard-*.json", gates: "requests == 60\nerror_rate < 1%", comment: "false" },
    });
    expect(merged.exitCode, merged.stdout).toBe(0);
    expect(["pass", "warn"]).toContain(merged.outputs.verdict);
    expect(merged.outputs.headline).toMatch(/^all 2 SLA checks passed/);
    expect(merged.summary).toContain("Merged from 2 shards");
  });

  it("turns an unreachable endpoint into an error verdict with the reason", async () => {
    const run = await runAction(ACTION, {
      cwd: workspace,
      inputs: { url: "http://127.0.0.1:9/v1/predict", comment: "false" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs.headline).toMatch(
      /^cannot reach http:\/\/127\.0\.0\.1:9\/v1\/predict: connection refused/,
    );
  });
});

describe("mlgate load-test", () => {
  async function cli(args: string[]) {
    let stdout = "";
    let stderr = "";
    let code = -1;
    const command = loadTestCommand(
      { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: workspace, colorDefault: false },
      (c) => (code = c),
    ).exitOverride();
    await command.parseAsync(args, { from: "user" });
    return { stdout, stderr, code };
  }

  it("loads a URL at a rate and prints the report; progress goes to stderr", async () => {
    const run = await cli([
      `${healthy.url}/v1/predict`,
      "--rate",
      "40/s",
      "--duration",
      "1s",
      "--gate",
      "p95 < 2s",
      "--gate",
      "throughput >= 30/s",
      "--format",
      "json",
      "--body-file",
      "inputs.jsonl",
      "--warmup",
      "500ms",
    ]);
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.checks.map((c) => c.status)).toEqual(["pass", "pass"]);
    expect(report.metrics.requests?.value).toBe(40);
    expect(run.stderr).toMatch(/^load-test \[\d+s\/\d+s\] /m);
  });

  it("exits 2 on bad flags, naming them", async () => {
    const run = await cli([`${healthy.url}/v1/predict`, "--rate", "fast", "--gate", "p95 < 1s"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/--rate "fast" is not a rate/);
  });
});
