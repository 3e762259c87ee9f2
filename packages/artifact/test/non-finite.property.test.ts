import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countNonFinite } from "../src/non-finite.js";

/** The reference: look at every value. */
function reference(values: readonly number[]): { nan: number; inf: number } {
  return {
    nan: values.filter((v) => Number.isNaN(v)).length,
    inf: values.filter((v) => v === Infinity || v === -Infinity).length,
  };
}

const value = fc.oneof(
  { weight: 20, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 3.4e38) },
);

describe("NaN/Inf counting", () => {
  it("counts float32 and float64 values exactly, aligned or not, across block edges", () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 9000 }), fc.integer({ min: 0, max: 3 }), (values, shift) => {
        const f32 = Float32Array.from(values);
        const f64 = Float64Array.from(values);
        for (const [kind, typed] of [
          ["f32", f32],
          ["f64", f64],
        ] as const) {
          const bytes = new Uint8Array(typed.byteLength + shift);
          bytes.set(new Uint8Array(typed.buffer), shift);
          expect(countNonFinite(kind, bytes.subarray(shift))).toEqual(reference(Array.from(typed)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("reads half-precision and 8-bit floats by their bit patterns", () => {
    // f16: 0x7c00 = +inf, 0xfc00 = -inf, 0x7e00 = NaN, 0x3c00 = 1.
    expect(
      countNonFinite("f16", new Uint8Array(new Uint16Array([0x7c00, 0xfc00, 0x7e00, 0x3c00]).buffer)),
    ).toEqual({
      nan: 1,
      inf: 2,
    });
    // bf16: 0x7f80 = +inf, 0x7fc0 = NaN.
    expect(countNonFinite("bf16", new Uint8Array(new Uint16Array([0x7f80, 0x7fc0, 0x3f80]).buffer))).toEqual({
      nan: 1,
      inf: 1,
    });
    expect(countNonFinite("f8e4m3fn", new Uint8Array([0x7f, 0xff, 0x7e]))).toEqual({ nan: 2, inf: 0 });
    expect(countNonFinite("f8e5m2", new Uint8Array([0x7c, 0x7d, 0x3c]))).toEqual({ nan: 1, inf: 1 });
    expect(countNonFinite("f8fnuz", new Uint8Array([0x80, 0x00, 0x7f]))).toEqual({ nan: 1, inf: 0 });
  });
});
