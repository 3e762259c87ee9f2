import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import { encodeOnnxModel, logisticRegressionSpec, type OnnxModelSpec, writeOnnxModel } from "@mlgate/onnx";
import { beforeAll, describe, expect, it } from "vitest";
import { diffSignatures, readSignature } from "../../src/tensor/index.js";

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-signature-"));
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, `${n++}-${name}`);
  await writeFile(path, content);
  return path;
}

async function gateError(p: Promise<unknown>): Promise<{ message: string; line?: number; hint?: string }> {
  try {
    await p;
  } catch (e) {
    if (!isGateError(e)) throw e;
    return {
      message: e.message,
      ...(e.location?.line !== undefined ? { line: e.location.line } : {}),
      ...(e.hint ? { hint: e.hint } : {}),
    };
  }
  throw new Error("expected a GateError");
}

const MANIFEST = `name: iris-classifier
version: 1.4.0
signature:
  inputs:
    - name: input
      dtype: float32
      shape: [N, 4]
  outputs:
    - name: probabilities
      dtype: float
      shape: [N, 3]
    - name: label
      dtype: int64
      shape: [N]
`;

describe("reading signatures", () => {
  it("reads a manifest with a line per tensor", async () => {
    const path = await file("model.yaml", MANIFEST);
    const doc = await readSignature(path);
    expect(doc.kind).toBe("manifest");
    expect(doc.signature).toEqual({
      inputs: [{ name: "input", dtype: "float32", shape: ["N", 4] }],
      outputs: [
        { name: "probabilities", dtype: "float32", shape: ["N", 3] },
        { name: "label", dtype: "int64", shape: ["N"] },
      ],
    });
    expect(doc.inputs?.get("input")).toMatchObject({ file: path, line: 5 });
    expect(doc.outputs?.get("label")).toMatchObject({ file: path, line: 12 });
  });

  it("reads the front matter of a model card, with lines in the card", async () => {
    const path = await file(
      "README.md",
      `---\n${MANIFEST}---\n\n# Iris classifier\n\nSome text: with a colon.\n`,
    );
    const doc = await readSignature(path);
    expect(doc.kind).toBe("manifest");
    expect(doc.outputs?.get("probabilities")).toMatchObject({ line: 10 });
  });

  it("reads validate-artifact's signature JSON, unknown dims and unknown ranks included", async () => {
    const json = {
      inputs: [{ name: "x", dtype: "float32", shape: ["batch", null, 8] }],
      outputs: [{ name: "y", dtype: "float32", shape: null }],
    };
    const path = await file("signature.json", JSON.stringify(json, null, 2));
    const doc = await readSignature(path);
    expect(doc.kind).toBe("signature-json");
    expect(doc.signature).toEqual(json);
    expect(doc.outputs?.get("y")?.line).toBe(14);
  });

  it("reads -1 as an unknown dimension and an omitted shape as an unknown rank", async () => {
    const path = await file(
      "m.yaml",
      "signature:\n  inputs: [{ name: x, dtype: float32, shape: [-1, 4] }, { name: y, dtype: int64 }]\n  outputs: []\n",
    );
    expect((await readSignature(path)).signature.inputs.map((t) => t.shape)).toEqual([[null, 4], null]);
  });

  it("reads an ONNX model's graph inputs and outputs, weights excluded", async () => {
    const path = join(dir, "lr.onnx");
    await writeOnnxModel(
      path,
      logisticRegressionSpec({
        weights: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [1, 1, 1],
        ],
        bias: [0, 0, 0],
      }),
    );
    const doc = await readSignature(path);
    expect(doc.kind).toBe("onnx");
    expect(doc.source).toEqual({ file: path });
    expect(doc.signature.inputs).toEqual([{ name: "input", dtype: "float32", shape: ["N", 4] }]);
    expect(doc.signature.outputs.map((o) => o.name).sort()).toEqual(["label", "probabilities"]);
  });

  it("compares an ONNX model with the manifest that describes it", async () => {
    const onnx = join(dir, "lr2.onnx");
    await writeOnnxModel(
      onnx,
      logisticRegressionSpec({
        weights: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [1, 1, 1],
        ],
        bias: [0, 0, 0],
      }),
    );
    const model = await readSignature(onnx);
    const manifest = await readSignature(await file("m.yaml", MANIFEST));
    const order = model.signature.outputs.map((o) => o.name);
    const changes = diffSignatures(manifest.signature, model.signature, { base: manifest, head: model });
    // Same tensors; only the output order may differ from the manifest's.
    expect(changes.map((c) => c.rule)).toEqual(
      order[0] === "probabilities" ? [] : ["tensor.output-order-changed"],
    );
  });

  it("diffs two ONNX model versions: more classes, renamed input, new batch symbol", async () => {
    const v1 = join(dir, "v1.onnx");
    const v2 = join(dir, "v2.onnx");
    await writeOnnxModel(
      v1,
      logisticRegressionSpec({
        weights: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
          [1, 1, 1],
        ],
        bias: [0, 0, 0],
      }),
    );
    await writeOnnxModel(
      v2,
      logisticRegressionSpec({
        weights: [
          [1, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 1, 0],
          [1, 1, 1, 1],
        ],
        bias: [0, 0, 0, 0],
        inputName: "features",
        batch: "batch",
      }),
    );
    const base = await readSignature(v1);
    const head = await readSignature(v2);
    const changes = diffSignatures(base.signature, head.signature, { base, head });
    expect(changes.map((c) => [c.rule, c.path]).sort()).toEqual(
      [
        ["tensor.input-renamed", "inputs/features"],
        ["tensor.output-dim-size-changed", "outputs/probabilities"],
        ["tensor.dim-symbol-renamed", "outputs/probabilities"],
        ["tensor.dim-symbol-renamed", "outputs/label"],
      ].sort(),
    );
    const size = changes.find((c) => c.rule === "tensor.output-dim-size-changed")!;
    expect(size.counterExample).toEqual({
      direction: "response",
      describes: "output tensor probabilities",
      payload: { name: "probabilities", dtype: "float32", shape: [1, 4] },
    });
    expect(size.head).toEqual({ file: v2 });
  });

  it("reads an ONNX file whatever its extension", async () => {
    const spec: OnnxModelSpec = logisticRegressionSpec({ weights: [[1], [2]], bias: [0] });
    const path = await file("model.bin", encodeOnnxModel(spec));
    expect((await readSignature(path)).kind).toBe("onnx");
  });

  it("locates every kind of mistake in a manifest", async () => {
    const cases: [string, string, number][] = [
      [
        "signature:\n  inputs:\n    - name: x\n      dtype: float32\n      shape: [N, 4.5]\n  outputs: []\n",
        "signature.inputs[0].shape[1]: a dimension must be",
        5,
      ],
      [
        "signature:\n  inputs:\n    - name: ''\n      dtype: float32\n      shape: []\n  outputs: []\n",
        "signature.inputs[0].name: name must be a non-empty string",
        3,
      ],
      ["signature:\n  inputs: []\n", "signature.outputs is missing", 2],
      [
        "signature:\n  inputs:\n    - { name: x, dtype: f, shape: [] }\n    - { name: x, dtype: f, shape: [] }\n  outputs: []\n",
        "signature.inputs[1].name: input x is declared twice",
        4,
      ],
      ["signature:\n  inputs: {}\n  outputs: []\n", "signature.inputs: inputs must be a list", 2],
      [
        "signature:\n  inputs:\n    - name: x\n      dtype: 3\n      shape: [N]\n  outputs: []\n",
        "signature.inputs[0].dtype: dtype must be a non-empty string, got 3",
        4,
      ],
      ["name: model\n", "declares no model signature", 1],
      ["signature:\n  inputs: [\n", "is not valid YAML", 3],
      ["a: 1\na: 2\n", "is not valid YAML", 2],
    ];
    for (const [text, message, line] of cases) {
      const err = await gateError(readSignature(await file("bad.yaml", text)));
      expect([err.message, err.line]).toEqual([expect.stringContaining(message), line]);
    }
  });

  it("points JSON syntax errors at their line", async () => {
    const err = await gateError(
      readSignature(await file("bad.json", '{\n  "inputs": [],\n  "outputs": [,]\n}')),
    );
    expect(err.message).toContain("not valid JSON");
    expect(err.line).toBe(3);
  });

  it("says what a model card without front matter lacks", async () => {
    const err = await gateError(readSignature(await file("card.md", "# A model\n")));
    expect(err.message).toContain("has no YAML front matter");
  });

  it("says when a file is missing or is neither text nor ONNX", async () => {
    expect((await gateError(readSignature(join(dir, "none.yaml")))).message).toContain(
      "signature file not found",
    );
    const err = await gateError(
      readSignature(await file("junk.bin", new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x02]))),
    );
    // Binary without a known extension is read as ONNX, and the ONNX reader says why it is not.
    expect(err.message).toContain("not a valid ONNX file");
  });
});
