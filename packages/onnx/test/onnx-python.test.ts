/**
 * Cross-checks against the reference implementation: Debian's python3-onnx (1.12) must accept the
 * models this package writes, and this package must read models that onnx's own helpers write.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dtypeName,
  largeModelSpec,
  logisticRegressionSpec,
  mlpSpec,
  type OnnxModelSpec,
  readExternalTensor,
  readOnnxModel,
  signatureOf,
  writeOnnxModel,
} from "../src/index.js";

const PYTHON = "/usr/bin/python3";
const run = promisify(execFile);

function onnxAvailable(): string | null {
  try {
    execFileSync(PYTHON, ["-c", "import onnx"], { stdio: "ignore", timeout: 30_000 });
    return null;
  } catch {
    return `${PYTHON} cannot import onnx (apt-get install python3-onnx)`;
  }
}
const unavailable = onnxAvailable();
if (unavailable) console.warn(`skipping the python3-onnx cross-check: ${unavailable}`);

async function python(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(PYTHON, ["-c", script, ...args], { timeout: 60_000 });
  return stdout;
}

const CHECK = `
import sys, onnx
for path in sys.argv[1:]:
    onnx.checker.check_model(path, full_check=True)
    print("ok", path)
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-onnx-python-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(unavailable !== null)(
  `python3-onnx cross-check${unavailable ? ` (skipped: ${unavailable})` : ""}`,
  () => {
    it("accepts every model the builders write", async () => {
      const ifModel: OnnxModelSpec = {
        opsetImports: [
          { domain: "", version: 17 },
          { domain: "com.example", version: 1 },
        ],
        metadata: { owner: "ml-team" },
        graph: {
          inputs: [
            { name: "cond", dtype: "bool", shape: [] },
            { name: "x", dtype: "float32", shape: ["N", 2] },
          ],
          outputs: [{ name: "y", dtype: "float32", shape: ["N", 2] }],
          nodes: [
            {
              opType: "If",
              inputs: ["cond"],
              outputs: ["y"],
              attributes: {
                then_branch: {
                  graph: {
                    name: "then",
                    inputs: [],
                    outputs: [{ name: "t", dtype: "float32", shape: ["N", 2] }],
                    nodes: [{ opType: "Relu", inputs: ["x"], outputs: ["t"] }],
                  },
                },
                else_branch: {
                  graph: {
                    name: "else",
                    inputs: [],
                    outputs: [{ name: "e", dtype: "float32", shape: ["N", 2] }],
                    nodes: [{ opType: "Neg", inputs: ["x"], outputs: ["e"] }],
                  },
                },
              },
            },
          ],
        },
      };
      const weights = Array.from({ length: 32 }, (_, i) => [i / 32, -i / 32, 0.5]);
      const paths: string[] = [];
      const write = async (name: string, spec: OnnxModelSpec, external = false) => {
        const path = join(dir, name, "model.onnx");
        await writeOnnxModel(
          path,
          spec,
          external ? { externalData: { file: "weights.bin", minBytes: 256 } } : {},
        );
        paths.push(path);
      };
      await write(
        "lr",
        logisticRegressionSpec({
          weights: [
            [1, 2],
            [3, 4],
          ],
          bias: [0, 1],
        }),
      );
      await write("lr-external", logisticRegressionSpec({ weights, bias: [0, 0, 0] }), true);
      await write(
        "mlp",
        mlpSpec({
          layers: [
            {
              weights: [
                [1, -1, 0.5],
                [0.2, 0.3, -0.4],
              ],
              bias: [0, 0.1, 0.2],
            },
            {
              weights: [
                [1, 0],
                [0, 1],
                [1, 1],
              ],
              bias: [0, 0],
            },
          ],
          activation: "tanh",
        }),
      );
      await write("if", ifModel);
      await write("large", largeModelSpec({ targetBytes: 256 * 1024, tensorBytes: 64 * 1024 }));
      const out = await python(CHECK, ...paths);
      expect(out.trim().split("\n")).toEqual(paths.map((p) => `ok ${p}`));
    });

    it("reads models that onnx's own helpers write, external data included", async () => {
      const path = join(dir, "from-python", "model.onnx");
      const expected = JSON.parse(await python(PYTHON_MODEL, path)) as PythonSummary;
      const model = await readOnnxModel(path);
      expect(model).toMatchObject({
        irVersion: 8,
        producerName: "pytest",
        opsetImports: [
          { domain: "", version: 17 },
          { domain: "ai.onnx.ml", version: 3 },
        ],
      });
      expect({ ...model.metadata }).toEqual({ k: "v" });
      expect(signatureOf(model)).toEqual({
        inputs: [
          { name: "x", dtype: "float32", shape: ["batch", 2] },
          { name: "seq_in", dtype: "sequence<float32>", shape: null },
          { name: "map_in", dtype: "map<int64,float32>", shape: null },
        ],
        outputs: [{ name: "y", dtype: "float32", shape: ["batch", 2] }],
      });
      expect(model.graph.initializers.map((t) => t.name)).toEqual(expected.inits.map((t) => t.name));
      for (const want of expected.inits) {
        const got = model.graph.initializers.find((t) => t.name === want.name)!;
        expect(got.dtype).toBe(dtypeName(want.data_type));
        expect(got.dims).toEqual(want.dims);
        expect(got.dataLocation).toBe(want.location);
        const values =
          got.dataLocation === "external"
            ? (await readExternalTensor(dirname(path), got)).values
            : got.values();
        if (want.data_type === 8) {
          expect(values).toBeNull();
          continue;
        }
        expect(Array.from(values as ArrayLike<number | bigint>, Number)).toEqual(want.values);
      }
    });
  },
);

interface PythonSummary {
  inits: { name: string; data_type: number; dims: number[]; location: string; values: number[] | string[] }[];
}

/** Writes a model with onnx.helper (typed and raw data, strings, float16, external data) and describes it. */
const PYTHON_MODEL = `
import json, sys
import numpy as np
import onnx
from onnx import helper, TensorProto, numpy_helper
out = sys.argv[1]
w = helper.make_tensor("w_typed", TensorProto.FLOAT, [2, 2], [1.0, 2.0, 3.0, 4.5])
r = numpy_helper.from_array(np.arange(6, dtype=np.int64).reshape(2, 3) - 3, "r_raw")
big = numpy_helper.from_array(np.linspace(-1, 1, 300, dtype=np.float32), "big")
s = helper.make_tensor("s", TensorProto.STRING, [2], [b"ab", b"cde"])
h = helper.make_tensor("h", TensorProto.FLOAT16, [2], np.array([1.0, -2.0], dtype=np.float16).view(np.uint16).tolist())
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])
seq = helper.make_tensor_sequence_value_info("seq_in", TensorProto.FLOAT, None)
mt = onnx.TypeProto()
mt.map_type.key_type = TensorProto.INT64
mt.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, None))
mp = helper.make_value_info("map_in", mt)
g = helper.make_graph([helper.make_node("Add", ["x", "w_typed"], ["y"])], "pyg", [x, seq, mp], [y], initializer=[w, r, big, s, h])
m = helper.make_model(g, producer_name="pytest", opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)])
m.ir_version = 8
helper.set_model_props(m, {"k": "v"})
onnx.checker.check_model(m)
import os
os.makedirs(os.path.dirname(out), exist_ok=True)
onnx.save_model(m, out, save_as_external_data=True, all_tensors_to_one_file=True, location="weights.bin", size_threshold=1024)
stored = onnx.load(out, load_external_data=False)
loaded = onnx.load(out)
inits = []
for t, full in zip(stored.graph.initializer, loaded.graph.initializer):
    if t.data_location == 1:
        where = "external"
    elif len(t.raw_data) > 0:
        where = "raw"
    else:
        where = "typed"
    arr = numpy_helper.to_array(full)
    if t.data_type == TensorProto.FLOAT16:
        arr = arr.view(np.uint16)
    values = [v.decode() if isinstance(v, bytes) else v if isinstance(v, str) else float(v) for v in arr.flatten().tolist()]
    inits.append({"name": t.name, "data_type": t.data_type, "dims": list(t.dims), "location": where, "values": values})
print(json.dumps({"inits": inits}))
`;
