/**
 * validate-artifact's committed bundle, run as the GitHub runner runs it, against a loopback GitHub
 * API: a good model directory passes and hands on its hash and signature; a model whose external
 * data climbs out of its directory fails without ever being loaded; bad input is an error.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Report } from "@mlgate/core";
import { logisticRegressionSpec, writeOnnxModel } from "@mlgate/onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExampleModel } from "../examples/artifact/model.js";
import { type FakeGitHub, pullRequestEvent, runAction, startFakeGitHub } from "./harness/index.js";

const ACTION = resolve(import.meta.dirname, "../actions/validate-artifact");
const PR = 11;

let github: FakeGitHub;
let workspace: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  workspace = await mkdtemp(join(tmpdir(), "mlgate-artifact-action-"));
  await writeExampleModel(join(workspace, "models", "iris"));
  // A model whose weights live "beside" it at ../secret.bin: loading it would read outside the directory.
  await mkdir(join(workspace, "models", "escape"), { recursive: true });
  await writeFile(join(workspace, "models", "secret.bin"), new Uint8Array(32));
  const spec = logisticRegressionSpec({
    weights: [
      [1, -1],
      [0.5, -0.5],
      [2, -2],
      [0, 0],
    ],
    bias: [0, 0],
  });
  spec.graph.initializers = (spec.graph.initializers ?? []).map((init) =>
    init.name === "W"
      ? {
          name: "W",
          dtype: "float32",
          dims: [4, 2],
          external: { location: "../secret.bin", offset: 0, length: 32 },
        }
      : init,
  );
  await writeOnnxModel(join(workspace, "models", "escape", "model.onnx"), spec);
});

afterAll(async () => {
  await github.close();
});

const comments = () => github.comments("acme", "models", PR);

describe("validate-artifact action", () => {
  it("passes a good model directory, sets sha256 and signature, and comments once", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: PR }),
      inputs: { model: "models/iris", profile: "edge", output: "reports/artifact.sarif" },
      timeoutMs: 60_000,
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe("pass");
    expect(run.outputs.headline).toMatch(
      /^iris\/ \(onnx, .*15 parameters\) passed all \d+ checks \(edge profile\)$/,
    );
    expect(run.outputs.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(run.outputs.format).toBe("onnx");
    expect(run.outputs.profile).toBe("edge");
    expect(run.outputs.runtime).toMatch(
      /^onnxruntime-node \d+\.\d+\.\d+ \((workspace|bundled|tool-cache|installed)\)$/,
    );
    expect(JSON.parse(run.outputs.signature ?? "")).toEqual({
      inputs: [{ name: "input", dtype: "float32", shape: ["N", 4] }],
      outputs: [
        { name: "probabilities", dtype: "float32", shape: ["N", 3] },
        { name: "label", dtype: "int64", shape: ["N"] },
      ],
    });

    const report = JSON.parse(await readFile(run.outputs.report ?? "", "utf8")) as Report;
    expect(report.checks.find((c) => c.name === "golden outputs")?.status).toBe("pass");
    expect(report.checks.find((c) => c.name === "edge: latency_p95 < 20ms")?.status).toBe("pass");
    expect(report.metrics.load_time?.value).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(join(workspace, "reports/artifact.sarif"), "utf8")).version).toBe(
      "2.1.0",
    );
    expect(run.summary).toContain("validate-artifact");

    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain("<!-- mlgate:");
  });

  it("fails a model whose external data climbs out of its directory, and updates the comment", async () => {
    const firstId = comments()[0]?.id;
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: PR }),
      inputs: { model: "models/escape/model.onnx", output: "reports/escape.sarif" },
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("fail");
    expect(run.outputs.headline).toContain('"../secret.bin"');
    const report = JSON.parse(run.outputs["report-json"] ?? "") as Report;
    expect(report.findings.map((f) => f.rule)).toContain("onnx.external-data.traversal");
    expect(report.checks.find((c) => c.name === "model loads in ONNX Runtime")).toMatchObject({
      status: "skip",
      message: "not loaded: model.onnx failed its static checks",
    });
    const sarif = JSON.parse(await readFile(join(workspace, "reports/escape.sarif"), "utf8"));
    expect(JSON.stringify(sarif.runs[0].results)).toContain("onnx.external-data.traversal");
    expect(run.annotations.some((a) => a.level === "error" && a.message.includes("secret.bin"))).toBe(true);

    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.id).toBe(firstId);
    expect(comments()[0]?.body).toContain("secret.bin");
  });

  it("fails the tampered example: custom operator, undeclared pickle", async () => {
    await writeExampleModel(join(workspace, "models", "tampered"), { variant: "tampered" });
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { model: "models/tampered", comment: "false" },
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.outputs["report-json"] ?? "") as Report;
    expect(report.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(["manifest.file-extra", "onnx.domain"]),
    );
  });

  it("turns a missing model into an error verdict with a one-line reason", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { model: "models/nowhere.onnx", comment: "false" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs.headline).toMatch(/model not found: .*models\/nowhere\.onnx/);
    expect(run.failedMessage).toMatch(/^mlgate could not judge: /);
  });
});
