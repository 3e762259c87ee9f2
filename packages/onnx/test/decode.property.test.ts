import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeOnnxModel,
  encodeOnnxModel,
  logisticRegressionSpec,
  type OnnxGraph,
  type OnnxInitializerSpec,
  type OnnxModel,
  type OnnxModelSpec,
  signatureOf,
} from "../src/index.js";

/** Decoding either succeeds or throws a GateError, quickly; reading the result throws nothing else. */
function decodeOutcome(bytes: Uint8Array): "model" | "error" {
  const started = performance.now();
  let model: OnnxModel;
  try {
    model = decodeOnnxModel(bytes, "fuzz.onnx", { limits: { maxFields: 200_000 } });
  } catch (e) {
    if (!isGateError(e)) throw e;
    expect((e as Error).message).toMatch(/fuzz\.onnx/);
    return "error";
  } finally {
    expect(performance.now() - started).toBeLessThan(2000);
  }
  signatureOf(model);
  visit(model.graph);
  return "model";
}

function visit(graph: OnnxGraph): void {
  for (const t of graph.initializers) {
    const problem = t.dataProblem();
    try {
      t.values();
      expect(problem).toBeNull();
    } catch (e) {
      if (!isGateError(e)) throw e;
      expect(problem).not.toBeNull();
    }
  }
  for (const node of graph.nodes) for (const sub of node.subgraphs) visit(sub);
}

const seeds: Uint8Array[] = [
  encodeOnnxModel(
    logisticRegressionSpec({
      weights: [
        [1, 2, 3],
        [4, 5, 6],
      ],
      bias: [0, 1, 2],
    }),
  ),
  encodeOnnxModel({
    metadata: { a: "b" },
    graph: {
      inputs: [{ name: "c", dtype: "bool", shape: [] }],
      outputs: [{ name: "y", dtype: "float32", shape: ["N"] }],
      initializers: [
        { name: "t", dtype: "int64", dims: [3], data: [1, -2, 3], storage: "typed" },
        { name: "s", dtype: "string", dims: [2], data: ["a", "bc"] },
        { name: "h", dtype: "float16", dims: [2], data: Uint16Array.from([1, 2]), storage: "typed" },
      ],
      nodes: [
        {
          opType: "If",
          inputs: ["c"],
          outputs: ["y"],
          attributes: {
            then_branch: {
              graph: {
                inputs: [],
                outputs: [{ name: "a", dtype: "float32", shape: null }],
                nodes: [
                  {
                    opType: "Constant",
                    inputs: [],
                    outputs: ["a"],
                    attributes: { value_floats: { floats: [1] } },
                  },
                ],
              },
            },
            else_branch: { graph: { inputs: [], outputs: [], nodes: [] } },
          },
        },
      ],
    },
  }),
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(seed: Uint8Array, steps: Mutation[]): Uint8Array {
  let bytes = Uint8Array.from(seed);
  for (const step of steps) {
    const at = bytes.length === 0 ? 0 : step.at % bytes.length;
    if (step.kind === "flip" && bytes.length > 0) bytes[at] = step.value;
    else if (step.kind === "cut") bytes = bytes.slice(0, at);
    else if (step.kind === "insert")
      bytes = Uint8Array.from([...bytes.slice(0, at), ...step.bytes, ...bytes.slice(at)]);
    else if (step.kind === "repeat") {
      const chunk = bytes.slice(at, at + step.length);
      bytes = Uint8Array.from([...bytes.slice(0, at), ...chunk, ...chunk, ...bytes.slice(at + step.length)]);
    }
  }
  return bytes;
}

describe("decodeOnnxModel on hostile input", () => {
  it("turns random bytes into a model or a GateError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        decodeOutcome(bytes);
      }),
      { numRuns: 400 },
    );
  });

  it("turns mutated valid models into a model or a GateError", () => {
    const outcomes = { model: 0, error: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (seed, steps) => {
          outcomes[decodeOutcome(mutate(seed, steps))]++;
        },
      ),
      { numRuns: 600 },
    );
    // Both paths were exercised: some mutations stay decodable, others break the framing.
    expect(outcomes.model).toBeGreaterThan(0);
    expect(outcomes.error).toBeGreaterThan(0);
  });

  it("refuses deeply nested messages without exhausting the stack", () => {
    // TypeProto.sequence_type.elem_type.sequence_type... 200 levels deep, inside a graph input.
    let type: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 200; i++) type = frame(4, frame(1, type));
    const graph = frame(11, Uint8Array.from([...frame(1, new TextEncoder().encode("x")), ...frame(2, type)]));
    const model = Uint8Array.from([0x08, 8, ...frame(7, graph)]);
    expect(() => decodeOnnxModel(model, "deep.onnx")).toThrow(/messages nested more than 64 deep/);
  });
});

/** A length-delimited field. */
function frame(field: number, payload: Uint8Array): Uint8Array {
  const header: number[] = [(field << 3) | 2];
  let n = payload.length;
  while (n >= 0x80) {
    header.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  header.push(n);
  return Uint8Array.from([...header, ...payload]);
}

const dtypeData: Record<string, fc.Arbitrary<number>> = {
  float32: fc.float({ noNaN: true }),
  float64: fc.double({ noNaN: true }),
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  int8: fc.integer({ min: -128, max: 127 }),
  uint8: fc.integer({ min: 0, max: 255 }),
  uint16: fc.integer({ min: 0, max: 65535 }),
  int64: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
};

const initializer: fc.Arbitrary<OnnxInitializerSpec> = fc
  .record({
    dtype: fc.constantFrom(...Object.keys(dtypeData)),
    dims: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    storage: fc.constantFrom("raw" as const, "typed" as const),
    name: fc.string({ minLength: 1, maxLength: 12 }),
  })
  .chain((r) => {
    const count = r.dims.reduce((a, b) => a * b, 1);
    return fc
      .array(dtypeData[r.dtype]!, { minLength: count, maxLength: count })
      .map((data) => ({ ...r, data: r.dtype === "int64" ? data.map(BigInt) : data }));
  });

describe("encode → decode", () => {
  it("returns what was written", () => {
    fc.assert(
      fc.property(
        fc.array(initializer, { maxLength: 5 }),
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }),
        fc.array(
          fc.oneof(fc.nat({ max: 64 }), fc.string({ minLength: 1, maxLength: 5 }), fc.constant(null)),
          { maxLength: 4 },
        ),
        (initializers, metadata, shape) => {
          const spec: OnnxModelSpec = {
            metadata,
            graph: {
              inputs: [{ name: "x", dtype: "float32", shape }],
              outputs: [{ name: "x", dtype: "float32", shape }],
              nodes: [],
              initializers,
            },
          };
          const model = decodeOnnxModel(encodeOnnxModel(spec), "prop.onnx");
          expect({ ...model.metadata }).toEqual({ ...metadata });
          expect(model.graph.inputs[0]!.type).toEqual({ kind: "tensor", dtype: "float32", shape });
          model.graph.initializers.forEach((t, i) => {
            const want = initializers[i]!;
            expect(t.name).toBe(want.name);
            expect(t.dtype).toBe(want.dtype);
            expect(t.dims).toEqual(want.dims);
            const got = Array.from(t.values() as ArrayLike<number | bigint>);
            const expected = (want.data as (number | bigint)[]).map((v) =>
              want.dtype === "float32" ? Math.fround(v as number) : v,
            );
            expect(got).toEqual(expected);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
