import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compareOutput,
  flattenNested,
  identical,
  nonFiniteIn,
  readSamples,
  syntheticFeeds,
  toTensorData,
} from "../src/runtime-checks/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "samples-"));
});

async function samplesFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe("sample files", () => {
  it("reads a JSON list, a {samples} document and JSON lines alike", async () => {
    const sample = { inputs: { x: [[1, 2]] }, outputs: { y: [[0.5]] } };
    const list = await readSamples(await samplesFile("list.json", JSON.stringify([sample, sample])));
    const doc = await readSamples(await samplesFile("doc.json", JSON.stringify({ samples: [sample] })));
    const lines = await readSamples(
      await samplesFile("lines.jsonl", `${JSON.stringify(sample)}\n\n${JSON.stringify(sample)}\n`),
    );
    expect(list.map((s) => s.index)).toEqual([1, 2]);
    expect(doc[0]?.inputs.x).toEqual({ dims: [1, 2], values: [1, 2] });
    expect(lines.map((s) => s.line)).toEqual([1, 3]);
    expect(lines[1]?.outputs?.y).toEqual({ dims: [1, 1], values: [0.5] });
  });

  it("names the file and line of a bad sample", async () => {
    const ragged = await samplesFile(
      "ragged.jsonl",
      `{"inputs": {"x": [[1, 2]]}}\n{"inputs": {"x": [[1, 2], [3]]}}\n`,
    );
    await expect(readSamples(ragged)).rejects.toMatchObject({
      message: expect.stringMatching(/sample on line 2 inputs\.x\[1\] has 1 elements where 2 were expected/),
      location: { file: ragged, line: 2 },
    });
    const broken = await samplesFile("broken.jsonl", `{"inputs": {"x": [1]}}\n{"inputs": \n`);
    await expect(readSamples(broken)).rejects.toMatchObject({ location: { file: broken, line: 2 } });
    const empty = await samplesFile("empty.jsonl", "\n");
    await expect(readSamples(empty)).rejects.toThrow(/holds no samples/);
    const unknown = await samplesFile("unknown.json", JSON.stringify([{ input: { x: [1] } }]));
    await expect(readSamples(unknown)).rejects.toThrow(/sample 1 has unknown key\(s\) input/);
  });

  it("answers any text with samples or a GateError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const path = await samplesFile("fuzz.jsonl", text);
        await readSamples(path).then(
          (samples) => expect(samples.length).toBeGreaterThan(0),
          (e: Error) => expect(e.name).toBe("GateError"),
        );
      }),
      { numRuns: 150 },
    );
  });
});

describe("nested tensors", () => {
  it("flattens any rectangular nesting to its shape and row-major values", () => {
    /** Nest `values` into `dims`, row-major. */
    const nest = (dims: number[], values: number[]): unknown => {
      if (dims.length === 0) return values[0];
      const [size, ...rest] = dims as [number, ...number[]];
      const stride = rest.reduce((n, d) => n * d, 1);
      return Array.from({ length: size }, (_, i) => nest(rest, values.slice(i * stride, (i + 1) * stride)));
    };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), (dims) => {
        const values = Array.from({ length: dims.reduce((n, d) => n * d, 1) }, (_, i) => i * 0.5);
        expect(flattenNested(nest(dims, values), "t", { file: "s.json" })).toEqual({ dims, values });
      }),
    );
  });

  it("refuses nesting past the rank limit and non-numbers", () => {
    expect(() => flattenNested([[[[1]]]], "t", {}, { maxElements: 10, maxRank: 3 })).toThrow(/deeper than 3/);
    expect(() => flattenNested([1, null], "t", {})).toThrow(/t\[1\] is null; expected a number/);
  });
});

describe("output comparison", () => {
  const out = (data: number[], dims = [1, data.length]) => ({
    dtype: "float32",
    dims,
    data: Float32Array.from(data),
  });
  const golden = (values: number[], dims = [1, values.length]) => ({ dims, values });

  it("holds values to atol + rtol × |golden|", () => {
    expect(compareOutput(out([1, 2]), golden([1.000001, 2]), { atol: 1e-5, rtol: 0 })).toBeUndefined();
    expect(compareOutput(out([1, 2]), golden([1.1, 2]), { atol: 1e-5, rtol: 1e-4 })).toMatch(
      /^element 0 is 1, golden 1.1/,
    );
    expect(compareOutput(out([100, 2]), golden([100.5, 2]), { atol: 0, rtol: 0.01 })).toBeUndefined();
    expect(compareOutput(out([1, 2]), golden([1, 2, 3]), { atol: 1, rtol: 0 })).toMatch(
      /^shape \[1, 2\], golden \[1, 3\]/,
    );
  });

  it("compares classifier scores by their top-k classes", () => {
    const scores = out([0.1, 0.7, 0.2, 0.5, 0.3, 0.2], [2, 3]);
    expect(
      compareOutput(scores, golden([0.2, 0.6, 0.2, 0.6, 0.3, 0.1], [2, 3]), { atol: 0, rtol: 0, topK: 1 }),
    ).toBeUndefined();
    expect(
      compareOutput(scores, golden([0.2, 0.6, 0.2, 0.1, 0.3, 0.6], [2, 3]), { atol: 0, rtol: 0, topK: 1 }),
    ).toBe("top-1 classes differ from the golden ones in 1 of 2 row(s), first in row 1");
  });

  it("calls two runs identical only when every element is, and counts non-finite outputs", () => {
    expect(identical(out([1, 2]), out([1, 2]))).toBe(true);
    expect(identical(out([1, 2]), out([1, 2.001]))).toBe(false);
    expect(identical(out([1, 2]), out([1, 2], [2, 1]))).toBe(false);
    expect(identical(out([Number.NaN]), out([Number.NaN]))).toBe(true);
    expect(nonFiniteIn(out([1, Number.NaN, Infinity]))).toBe(2);
    expect(nonFiniteIn({ dtype: "int64", dims: [1], data: BigInt64Array.from([1n]) })).toBe(0);
  });

  it("builds feeds of the model's element types and zeros for timing", () => {
    const feed = toTensorData("int64", { dims: [2], values: [3, 4] }, "x", {});
    expect(feed.data).toEqual(BigInt64Array.from([3n, 4n]));
    expect(() => toTensorData("int32", { dims: [1], values: [1.5] }, "x", {})).toThrow(
      /needs a whole number/,
    );
    expect(() => toTensorData("float16", { dims: [1], values: [1] }, "x", {})).toThrow(
      /float16, which sample files cannot spell/,
    );
    const zeros = syntheticFeeds([{ name: "x", dtype: "float32", shape: ["N", 3] }]);
    expect(zeros?.x).toEqual({ dtype: "float32", dims: [1, 3], data: new Float32Array(3) });
    expect(syntheticFeeds([{ name: "m" }])).toBeUndefined();
  });
});
