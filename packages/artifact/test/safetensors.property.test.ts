import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inspectSafetensorsSource, memorySource } from "../src/safetensors/index.js";
import { scanJsonKeys } from "../src/safetensors/json-keys.js";
import { encodeSafetensors, rawSafetensors } from "./fixtures/safetensors.js";

const DTYPES = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"] as const;

const tensors = fc.uniqueArray(
  fc.record({
    name: fc.string({ minLength: 1, maxLength: 12 }).filter((n) => n !== "__metadata__"),
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
  }),
  { selector: (t) => t.name, maxLength: 6 },
);

/** Inspect bytes as a file; the verdict must always come back as findings, never as a throw. */
async function judge(bytes: Uint8Array) {
  return inspectSafetensorsSource(memorySource(bytes, "fuzz.safetensors"), {
    nonFinite: "fail",
    limits: { maxHeaderBytes: 1 << 20 },
  });
}

describe("safetensors parser under fuzzing", () => {
  it("accepts every file the writer produces, with the right parameter count", async () => {
    await fc.assert(
      fc.asyncProperty(tensors, async (list) => {
        const result = await judge(encodeSafetensors(list));
        expect(result.findings).toEqual([]);
        expect(result.parameters).toBe(list.reduce((n, t) => n + t.shape.reduce((a, d) => a * d, 1), 0));
      }),
      { numRuns: 80 },
    );
  });

  it("always reaches a verdict on random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        const result = await judge(bytes);
        expect(Array.isArray(result.findings)).toBe(true);
        if (bytes.byteLength < 8)
          expect(result.findings.map((f) => f.rule)).toEqual(["safetensors.truncated"]);
      }),
      { numRuns: 500 },
    );
  });

  it("always reaches a verdict on mutated valid files, and any change to the layout is caught", async () => {
    await fc.assert(
      fc.asyncProperty(
        tensors.filter((l) => l.length > 0),
        fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.integer({ min: -16, max: 16 }),
        async (list, flips, resize) => {
          const good = encodeSafetensors(list);
          const headerEnd = 8 + Number(new DataView(good.buffer).getBigUint64(0, true));
          const mutated = new Uint8Array(Math.max(0, good.byteLength + resize));
          mutated.set(good.subarray(0, mutated.byteLength));
          for (const f of flips) if (mutated.byteLength > 0) mutated[f.at % mutated.byteLength] = f.value;
          const result = await judge(mutated);
          const headerSame =
            mutated.byteLength >= headerEnd && good.subarray(0, headerEnd).every((b, i) => mutated[i] === b);
          // With the header intact, only the data size decides: the layout must cover it exactly.
          if (headerSame && resize !== 0) {
            expect(result.findings.some((f) => f.level === "fail")).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fails a header length that does not fit, whatever its value", async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 3n, max: 2n ** 64n - 1n }), async (declared) => {
        const result = await judge(rawSafetensors("{}", new Uint8Array(0), declared));
        const rules = result.findings.map((f) => f.rule);
        expect(
          rules.some((r) => r === "safetensors.header-too-large" || r === "safetensors.header-past-eof"),
        ).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

const jsonValue = fc.jsonValue({ maxDepth: 4 });

describe("duplicate-key scanner", () => {
  it("finds no duplicate in anything JSON.stringify writes", () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(scanJsonKeys(JSON.stringify(value), 64)).toEqual({ kind: "ok" });
      }),
      { numRuns: 500 },
    );
  });

  it("finds a key repeated in any object, however deep", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), jsonValue, { minKeys: 1, maxKeys: 5 }),
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
        (object, path) => {
          const [key] = Object.keys(object);
          const body = JSON.stringify(object);
          // Repeat the first key at the end of the object, then bury the object under `path`.
          let text = `${body.slice(0, -1)},${JSON.stringify(key)}:null}`;
          for (const p of path) text = `{${JSON.stringify(p)}:${text}}`;
          const scan = scanJsonKeys(text, 64);
          expect(scan).toMatchObject({ kind: "duplicate", key, path: [...[...path].reverse(), key] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("terminates on any text and never throws", () => {
    fc.assert(
      fc.property(
        fc.string({
          maxLength: 300,
          unit: fc.constantFrom("{", "}", "[", "]", '"', "\\", ":", ",", "a", " "),
        }),
        (text) => {
          expect(["ok", "duplicate", "too-deep"]).toContain(scanJsonKeys(text, 8).kind);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
