import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describeError, type Report } from "@mlgate/core";
import { type OnnxModelSpec, writeOnnxModel } from "@mlgate/onnx";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { writeExampleModel } from "../../../examples/artifact/model.js";
import { resolveValidateArtifact, runValidateArtifact, type ValidateArtifactInput } from "../src/index.js";
import { encodeSafetensors, float32Bytes } from "./fixtures/safetensors.js";

const REPO = resolve(import.meta.dirname, "../../..");
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "validate-artifact-"));
});

function input(model: string, extra: Partial<ValidateArtifactInput> = {}): ValidateArtifactInput {
  return {
    model,
    gates: [],
    runtime: { enabled: true, install: false, cwd: REPO, latencyRuns: 5 },
    ...extra,
  };
}

async function example(name: string, variant: "good" | "tampered" = "good") {
  return writeExampleModel(join(root, name), { variant });
}

/** Rewrite the example's model card with `edit`, keeping its file hashes. */
async function editCard(path: string, edit: (card: ReturnType<typeof parseDocument>) => void): Promise<void> {
  const card = parseDocument(await readFile(path, "utf8"));
  edit(card);
  await writeFile(path, card.toString());
}

const failing = (r: Report) => r.findings.filter((f) => f.level === "fail").map((f) => f.rule);
const check = (r: Report, name: string) => r.checks.find((c) => c.name === name);

describe("validate-artifact on the example model", () => {
  it("passes the good example with every check judged and the runtime named", async () => {
    const ex = await example("good");
    const report = await runValidateArtifact(input(ex.dir, { profile: "server" }));
    expect(report.verdict, report.headline).toBe("pass");
    expect(report.checks.filter((c) => c.status === "skip")).toEqual([]);
    expect(check(report, "golden outputs")).toMatchObject({
      status: "pass",
      actual: "10 output(s) in 5 sample(s)",
    });
    expect(check(report, "server: parameters <= 5M")).toMatchObject({ status: "pass", actual: "15" });
    expect(report.metrics.latency_p95?.value).toBeGreaterThan(0);
    expect(report.metrics.peak_rss?.value).toBeGreaterThan(1024 * 1024);
    expect(report.outputs?.runtime).toMatch(/^onnxruntime-node [\d.]+ \(workspace\)$/);
    expect(report.notes?.join(" ")).toContain("ONNX Runtime: onnxruntime-node");
  });

  it("gives a directory's sha256 that changes with any file", async () => {
    const ex = await example("hash");
    const first = await runValidateArtifact(
      input(ex.dir, { runtime: { enabled: false, install: false, cwd: REPO } }),
    );
    await writeFile(ex.samples, `${await readFile(ex.samples, "utf8")}\n`);
    const second = await runValidateArtifact(
      input(ex.dir, { runtime: { enabled: false, install: false, cwd: REPO } }),
    );
    expect(first.outputs?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(second.outputs?.sha256).not.toBe(first.outputs?.sha256);
    expect(failing(second)).toEqual(["manifest.hash-mismatch"]);
  });

  it("fails missing, extra and changed files", async () => {
    const ex = await example("files");
    await writeFile(join(ex.dir, "notes.txt"), "undeclared");
    await writeFile(ex.model, Buffer.concat([await readFile(ex.model), Buffer.from([0])]));
    await editCard(ex.manifest, (card) => {
      card.addIn(["files"], { path: "tokenizer.json", sha256: "0".repeat(64) });
    });
    const report = await runValidateArtifact(
      input(ex.dir, { runtime: { enabled: false, install: false, cwd: REPO } }),
    );
    expect(report.verdict).toBe("fail");
    expect(failing(report)).toEqual(
      expect.arrayContaining(["manifest.file-missing", "manifest.file-extra", "manifest.hash-mismatch"]),
    );
  });

  it("fails a symbolic link inside the artifact directory", async () => {
    const ex = await example("link");
    await symlink("/etc/hostname", join(ex.dir, "hostname"));
    const report = await runValidateArtifact(
      input(ex.dir, { runtime: { enabled: false, install: false, cwd: REPO } }),
    );
    expect(failing(report)).toContain("artifact.symlink");
  });

  it("fails metadata the policy requires but the card lacks", async () => {
    const ex = await example("metadata");
    await editCard(ex.manifest, (card) => card.deleteIn(["metadata", "license"]));
    const report = await runValidateArtifact(
      input(ex.dir, {
        requiredMetadata: ["version", "license", "training_data_version"],
        runtime: { enabled: false, install: false, cwd: REPO },
      }),
    );
    expect(failing(report)).toEqual(["manifest.metadata-missing"]);
    expect(check(report, "required metadata")).toMatchObject({ status: "fail", actual: "2 of 3 present" });
  });

  it("fails a declared signature the model does not have, statically and in the session", async () => {
    const ex = await example("signature");
    await editCard(ex.manifest, (card) => {
      card.setIn(["signature", "inputs", 0, "dtype"], "float64");
      card.setIn(["signature", "outputs", 1, "shape"], [1]);
    });
    const report = await runValidateArtifact(input(ex.dir));
    expect(failing(report)).toEqual(expect.arrayContaining(["signature.dtype"]));
    expect(check(report, "model.onnx matches the declared signature")?.status).toBe("fail");
    expect(check(report, "loaded session matches the declared signature")?.status).toBe("fail");
  });

  it("fails golden outputs that the model does not reproduce", async () => {
    const ex = await example("golden");
    const lines = (await readFile(ex.samples, "utf8")).trim().split("\n");
    const first = JSON.parse(lines[0]!);
    first.outputs.probabilities = [[0.1, 0.2, 0.7]];
    first.outputs.label = [2];
    lines[0] = JSON.stringify(first);
    await writeFile(ex.samples, `${lines.join("\n")}\n`);
    const report = await runValidateArtifact(input(ex.dir, { samples: ex.samples }));
    const mismatches = report.findings.filter((f) => f.rule === "runtime.golden-mismatch");
    expect(mismatches.map((f) => f.line)).toEqual([1, 1]);
    expect(mismatches[0]?.message).toMatch(/top-1 classes differ/);
    expect(mismatches[1]?.message).toMatch(/element 0 is 0, golden 2/);
  });

  it("holds the model to the chosen profile's budgets", async () => {
    const ex = await example("budgets");
    await editCard(ex.manifest, (card) =>
      card.setIn(["budgets", "tiny"], ["file_size <= 100B", "parameters <= 0.01k"]),
    );
    const report = await runValidateArtifact(
      input(ex.dir, { profile: "tiny", runtime: { enabled: false, install: false, cwd: REPO } }),
    );
    expect(report.verdict).toBe("fail");
    expect(check(report, "tiny: file_size <= 100B")).toMatchObject({ status: "fail" });
    expect(check(report, "tiny: parameters <= 0.01k")).toMatchObject({ status: "fail", actual: "15" });
    await expect(runValidateArtifact(input(ex.dir, { profile: "watch" }))).rejects.toThrow(
      /no budget profile "watch" \(it has server, edge, tiny\)/,
    );
  });

  it("skips runtime budgets with the reason when the runtime is off, and judges extra gates", async () => {
    const ex = await example("no-runtime");
    const report = await runValidateArtifact(
      input(ex.dir, {
        profile: "edge",
        gates: ["warn: file_size < 10B"],
        runtime: { enabled: false, install: false, cwd: REPO },
      }),
    );
    expect(report.verdict).toBe("warn");
    expect(check(report, "edge: latency_p95 < 20ms")).toMatchObject({
      status: "skip",
      message: "not measured: the runtime checks are turned off",
    });
    expect(check(report, "warn: file_size < 10B")?.status).toBe("warn");
  });

  it("fails the tampered example without loading it", async () => {
    const ex = await example("tampered", "tampered");
    const report = await runValidateArtifact(input(ex.dir));
    expect(failing(report)).toEqual(expect.arrayContaining(["manifest.file-extra", "onnx.domain"]));
    expect(check(report, "model loads in ONNX Runtime")?.status).toBe("skip");
    expect(report.outputs?.format).toBe("onnx,pickle");
  });
});

async function writeModel(name: string, spec: OnnxModelSpec): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return (await writeOnnxModel(join(dir, "model.onnx"), spec)).path;
}

describe("validate-artifact at run time", () => {
  it("fails a model that decodes but that the runtime refuses to load", async () => {
    const path = await writeModel("unloadable", {
      graph: {
        inputs: [{ name: "x", dtype: "float32", shape: [2] }],
        outputs: [{ name: "y", dtype: "float32", shape: [2] }],
        nodes: [{ opType: "Add", inputs: ["x", "missing_tensor"], outputs: ["y"] }],
      },
    });
    const report = await runValidateArtifact(input(path));
    expect(report.verdict).toBe("fail");
    expect(failing(report)).toEqual(["runtime.load"]);
    expect(check(report, "model loads in ONNX Runtime")?.status).toBe("fail");
  });

  it("fails NaN outputs and times the model on synthetic inputs", async () => {
    const path = await writeModel("nan-output", {
      graph: {
        inputs: [{ name: "x", dtype: "float32", shape: ["N", 2] }],
        outputs: [{ name: "y", dtype: "float32", shape: ["N", 2] }],
        nodes: [{ opType: "Log", inputs: ["x"], outputs: ["y"] }],
      },
    });
    const samples = join(root, "nan-output", "samples.json");
    await writeFile(samples, JSON.stringify([{ inputs: { x: [[-1, 1]] } }]));
    const report = await runValidateArtifact(input(path, { samples }));
    expect(failing(report)).toEqual(["runtime.non-finite-output"]);
    const timed = await runValidateArtifact(input(path));
    expect(timed.metrics.latency_p50?.description).toContain("zeros shaped as the inputs");
  });

  it("reports samples that do not fit the model", async () => {
    const ex = await example("wrong-samples");
    const samples = join(root, "wrong-samples.jsonl");
    await writeFile(samples, `${JSON.stringify({ inputs: { features: [[1, 2, 3, 4]] } })}\n`);
    const report = await runValidateArtifact(input(ex.dir, { samples }));
    expect(report.findings.find((f) => f.rule === "runtime.sample-mismatch")?.message).toBe(
      "sample on line 1 lacks input(s) input and has input(s) features the model does not take",
    );
  });
});

describe("validate-artifact on a directory of several files", () => {
  it("validates external data, safetensors and companions, and counts them in file_size", async () => {
    const dir = join(root, "multi");
    await mkdir(dir);
    const { logisticRegressionSpec } = await import("@mlgate/onnx");
    const weights = Array.from({ length: 64 }, (_, i) => [i / 64, -i / 64]);
    const written = await writeOnnxModel(
      join(dir, "model.onnx"),
      logisticRegressionSpec({ weights, bias: [0, 0] }),
      {
        externalData: { file: "weights.bin", minBytes: 64 },
      },
    );
    await writeFile(join(dir, "tokenizer.json"), JSON.stringify({ vocab: { a: 1 } }));
    await writeFile(
      join(dir, "adapter.safetensors"),
      encodeSafetensors([{ name: "lora", dtype: "F16", shape: [4, 4] }]),
    );
    const report = await runValidateArtifact(
      input(dir, { runtime: { enabled: false, install: false, cwd: REPO } }),
    );
    expect(report.verdict, report.headline).toBe("pass");
    expect(report.outputs?.format).toBe("onnx,safetensors");
    const sizes = [
      written.byteLength,
      (await readFile(join(dir, "weights.bin"))).byteLength,
      (await readFile(join(dir, "adapter.safetensors"))).byteLength,
    ];
    expect(report.metrics.file_size?.value).toBe(sizes.reduce((a, b) => a + b, 0));
    expect(report.metrics.parameters?.value).toBe(64 * 2 + 2 + 16);
    expect(check(report, "model loads in ONNX Runtime")?.status).toBe("skip");
  });

  it("fails a card whose model is not in the artifact", async () => {
    const ex = await example("no-such-model");
    await editCard(ex.manifest, (card) => card.set("model", "other.onnx"));
    const report = await runValidateArtifact(
      input(ex.dir, { runtime: { enabled: false, install: false, cwd: REPO } }),
    );
    expect(failing(report)).toEqual(["manifest.model-missing"]);
  });
});

describe("validate-artifact on other formats and bad input", () => {
  it("validates a safetensors file with its parameters and no runtime", async () => {
    const dir = join(root, "st");
    await mkdir(dir);
    const path = join(dir, "model.safetensors");
    await writeFile(path, encodeSafetensors([{ name: "w", dtype: "F32", shape: [2, 3] }]));
    const report = await runValidateArtifact(
      input(path, { gates: ["parameters == 6", "latency_p95 < 10ms"] }),
    );
    expect(report.verdict).toBe("pass");
    expect(report.outputs?.format).toBe("safetensors");
    expect(check(report, "latency_p95 < 10ms")?.message).toBe("not measured: safetensors files are not run");
    await writeFile(
      path,
      encodeSafetensors([{ name: "w", dtype: "F32", shape: [2], data: float32Bytes([1, Number.NaN]) }]),
    );
    expect(failing(await runValidateArtifact(input(path)))).toEqual(["safetensors.non-finite"]);
  });

  it("fails an .onnx file that is not ONNX", async () => {
    const dir = join(root, "garbage");
    await mkdir(dir);
    await writeFile(join(dir, "model.onnx"), Buffer.from("\xff\xff\xff\xff this is not protobuf", "latin1"));
    const report = await runValidateArtifact(input(join(dir, "model.onnx")));
    expect(report.verdict).toBe("fail");
    expect(failing(report)).toEqual(["onnx.invalid"]);
  });

  it("throws GateErrors for a missing model, a directory without a model and a file of unknown format", async () => {
    await expect(runValidateArtifact(input(join(root, "absent.onnx")))).rejects.toThrow(
      /model not found: .*absent\.onnx/,
    );
    const empty = join(root, "empty");
    await mkdir(empty);
    await writeFile(join(empty, "README.md"), "# nothing here");
    await expect(runValidateArtifact(input(empty))).rejects.toThrow(/no model file in .*empty/);
    await expect(runValidateArtifact(input(join(empty, "README.md")))).rejects.toThrow(
      /is not a model file the gate knows/,
    );
  });

  it("points at the line of a malformed model card", async () => {
    const ex = await example("bad-card");
    await editCard(ex.manifest, (card) => card.setIn(["files", 0, "path"], "../../etc/passwd"));
    const error = await runValidateArtifact(input(ex.dir)).catch((e: unknown) => e);
    expect(describeError(error)).toMatch(
      /model-card\.yml:\d+:\d+: files\[0\]\.path: must not contain "\.\."/,
    );
    await rm(ex.manifest);
    const report = await runValidateArtifact(
      input(ex.dir, { runtime: { enabled: false, install: false, cwd: REPO } }),
    );
    expect(report.notes?.[0]).toMatch(/^No model card/);
  });
});

describe("validate-artifact configuration", () => {
  it("reads the section of mlgate.yml, with paths relative to it, and lets overrides win", async () => {
    const ex = await example("configured");
    const config = join(root, "mlgate.yml");
    await writeFile(
      config,
      [
        "validate-artifact:",
        "  model: configured",
        "  profile: edge",
        "  required-metadata: [version]",
        "  onnx:",
        "    domains: [ai.onnx, com.acme]",
        "    opsets: { ai.onnx: { min: 13 } }",
        "  allow-globals:",
        "    - { module: sklearn.linear_model, name: LogisticRegression, reason: our model }",
        "  runtime: { enabled: false, latency-runs: 3 }",
        "  gates: [parameters <= 2M]",
        "",
      ].join("\n"),
    );
    const { input: resolved } = await resolveValidateArtifact(
      { profile: "server" },
      { cwd: root, configPath: config },
    );
    expect(resolved.model).toBe(ex.dir);
    expect(resolved.profile).toBe("server");
    expect(resolved.gates).toEqual(["parameters <= 2M"]);
    expect(resolved.onnxPolicy?.domains).toEqual(["ai.onnx", "com.acme"]);
    expect(resolved.allowGlobals).toEqual([
      { module: "sklearn.linear_model", name: "LogisticRegression", reason: "our model" },
    ]);
    expect(resolved.runtime).toMatchObject({ enabled: false, latencyRuns: 3 });
    const report = await runValidateArtifact(resolved);
    expect(check(report, "parameters <= 2M")?.status).toBe("pass");
  });

  it("refuses a --gate over a metric the gate does not measure, with a suggestion", async () => {
    const ex = await example("bad-gate");
    await expect(runValidateArtifact(input(ex.dir, { gates: ["latency_p59 < 10ms"] }))).rejects.toThrow(
      /names "latency_p59", which validate-artifact does not measure; did you mean "latency_p50"/,
    );
  });

  it("refuses a budget over a metric the gate does not measure", async () => {
    const ex = await example("bad-budget");
    await editCard(ex.manifest, (card) => card.setIn(["budgets", "edge"], ["latency_p90 < 10ms"]));
    await expect(runValidateArtifact(input(ex.dir))).rejects.toThrow(
      /names "latency_p90", which the gate does not measure/,
    );
  });
});
