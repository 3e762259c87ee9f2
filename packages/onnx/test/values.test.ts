import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allDTypes,
  bytesPerElement,
  countNonFinite,
  countNonFiniteBytes,
  DATA_TYPE_CODES,
  decodeOnnxModel,
  dtypeCode,
  dtypeName,
  encodeOnnxModel,
  rawByteLength,
  rawValues,
  scanTensorNonFinite,
} from "../src/index.js";

describe("the element type table", () => {
  it("maps every ONNX DataType code to one numpy-style name and back", () => {
    const codes = Object.values(DATA_TYPE_CODES).filter((c) => c !== 0);
    expect(allDTypes().map((d) => d.code)).toEqual(codes);
    for (const info of allDTypes()) expect(dtypeCode(dtypeName(info.code))).toBe(info.code);
    expect(dtypeName(1)).toBe("float32");
    expect(dtypeName(11)).toBe("float64");
    expect(dtypeName(16)).toBe("bfloat16");
    expect(dtypeName(17)).toBe("float8e4m3fn");
    expect(dtypeName(22)).toBe("int4");
    expect(dtypeName(0)).toBe("undefined");
    expect(dtypeName(99)).toBe("dtype(99)");
    expect(dtypeCode("FLOAT")).toBe(1);
    expect(dtypeCode("double")).toBe(11);
    expect(() => dtypeCode("float128")).toThrow(/unknown ONNX element type/);
  });

  it("knows each type's width", () => {
    expect(bytesPerElement("float32")).toBe(4);
    expect(bytesPerElement("complex128")).toBe(16);
    expect(bytesPerElement("bool")).toBe(1);
    expect(bytesPerElement("int4")).toBeNull();
    expect(bytesPerElement("string")).toBeNull();
    expect(rawByteLength("uint4", 3)).toBe(2);
    expect(rawByteLength("float16", 3)).toBe(6);
    expect(rawByteLength("string", 3)).toBeNull();
  });
});

describe("rawValues", () => {
  it("views aligned bytes and copies misaligned ones, with equal contents", () => {
    const source = new Float32Array([1.5, -2, 3.25]);
    const padded = new Uint8Array(13);
    padded.set(new Uint8Array(source.buffer), 1);
    const aligned = new Uint8Array(source.buffer);
    expect(rawValues("float32", aligned)!.buffer).toBe(source.buffer);
    const copy = rawValues("float32", padded.subarray(1)) as Float32Array;
    expect(copy.buffer).not.toBe(padded.buffer);
    expect(Array.from(copy)).toEqual([1.5, -2, 3.25]);
    expect(rawValues("float32", new Uint8Array(5))).toBeNull();
    expect(rawValues("string", new Uint8Array(4))).toBeNull();
  });
});

describe("countNonFinite", () => {
  it("counts NaN and infinities in float32 and float64", () => {
    expect(countNonFinite("float32", Float32Array.from([1, Number.NaN, Infinity, -Infinity, 0]))).toEqual({
      nan: 1,
      infinity: 2,
    });
    expect(countNonFinite("float64", Float64Array.from([Number.NaN, Number.NaN, 1e308]))).toEqual({
      nan: 2,
      infinity: 0,
    });
  });

  it("reads float16, bfloat16 and float8 bit patterns", () => {
    // float16: 1.0, +inf, -inf, NaN, max finite
    expect(countNonFinite("float16", Uint16Array.from([0x3c00, 0x7c00, 0xfc00, 0x7e00, 0x7bff]))).toEqual({
      nan: 1,
      infinity: 2,
    });
    // bfloat16: 1.0, +inf, NaN
    expect(countNonFinite("bfloat16", Uint16Array.from([0x3f80, 0x7f80, 0x7fc0]))).toEqual({
      nan: 1,
      infinity: 1,
    });
    expect(countNonFinite("float8e4m3fn", Uint8Array.from([0x7f, 0xff, 0x7e]))).toEqual({
      nan: 2,
      infinity: 0,
    });
    expect(countNonFinite("float8e5m2", Uint8Array.from([0x7c, 0x7d, 0x3c]))).toEqual({
      nan: 1,
      infinity: 1,
    });
    expect(countNonFinite("int32", Int32Array.from([1, 2]))).toEqual({ nan: 0, infinity: 0 });
  });

  it("classifies bfloat16 exactly as the float32 it truncates", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (bits) => {
        // bfloat16 is the upper half of a float32: widen it and let JavaScript judge the value.
        const widened = new Float32Array(new Uint32Array([bits << 16]).buffer);
        expect(countNonFinite("bfloat16", Uint16Array.from([bits]))).toEqual(
          countNonFinite("float32", widened),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("finds the NaN planted in a model's weights", () => {
    const weights = new Float32Array(1000).fill(0.5);
    weights[123] = Number.NaN;
    weights[999] = -Infinity;
    const model = decodeOnnxModel(
      encodeOnnxModel({
        graph: {
          inputs: [{ name: "x", dtype: "float32", shape: [1000] }],
          outputs: [{ name: "y", dtype: "float32", shape: [1000] }],
          nodes: [{ opType: "Add", inputs: ["x", "w"], outputs: ["y"] }],
          initializers: [{ name: "w", dtype: "float32", dims: [1000], data: weights }],
        },
      }),
      "nan.onnx",
    );
    const w = model.graph.initializers[0]!;
    expect(countNonFinite(w.dtype, w.values()!)).toEqual({ nan: 1, infinity: 1 });
    expect(scanTensorNonFinite(w)).toEqual({ nan: 1, infinity: 1 });
  });

  it("reads raw bytes at any alignment the same way as typed values", () => {
    const misaligned = (values: Float32Array | Float64Array) => {
      const bytes = new Uint8Array(values.byteLength + 3);
      bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 3);
      return bytes.subarray(3);
    };
    fc.assert(
      fc.property(
        fc.array(fc.double(), { maxLength: 50 }),
        fc.array(fc.float(), { maxLength: 50 }),
        (doubles, floats) => {
          const f64 = Float64Array.from(doubles);
          const f32 = Float32Array.from(floats);
          expect(countNonFiniteBytes("float64", misaligned(f64))).toEqual(countNonFinite("float64", f64));
          expect(countNonFiniteBytes("float32", misaligned(f32))).toEqual(countNonFinite("float32", f32));
          expect(countNonFiniteBytes("complex64", misaligned(f32))).toEqual(countNonFinite("complex64", f32));
        },
      ),
    );
    const halves = Uint16Array.from([0x3c00, 0x7c00, 0x7e00, 0x0001]);
    expect(countNonFiniteBytes("float16", new Uint8Array(halves.buffer))).toEqual(
      countNonFinite("float16", halves),
    );
    expect(countNonFiniteBytes("int32", new Uint8Array(8).fill(0xff))).toEqual({ nan: 0, infinity: 0 });
  });
});
