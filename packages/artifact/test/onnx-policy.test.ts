import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readOnnxModel } from "@mlgate/onnx";
import { beforeAll, describe, expect, it } from "vitest";
import { checkOnnxPolicy } from "../src/onnx-policy/index.js";
import { ONNX_CASES } from "./fixtures/onnx-models.js";

let root: string;
const written = new Map<string, string>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "onnx-policy-"));
  for (const [i, c] of ONNX_CASES.entries()) {
    const dir = join(root, `case-${i}`);
    await mkdir(dir);
    written.set(c.name, await c.write(dir));
  }
});

describe("ONNX policy", () => {
  for (const c of ONNX_CASES) {
    it(`judges ${c.name}`, async () => {
      const path = written.get(c.name)!;
      const result = await checkOnnxPolicy(await readOnnxModel(path), path);
      const failing = result.findings.filter((f) => f.level === "fail");
      if (c.expect === "pass") {
        expect(failing).toEqual([]);
        expect(result.checks.every((k) => k.status === "pass")).toBe(true);
        expect(result.parameters).toBe(10);
      } else {
        expect(failing.map((f) => f.rule)).toContain(c.expect);
        expect(result.checks.some((k) => k.status === "fail")).toBe(true);
      }
    });
  }

  it("lists the external data files of a good model", async () => {
    const path = written.get("good: external data beside the model")!;
    const result = await checkOnnxPolicy(await readOnnxModel(path), path);
    expect(result.externalFiles.map((f) => f.slice(f.lastIndexOf("/") + 1))).toEqual(["model.onnx.data"]);
  });

  it("lets a listed custom domain and a wider opset range through", async () => {
    const path = written.get("custom operator domain")!;
    const model = await readOnnxModel(path);
    const result = await checkOnnxPolicy(model, path, { domains: ["", "ai.onnx.ml", "com.acme"] });
    expect(result.findings.filter((f) => f.level === "fail")).toEqual([]);
    const old = written.get("opset older than the policy allows")!;
    const relaxed = await checkOnnxPolicy(await readOnnxModel(old), old, {
      opsets: { "": { min: 1, max: 23 } },
    });
    expect(relaxed.findings.filter((f) => f.rule === "onnx.opset")).toEqual([]);
  });

  it("warns instead of failing on NaN weights when the policy says so", async () => {
    const path = written.get("NaN in an initializer")!;
    const result = await checkOnnxPolicy(await readOnnxModel(path), path, { nonFinite: "warn" });
    expect(
      result.findings.filter((f) => f.rule === "onnx.non-finite-initializer").map((f) => f.level),
    ).toEqual(["warn"]);
  });

  const python = spawnSync("/usr/bin/python3", ["-c", "import onnx"], { encoding: "utf8" }).status === 0;
  it.skipIf(!python)("agrees with onnx.checker on the well-formed models", () => {
    const good = ONNX_CASES.filter((c) => c.expect === "pass").map((c) => written.get(c.name)!);
    const script =
      "import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint('ok')";
    const run = spawnSync("/usr/bin/python3", ["-c", script, ...good], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("ok");
  });
});
