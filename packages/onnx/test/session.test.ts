import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  encodeOnnxModel,
  largeModelSpec,
  logisticRegressionSpec,
  type OnnxRuntimeError,
  type OnnxSession,
  openOnnxSession,
  type ResolvedRuntime,
  resolveOnnxRuntime,
  writeOnnxModel,
} from "../src/index.js";

const WEIGHTS = [
  [0.5, -1.25, 2],
  [1.5, 0.25, -0.75],
];
const BIAS = [0.1, -0.2, 0.05];
const ROWS = [
  [1, 2],
  [-1, 0.5],
  [0, 0],
  [3, -2],
];

/** softmax(x·W + b) and argmax, computed by hand. */
function expected(rows: number[][]): { probabilities: number[][]; labels: number[] } {
  const probabilities = rows.map((row) => {
    const logits = BIAS.map((b, c) => b + row.reduce((sum, x, f) => sum + x * WEIGHTS[f]![c]!, 0));
    const max = Math.max(...logits);
    const exps = logits.map((z) => Math.exp(z - max));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / total);
  });
  const labels = probabilities.map((p) => p.indexOf(Math.max(...p)));
  return { probabilities, labels };
}

let dir: string;
let runtime: ResolvedRuntime;
let lrPath: string;
/** One session shared by the tests that leave it usable. */
let lr: OnnxSession;
const open: OnnxSession[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-onnx-session-"));
  runtime = await resolveOnnxRuntime({ cwd: dir });
  lrPath = join(dir, "lr.onnx");
  await writeOnnxModel(lrPath, logisticRegressionSpec({ weights: WEIGHTS, bias: BIAS }));
  lr = await session(lrPath, { intraOpThreads: 1 });
});

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function session(path: string, options: Partial<Parameters<typeof openOnnxSession>[1]> = {}) {
  const s = await openOnnxSession(path, { runtime, ...options });
  open.push(s);
  return s;
}

async function failure(promise: Promise<unknown>): Promise<OnnxRuntimeError> {
  const e = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (err: unknown) => err,
  );
  expect(isGateError(e)).toBe(true);
  return e as OnnxRuntimeError;
}

const feed = (rows: number[][]) => ({
  input: { dtype: "float32", dims: [rows.length, 2], data: Float32Array.from(rows.flat()) },
});

describe("openOnnxSession", () => {
  it("runs logistic regression in a child process and matches the hand computation", async () => {
    const s = lr;
    expect(s.pid).not.toBe(process.pid);
    expect(s.inputs).toEqual([{ name: "input", dtype: "float32", shape: ["N", 2] }]);
    expect(s.outputs).toEqual([
      { name: "probabilities", dtype: "float32", shape: ["N", 3] },
      { name: "label", dtype: "int64", shape: ["N"] },
    ]);
    expect(s.loadMs).toBeGreaterThan(0);
    const { outputs, ms } = await s.run(feed(ROWS));
    expect(ms).toBeGreaterThanOrEqual(0);
    const want = expected(ROWS);
    expect(outputs["probabilities"]!.dims).toEqual([4, 3]);
    expect(outputs["probabilities"]!.data).toBeInstanceOf(Float32Array);
    const probabilities = Array.from(outputs["probabilities"]!.data as Float32Array);
    want.probabilities.flat().forEach((p, i) => {
      expect(probabilities[i]).toBeCloseTo(p, 6);
    });
    expect(outputs["label"]).toEqual({
      dtype: "int64",
      dims: [4],
      data: BigInt64Array.from(want.labels.map(BigInt)),
    });
    if (process.platform === "linux") expect(s.peakRssBytes()).toBeGreaterThan(10 * 1024 * 1024);
  });

  it("queues concurrent runs and keeps each batch's answer", async () => {
    const s = lr;
    const batches = [ROWS.slice(0, 1), ROWS.slice(1, 3), ROWS];
    const results = await Promise.all(batches.map((rows) => s.run(feed(rows))));
    results.forEach((result, i) => {
      const labels = Array.from(result.outputs["label"]!.data as BigInt64Array, Number);
      expect(labels).toEqual(expected(batches[i]!).labels);
    });
  });

  it("loads initializers from external data", async () => {
    const path = join(dir, "external", "lr.onnx");
    const written = await writeOnnxModel(path, logisticRegressionSpec({ weights: WEIGHTS, bias: BIAS }), {
      externalData: { file: "lr.bin", minBytes: 1 },
    });
    expect(written.externalTensors.map((t) => t.name)).toEqual(["W", "B"]);
    const s = await session(path);
    const { outputs } = await s.run(feed(ROWS));
    expect(Array.from(outputs["label"]!.data as BigInt64Array, Number)).toEqual(expected(ROWS).labels);
  });

  it("reports a bad input as a run error and stays usable", async () => {
    const s = lr;
    const e = await failure(
      s.run({ wrong: { dtype: "float32", dims: [1, 2], data: Float32Array.from([1, 2]) } }),
    );
    expect(e.kind).toBe("run");
    expect(e.message).toMatch(/failed to run .*lr\.onnx: .*input/);
    const shape = await failure(
      s.run({ input: { dtype: "float32", dims: [1, 5], data: new Float32Array(5) } }),
    );
    expect(shape.kind).toBe("run");
    const { outputs } = await s.run(feed(ROWS.slice(0, 1)));
    expect(outputs["label"]!.dims).toEqual([1]);
  });

  it("reports garbage and truncated models as load errors", async () => {
    const garbage = join(dir, "garbage.onnx");
    await writeFile(garbage, "this is not a model\n".repeat(20));
    const e = await failure(session(garbage));
    expect(e.kind).toBe("load");
    expect(e.message).toMatch(/cannot load .*garbage\.onnx/);
    expect(e.location?.file).toBe(garbage);
    const truncated = join(dir, "truncated.onnx");
    const bytes = encodeOnnxModel(logisticRegressionSpec({ weights: WEIGHTS, bias: BIAS }));
    await writeFile(truncated, bytes.subarray(0, bytes.length - 40));
    expect((await failure(session(truncated))).kind).toBe("load");
  });

  it("reports a runtime that does not load", async () => {
    const broken = join(dir, "broken-runtime.js");
    await writeFile(broken, "throw new Error('native binding missing');\n");
    const e = await failure(
      session(lrPath, { runtime: { modulePath: broken, version: "1.30.0", source: "workspace" } }),
    );
    expect(e.kind).toBe("load");
    expect(e.message).toMatch(
      /onnxruntime-node does not load from .*broken-runtime\.js: native binding missing/,
    );
  });

  it("stops a session that passes its time limit", async () => {
    const e = await failure(session(lrPath, { timeoutMs: 5 }));
    expect(e.kind).toBe("timeout");
    expect(e.message).toMatch(/took longer than 5 ms/);
  });

  it("stops a session that passes its memory limit and reports the peak", async () => {
    const baselineMb = lr.peakRssBytes() / 1024 / 1024;
    expect(baselineMb).toBeGreaterThan(0);
    // 96 MiB of weights: loading them needs far more than 32 MiB over the small model's peak.
    const heavy = join(dir, "heavy.onnx");
    await writeOnnxModel(
      heavy,
      largeModelSpec({ targetBytes: 96 * 1024 * 1024, tensorBytes: 32 * 1024 * 1024 }),
    );
    const e = await failure(session(heavy, { memoryLimitMb: Math.ceil(baselineMb + 32) }));
    expect(e.kind).toBe("memory");
    expect(e.message).toMatch(/used [\d.]+ MiB, over the limit of [\d.]+ MiB/);
  });

  it("turns a killed child into a crash error for the caller", async () => {
    const s = await session(lrPath);
    process.kill(s.pid, "SIGKILL");
    const e = await failure(s.run(feed(ROWS)));
    expect(e.kind).toBe("crash");
    expect(e.message).toMatch(/was killed by signal SIGKILL/);
    // The session stays failed; closing it is harmless.
    expect((await failure(s.run(feed(ROWS)))).kind).toBe("crash");
    await s.close();
  });

  it("refuses runs after close", async () => {
    const s = await openOnnxSession(lrPath, { runtime });
    await s.close();
    await s.close();
    expect((await failure(s.run(feed(ROWS)))).message).toMatch(/is closed/);
  });
});
