import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GateError, isGateError } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countNonFinite,
  decodeOnnxModel,
  encodeOnnxModel,
  logisticRegressionSpec,
  type OnnxGraphSpec,
  type OnnxModel,
  type OnnxModelSpec,
  protobuf,
  readExternalTensor,
  readOnnxModel,
  signatureOf,
  writeOnnxModel,
} from "../src/index.js";
import { modelProto } from "../src/proto/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-onnx-format-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function decodeError(bytes: Uint8Array, source = "model.onnx", limits = {}): GateError {
  try {
    decodeOnnxModel(bytes, source, { limits });
  } catch (e) {
    expect(isGateError(e)).toBe(true);
    return e as GateError;
  }
  throw new Error("decoding succeeded");
}

const identityGraph = (name: string, extra: Partial<OnnxGraphSpec> = {}): OnnxGraphSpec => ({
  name,
  inputs: [{ name: "x", dtype: "float32", shape: [1] }],
  outputs: [{ name: "y", dtype: "float32", shape: [1] }],
  nodes: [{ opType: "Identity", inputs: ["x"], outputs: ["y"] }],
  ...extra,
});

describe("encode and decode", () => {
  it("round-trips the logistic regression model", () => {
    const spec = logisticRegressionSpec({
      weights: [
        [1, -2, 0.5],
        [3, 4, -1],
      ],
      bias: [0.1, 0.2, 0.3],
      batch: "batch",
    });
    const bytes = encodeOnnxModel(spec);
    const model = decodeOnnxModel(bytes, "lr.onnx");
    expect(model.irVersion).toBe(8);
    expect(model.opsetImports).toEqual([{ domain: "", version: 17 }]);
    expect(model.producerName).toBe("mlgate");
    expect(model.byteLength).toBe(bytes.byteLength);
    expect(model.graph.inputs).toEqual([
      { name: "input", type: { kind: "tensor", dtype: "float32", shape: ["batch", 2] } },
    ]);
    expect(model.graph.outputs.map((o) => o.type)).toEqual([
      { kind: "tensor", dtype: "float32", shape: ["batch", 3] },
      { kind: "tensor", dtype: "int64", shape: ["batch"] },
    ]);
    const [w, b] = model.graph.initializers;
    expect(w).toMatchObject({
      name: "W",
      dtype: "float32",
      dims: [2, 3],
      elementCount: 6,
      dataLocation: "raw",
      byteLength: 24,
    });
    expect(Array.from(w!.values() as Float32Array)).toEqual([1, -2, 0.5, 3, 4, -1]);
    expect(b!.values()).toEqual(Float32Array.from([0.1, 0.2, 0.3]));
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(["MatMul", "Add", "Softmax", "ArgMax"]);
    expect(model.graph.nodes[3]!.attributes).toEqual([
      { name: "axis", type: "int", value: 1 },
      { name: "keepdims", type: "int", value: 0 },
    ]);
    expect(signatureOf(model)).toEqual({
      inputs: [{ name: "input", dtype: "float32", shape: ["batch", 2] }],
      outputs: [
        { name: "probabilities", dtype: "float32", shape: ["batch", 3] },
        { name: "label", dtype: "int64", shape: ["batch"] },
      ],
    });
  });

  it("keeps metadata, custom domains, functions, non-tensor types and subgraphs", () => {
    const spec: OnnxModelSpec = {
      irVersion: 8,
      opsetImports: [
        { domain: "", version: 17 },
        { domain: "com.example", version: 2 },
      ],
      producerName: "trainer",
      producerVersion: "4.1",
      domain: "org.example.models",
      modelVersion: 7,
      docString: "a test model",
      metadata: { owner: "ml-team", __proto__: "plain key", "": "empty key" },
      functions: [
        {
          domain: "com.example",
          name: "Twice",
          inputs: ["a"],
          outputs: ["b"],
          nodes: [{ opType: "Add", inputs: ["a", "a"], outputs: ["b"] }],
          opsetImports: [{ version: 17 }],
        },
      ],
      graph: {
        name: "rich",
        inputs: [
          { name: "cond", dtype: "bool", shape: [] },
          { name: "x", dtype: "float32", shape: ["batch", null, 3] },
          { name: "any_rank", dtype: "float16", shape: null },
          {
            name: "seq",
            type: { kind: "sequence", elem: { kind: "tensor", dtype: "float32", shape: null } },
          },
          {
            name: "dict",
            type: { kind: "map", key: "int64", value: { kind: "tensor", dtype: "float32", shape: null } },
          },
          { name: "maybe", type: { kind: "optional", elem: { kind: "tensor", dtype: "int64", shape: [2] } } },
          { name: "sparse", type: { kind: "sparse_tensor", dtype: "float32", shape: [10, 10] } },
        ],
        outputs: [{ name: "out", dtype: "float32", shape: ["batch", null, 3] }],
        nodes: [
          { opType: "Twice", domain: "com.example", inputs: ["x"], outputs: ["x2"] },
          {
            opType: "If",
            inputs: ["cond"],
            outputs: ["out"],
            attributes: {
              then_branch: { graph: identityGraph("then", { inputs: [] }) },
              else_branch: { graph: identityGraph("else", { inputs: [] }) },
            },
          },
          {
            opType: "Custom",
            domain: "com.example",
            inputs: ["x"],
            outputs: ["unused"],
            attributes: {
              f: { float: 0.5 },
              s: { string: "héllo" },
              fs: { floats: [1.5, -2] },
              is: { ints: [1, -2, 3_000_000_000] },
              ss: { strings: ["a", "b"] },
            },
          },
        ],
      },
    };
    const model = decodeOnnxModel(encodeOnnxModel(spec), "rich.onnx");
    expect(model).toMatchObject({
      producerName: "trainer",
      producerVersion: "4.1",
      domain: "org.example.models",
      modelVersion: 7,
      docString: "a test model",
      functions: [{ domain: "com.example", name: "Twice" }],
    });
    expect(model.opsetImports).toContainEqual({ domain: "com.example", version: 2 });
    expect({ ...model.metadata }).toEqual({ owner: "ml-team", __proto__: "plain key", "": "empty key" });
    expect(Object.getPrototypeOf(model.metadata)).toBeNull();
    const types = Object.fromEntries(model.graph.inputs.map((v) => [v.name, v.type]));
    expect(types["cond"]).toEqual({ kind: "tensor", dtype: "bool", shape: [] });
    expect(types["x"]).toEqual({ kind: "tensor", dtype: "float32", shape: ["batch", null, 3] });
    expect(types["any_rank"]).toEqual({ kind: "tensor", dtype: "float16", shape: null });
    expect(types["sparse"]).toEqual({ kind: "sparse_tensor", dtype: "float32", shape: [10, 10] });
    expect(signatureOf(model).inputs.map((i) => i.dtype)).toEqual([
      "bool",
      "float32",
      "float16",
      "sequence<float32>",
      "map<int64,float32>",
      "optional<int64>",
      "sparse_tensor<float32>",
    ]);
    const [custom, ifNode, attrs] = model.graph.nodes;
    expect(custom).toMatchObject({ opType: "Twice", domain: "com.example" });
    expect(ifNode!.subgraphs.map((g) => g.name)).toEqual(["then", "else"]);
    expect(ifNode!.subgraphs[0]!.nodes[0]!.opType).toBe("Identity");
    expect(attrs!.attributes).toEqual([
      { name: "f", type: "float", value: 0.5 },
      { name: "s", type: "string", value: "héllo" },
      { name: "fs", type: "floats", value: [1.5, -2] },
      { name: "is", type: "ints", value: [1, -2, 3_000_000_000] },
      { name: "ss", type: "strings", value: ["a", "b"] },
    ]);
  });

  it("reads every typed data field and raw data of every width", () => {
    const int64s = [0n, -1n, 2n ** 62n, -(2n ** 63n), 123456789012345n];
    const spec: OnnxModelSpec = {
      graph: identityGraph("typed", {
        initializers: [
          { name: "f32", dtype: "float32", dims: [3], data: [1.5, -0, 3e38], storage: "typed" },
          { name: "f64", dtype: "float64", dims: [2], data: [Math.PI, -1e300], storage: "typed" },
          { name: "i32", dtype: "int32", dims: [3], data: [-5, 0, 2147483647], storage: "typed" },
          { name: "i8", dtype: "int8", dims: [2], data: [-128, 127], storage: "typed" },
          { name: "u16", dtype: "uint16", dims: [2], data: [65535, 1], storage: "typed" },
          { name: "b", dtype: "bool", dims: [3], data: [1, 0, 1], storage: "typed" },
          {
            name: "h",
            dtype: "float16",
            dims: [2],
            data: Uint16Array.from([0x3c00, 0xc000]),
            storage: "typed",
          },
          { name: "i64", dtype: "int64", dims: [2], data: [-7, 9007199254740991], storage: "typed" },
          { name: "u64", dtype: "uint64", dims: [1], data: [4294967296], storage: "typed" },
          { name: "u32", dtype: "uint32", dims: [2], data: [4294967295, 3], storage: "typed" },
          { name: "c64", dtype: "complex64", dims: [1], data: [1, 2], storage: "typed" },
          { name: "raw_i64", dtype: "int64", dims: [5], data: BigInt64Array.from(int64s) },
          { name: "raw_bf16", dtype: "bfloat16", dims: [1], data: Uint16Array.from([0x3f80]) },
          { name: "raw_u4", dtype: "uint4", dims: [3], data: Uint8Array.from([0x21, 0x03]) },
          { name: "words", dtype: "string", dims: [2], data: ["hello", "wörld"] },
          { name: "scalar", dtype: "float32", dims: [], data: [42] },
          { name: "none", dtype: "float32", dims: [0], data: [] },
        ],
      }),
    };
    const model = decodeOnnxModel(encodeOnnxModel(spec), "typed.onnx");
    const t = Object.fromEntries(model.graph.initializers.map((i) => [i.name, i]));
    const values = (name: string) => Array.from(t[name]!.values() as ArrayLike<number | bigint>);
    expect(t["f32"]!.dataLocation).toBe("typed");
    expect(values("f32")).toEqual([1.5, -0, Math.fround(3e38)]);
    expect(values("f64")).toEqual([Math.PI, -1e300]);
    expect(values("i32")).toEqual([-5, 0, 2147483647]);
    expect(t["i8"]!.values()).toBeInstanceOf(Int8Array);
    expect(values("i8")).toEqual([-128, 127]);
    expect(values("u16")).toEqual([65535, 1]);
    expect(values("b")).toEqual([1, 0, 1]);
    expect(values("h")).toEqual([0x3c00, 0xc000]);
    expect(values("i64")).toEqual([-7n, 9007199254740991n]);
    expect(values("u64")).toEqual([4294967296n]);
    expect(values("u32")).toEqual([4294967295, 3]);
    expect(values("c64")).toEqual([1, 2]);
    expect(t["c64"]!.byteLength).toBe(8);
    expect(values("raw_i64")).toEqual(int64s);
    expect(values("raw_bf16")).toEqual([0x3f80]);
    expect(t["raw_u4"]).toMatchObject({ elementCount: 3, byteLength: 2 });
    expect(values("raw_u4")).toEqual([0x21, 0x03]);
    expect(t["words"]).toMatchObject({ dataLocation: "typed", byteLength: 11, elementCount: 2 });
    expect(t["words"]!.values()).toBeNull();
    expect(t["words"]!.dataProblem()).toBeNull();
    expect(t["scalar"]).toMatchObject({ dims: [], elementCount: 1 });
    expect(values("scalar")).toEqual([42]);
    expect(t["none"]).toMatchObject({ dataLocation: "empty", elementCount: 0, byteLength: 0 });
    expect(values("none")).toEqual([]);
  });

  it("keeps raw data as views into the file: no copy of the weights", () => {
    const bytes = encodeOnnxModel({
      graph: identityGraph("views", {
        initializers: [
          { name: "u8", dtype: "uint8", dims: [4], data: [1, 2, 3, 4] },
          { name: "f32", dtype: "float32", dims: [1024], data: new Float32Array(1024).fill(0.25) },
        ],
      }),
    });
    const file = Buffer.from(bytes);
    const model = decodeOnnxModel(file, "views.onnx");
    const u8 = model.graph.initializers[0]!.values() as Uint8Array;
    expect(u8.buffer).toBe(file.buffer);
    const f32 = model.graph.initializers[1]!.values() as Float32Array;
    // Aligned raw data is a view; misaligned data is one tensor's copy with the same contents.
    const at = file.indexOf(Buffer.from(new Float32Array(1024).fill(0.25).buffer));
    expect(at).toBeGreaterThan(0);
    expect(f32.buffer === file.buffer).toBe((file.byteOffset + at) % 4 === 0);
    expect(f32.every((v) => v === 0.25)).toBe(true);
  });

  it("decodes element data written unpacked, as older protobuf writers do", () => {
    // TensorProto { dims: 3, data_type: FLOAT, float_data: 1, 2, 3 (one tag each), name: "w" }
    const tensor = protobuf.Writer.create();
    tensor.uint32((1 << 3) | 0).int64(3);
    tensor.uint32((2 << 3) | 0).int32(1);
    for (const v of [1, 2, 3]) tensor.uint32((4 << 3) | 5).float(v);
    tensor.uint32((8 << 3) | 2).string("w");
    const model = modelWithInitializerBytes(tensor.finish());
    const w = model.graph.initializers[0]!;
    expect(w.dataLocation).toBe("typed");
    expect(Array.from(w.values() as Float32Array)).toEqual([1, 2, 3]);
  });

  it("reports stored data that does not match dims and dtype", () => {
    const bytes = encodeOnnxModel({
      graph: identityGraph("bad", {
        initializers: [
          { name: "short", dtype: "float32", dims: [4], data: new Float32Array(3) },
          { name: "few", dtype: "int32", dims: [3], data: [1, 2], storage: "typed" },
          { name: "missing", dtype: "float32", dims: [2] },
          { name: "neg", dtype: "float32", dims: [-1], data: [] },
        ],
      }),
    });
    const model = decodeOnnxModel(bytes, "bad.onnx");
    const [short, few, missing, neg] = model.graph.initializers;
    expect(short!.dataProblem()).toBe("raw_data holds 12 bytes, expected 16 for 4 float32");
    expect(() => short!.values()).toThrow(/bad\.onnx: tensor "short" raw_data holds 12 bytes/);
    expect(few!.dataProblem()).toMatch(/int32_data holds 2 values, expected 3/);
    expect(missing!.dataProblem()).toMatch(/no data for its 2 elements/);
    expect(neg!.dataProblem()).toMatch(/negative dimension/);
  });

  it("leaves out of the signature the inputs that initializers back (IR 3 style)", () => {
    const spec = logisticRegressionSpec({ weights: [[1], [2]], bias: [0] });
    spec.irVersion = 3;
    spec.graph.inputs.push(
      { name: "W", dtype: "float32", shape: [2, 1] },
      { name: "B", dtype: "float32", shape: [1] },
    );
    const model = decodeOnnxModel(encodeOnnxModel(spec), "ir3.onnx");
    expect(model.graph.inputs.map((i) => i.name)).toEqual(["input", "W", "B"]);
    expect(signatureOf(model).inputs.map((i) => i.name)).toEqual(["input"]);
  });
});

/** A model whose graph holds one initializer given as encoded TensorProto bytes. */
function modelWithInitializerBytes(tensor: Uint8Array): OnnxModel {
  const graph = protobuf.Writer.create();
  graph.uint32((2 << 3) | 2).string("g");
  graph.uint32((5 << 3) | 2).bytes(tensor);
  const model = protobuf.Writer.create();
  model.uint32((1 << 3) | 0).int64(8);
  model.uint32((7 << 3) | 2).bytes(graph.finish());
  return decodeOnnxModel(model.finish(), "handmade.onnx");
}

describe("external data", () => {
  it("writes large initializers beside the model and reports and reads them", async () => {
    const weights = Array.from({ length: 64 }, (_, i) => Array.from({ length: 8 }, (_, j) => i - j / 8));
    const spec = logisticRegressionSpec({ weights, bias: new Array(8).fill(0.5) });
    const path = join(dir, "ext", "model.onnx");
    const written = await writeOnnxModel(path, spec, {
      externalData: { file: "model.onnx.data", minBytes: 1024 },
    });
    expect(written.externalTensors).toEqual([{ name: "W", offset: 0, length: 64 * 8 * 4 }]);
    const model = await readOnnxModel(path);
    const [w, b] = model.graph.initializers;
    expect(w).toMatchObject({
      dataLocation: "external",
      byteLength: 2048,
      external: { location: "model.onnx.data", offset: 0, length: 2048 },
    });
    expect(w!.values()).toBeNull();
    expect(b!.dataLocation).toBe("raw");
    const data = await readExternalTensor(join(dir, "ext"), w!);
    expect(Array.from(data.values as Float32Array)).toEqual(weights.flat().map(Math.fround));
    expect(data.path).toBe(written.externalFile);
  });

  it("refuses locations outside the model's directory and ranges outside the file", async () => {
    const modelDir = join(dir, "escape");
    await writeOnnxModel(join(dir, "outside.onnx"), { graph: identityGraph("o") });
    await writeFile(join(dir, "secret.bin"), new Uint8Array(16));
    const external = (location: string, offset?: number, length?: number) =>
      decodeOnnxModel(
        encodeOnnxModel({
          graph: identityGraph("e", {
            initializers: [
              { name: "w", dtype: "float32", dims: [4], external: { location, offset, length } },
            ],
          }),
        }),
        "e.onnx",
      ).graph.initializers[0]!;
    await writeOnnxModel(join(modelDir, "m.onnx"), { graph: identityGraph("m") });
    await writeFile(join(modelDir, "weights.bin"), new Uint8Array(20));
    await symlink(join(dir, "secret.bin"), join(modelDir, "link.bin"));

    const failure = async (location: string, offset?: number, length?: number) => {
      const e = await readExternalTensor(modelDir, external(location, offset, length)).catch((err) => err);
      expect(isGateError(e)).toBe(true);
      return (e as Error).message;
    };
    expect(await failure("../secret.bin")).toMatch(/outside the model's directory/);
    expect(await failure(join(dir, "secret.bin"))).toMatch(/outside the model's directory/);
    expect(await failure("link.bin")).toMatch(/through a link/);
    expect(await failure("absent.bin")).toMatch(/file not found: absent\.bin/);
    expect(await failure("weights.bin", 8, 16)).toMatch(
      /asks for bytes 8\.\.24 of weights\.bin, which has 20 bytes/,
    );
    expect(await failure("weights.bin", 0, 12)).toMatch(/holds 12 bytes, expected 16/);
    const ok = await readExternalTensor(modelDir, external("weights.bin", 4, 16));
    expect(ok.bytes.byteLength).toBe(16);
  });
});

describe("bad files", () => {
  const good = encodeOnnxModel(
    logisticRegressionSpec({
      weights: [
        [1, 2],
        [3, 4],
      ],
      bias: [0, 0],
    }),
  );

  it("names the file and the byte offset of a truncation", () => {
    for (const cut of [1, 7, 40, good.byteLength - 3]) {
      const e = decodeError(good.subarray(0, cut), "cut.onnx");
      expect(e.message).toMatch(/^cut\.onnx: not a valid ONNX file at byte offset \d+/);
      expect(e.location?.file).toBe("cut.onnx");
    }
    expect(decodeError(good.subarray(0, 60), "cut.onnx").message).toMatch(
      /^cut\.onnx: not a valid ONNX file at byte offset 10: onnx\.ModelProto\.graph declares \d{3} bytes but only 47 remain \(truncated file\?\)$/,
    );
  });

  it("names the field path of a break inside the graph", () => {
    const node = new Uint8Array([(1 << 3) | 2, 50, 0x61]); // input: claims 50 bytes, holds 1
    const graph = protobuf.Writer.create();
    graph.uint32((1 << 3) | 2).bytes(new Uint8Array(0)); // node[0], empty
    graph.uint32((1 << 3) | 2).bytes(node); // node[1], broken
    const model = protobuf.Writer.create();
    model.uint32((1 << 3) | 0).int64(8);
    model.uint32((7 << 3) | 2).bytes(graph.finish());
    expect(decodeError(model.finish(), "broken.onnx").message).toBe(
      "broken.onnx: not a valid ONNX file at byte offset 8 (in graph.node[1]): onnx.NodeProto.input declares 50 bytes but only 1 remain (truncated file?)",
    );
  });

  it("refuses empty files, text and other protobuf messages", () => {
    expect(decodeError(new Uint8Array(0)).message).toMatch(/is empty/);
    expect(decodeError(new TextEncoder().encode("name,value\nfoo,1\n")).message).toMatch(
      /not a valid ONNX file/,
    );
    const other = protobuf.Writer.create();
    other.uint32((2 << 3) | 2).string("looks like protobuf");
    expect(decodeError(other.finish()).message).toMatch(/not an ONNX model: it has no graph/);
    const noVersion = protobuf.Writer.create();
    noVersion.uint32((7 << 3) | 2).bytes(new Uint8Array(0));
    expect(decodeError(noVersion.finish()).message).toMatch(/ir_version .* is missing/);
  });

  it("skips fields it does not know", () => {
    const withUnknown = new Uint8Array([...good, (99 << 3) | 2, 3, 1, 2, 3, (98 << 3) | 0, 5]);
    expect(decodeOnnxModel(withUnknown, "u.onnx").graph.nodes).toHaveLength(4);
  });

  it("applies every limit before decoding", () => {
    const nested = (depth: number): OnnxGraphSpec =>
      depth === 0
        ? identityGraph("leaf", { inputs: [] })
        : identityGraph(`level${depth}`, {
            inputs: [],
            nodes: [
              {
                opType: "If",
                inputs: ["c"],
                outputs: ["y"],
                attributes: { then_branch: { graph: nested(depth - 1) }, else_branch: { graph: nested(0) } },
              },
            ],
          });
    const deep = encodeOnnxModel({ graph: nested(5) });
    expect(decodeOnnxModel(deep, "deep.onnx").graph.nodes[0]!.subgraphs[0]!.name).toBe("level4");
    expect(decodeError(deep, "deep.onnx", { maxGraphDepth: 4 }).message).toMatch(
      /graphs nested more than 4 deep/,
    );
    expect(decodeError(good, "m.onnx", { maxNodes: 3 }).message).toMatch(
      /at byte offset \d+ \(in graph\.node\[3\]\): more than 3 nodes$/,
    );
    expect(decodeError(good, "m.onnx", { maxInitializers: 1 }).message).toMatch(/more than 1 initializers/);
    expect(decodeError(good, "m.onnx", { maxFields: 20 }).message).toMatch(/more than 20 protobuf values/);
    expect(decodeError(good, "m.onnx", { maxBytes: 10 }).message).toMatch(/over the limit of 10 bytes/);
    const doc = encodeOnnxModel({ docString: "x".repeat(5000), graph: identityGraph("d") });
    expect(decodeError(doc, "m.onnx", { maxStringLength: 4096 }).message).toMatch(
      /ModelProto\.doc_string is 5000 bytes/,
    );
    expect(decodeError(doc, "m.onnx", { maxStringLength: 4096 }).hint).toMatch(/maxStringLength/);
  });

  it("refuses a packed list with more values than the limit allows", () => {
    const bytes = encodeOnnxModel({
      graph: identityGraph("ints", {
        nodes: [
          {
            opType: "Identity",
            inputs: ["x"],
            outputs: ["y"],
            attributes: { many: { ints: new Array(500).fill(1) } },
          },
        ],
      }),
    });
    expect(decodeError(bytes, "m.onnx", { maxFields: 300 }).message).toMatch(/more than 300 protobuf values/);
  });

  it("reads files from disk with the same errors, and refuses oversize files without reading them", async () => {
    const path = join(dir, "good.onnx");
    await writeFile(path, good);
    expect((await readOnnxModel(path)).graph.nodes).toHaveLength(4);
    await expect(readOnnxModel(path, { maxBytes: 100 })).rejects.toThrow(
      /good\.onnx is \d+ bytes, over the limit of 100/,
    );
    await expect(readOnnxModel(join(dir, "absent.onnx"))).rejects.toThrow(/ONNX model not found/);
    await expect(readOnnxModel(dir)).rejects.toThrow(/is not a regular file/);
    await writeFile(join(dir, "cut.onnx"), good.subarray(0, 50));
    await expect(readOnnxModel(join(dir, "cut.onnx"))).rejects.toThrow(/cut\.onnx: not a valid ONNX file/);
  });
});

describe("decoding memory", () => {
  it("allocates no second copy of a 48 MB model's weights", () => {
    const spec: OnnxModelSpec = {
      graph: identityGraph("big", {
        initializers: Array.from({ length: 6 }, (_, i) => ({
          name: `w${i}`,
          dtype: "float32",
          dims: [2 * 1024 * 1024],
          data: new Float32Array(2 * 1024 * 1024).fill(i),
        })),
      }),
    };
    const file = Buffer.from(encodeOnnxModel(spec));
    const before = process.memoryUsage();
    const model = decodeOnnxModel(file, "big.onnx");
    const after = process.memoryUsage();
    expect(file.byteLength).toBeGreaterThan(48 * 1024 * 1024);
    // A copy of the weights would add ~48 MB of array buffers.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(1024 * 1024);
    expect(model.graph.initializers).toHaveLength(6);
    let scanned = 0;
    for (const t of model.graph.initializers) {
      const values = t.values() as Float32Array;
      scanned += values.length;
      expect(countNonFinite(t.dtype, values)).toEqual({ nan: 0, infinity: 0 });
    }
    expect(scanned).toBe(6 * 2 * 1024 * 1024);
  });
});

describe("the schema", () => {
  it("encodes element data packed and dims unpacked, as onnx.proto declares", () => {
    const writer = modelProto().encode({
      ir_version: 8,
      graph: { initializer: [{ dims: [2, 3], data_type: 1, float_data: [1, 2, 3, 4, 5, 6] }] },
    });
    const bytes = writer.finish();
    const tensorStart = bytes.indexOf(0x2a); // GraphProto.initializer, field 5, length-delimited
    const tensor = bytes.subarray(tensorStart + 2);
    expect(Array.from(tensor.subarray(0, 4))).toEqual([0x08, 2, 0x08, 3]); // dims: one tag each
    expect(tensor[4]).toBe(0x10); // data_type
    expect(tensor[6]).toBe((4 << 3) | 2); // float_data: one packed run
    expect(tensor[7]).toBe(24);
  });
});
