import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchBuilder } from "../../src/model-run/batch.js";
import { datasetFormat } from "../../src/model-run/dataset-format.js";
import { openDataset } from "../../src/model-run/dataset-rows.js";
import type { InputPlan } from "../../src/model-run/input-plan.js";
import { resolveDatasetLimits } from "../../src/model-run/limits.js";
import { shortestFloat32 } from "../../src/model-run/numbers.js";
import type { DatasetFormat } from "../../src/model-run/types.js";
import { tempDir } from "./helpers.js";

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await tempDir("prop");
});

const limits = resolveDatasetLimits({ maxLineBytes: 64 * 1024, maxRows: 10_000 });

async function file(ext: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, `d${count++}${ext}`);
  await writeFile(path, content);
  return path;
}

/** Read a dataset through the same steps a run takes, gathering the feeds a model would get. */
async function decode(path: string, plan: Omit<InputPlan, "name" | "dtype" | "shape">, capacity: number) {
  const format = await datasetFormat(path, undefined);
  const table = await openDataset(path, format, limits);
  try {
    const full: InputPlan = { name: "x", dtype: "float32", shape: ["N", ...plan.rowDims], ...plan };
    const builder = new BatchBuilder(
      table,
      [full],
      { id: "id", label: "label", slices: ["slice"].filter(table.has) },
      capacity,
      false,
      limits,
    );
    const batches = [];
    for await (const chunk of table.rows()) {
      for (const raw of chunk) {
        builder.add(raw);
        if (builder.size === capacity) batches.push(builder.take());
      }
    }
    if (builder.size > 0) batches.push(builder.take());
    return { batches, sha256: table.sha256() };
  } finally {
    await table.close();
  }
}

// -0 is written as 0 in JSON and CSV alike.
const cell = fc
  .double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })
  .map((v) => (v === 0 ? 0 : v));
const table = fc.record({
  width: fc.integer({ min: 1, max: 5 }),
  rows: fc.integer({ min: 1, max: 40 }),
  seedValues: fc.array(cell, { minLength: 200, maxLength: 200 }),
  labels: fc.array(fc.constantFrom(0, 1, "cat", "dog"), { minLength: 40, maxLength: 40 }),
  slices: fc.array(fc.constantFrom("a", "b", "", "x y"), { minLength: 40, maxLength: 40 }),
  capacity: fc.integer({ min: 1, max: 16 }),
});

describe("eval dataset reading", () => {
  it("gives the same rows and float32 feeds from JSON Lines (array), CSV and TSV (named columns)", async () => {
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const rows = Array.from({ length: t.rows }, (_, r) => ({
          id: `row-${r}`,
          label: t.labels[r]!,
          slice: t.slices[r]!,
          values: Array.from({ length: t.width }, (_, c) => t.seedValues[(r * t.width + c) % 200]!),
        }));
        const names = Array.from({ length: t.width }, (_, c) => `f${c}`);
        const jsonl = await file(
          ".jsonl",
          rows
            .map((r) => JSON.stringify({ id: r.id, label: r.label, slice: r.slice, features: r.values }))
            .join("\n"),
        );
        const csvText = (sep: string) =>
          [
            ["id", "label", "slice", ...names].join(sep),
            ...rows.map((r) => [r.id, r.label, r.slice, ...r.values].join(sep)),
          ].join("\r\n");
        const csv = await file(".csv", `${csvText(",")}\n`);
        const tsv = await file(".txt", csvText("\t"));
        const expected = rows.flatMap((r) => r.values.map((v) => Math.fround(v)));
        for (const [path, columns] of [
          [jsonl, ["features"]],
          [csv, names],
          [tsv, names],
        ] as const) {
          const { batches } = await decode(path, { columns: [...columns], rowDims: [-1] }, t.capacity);
          expect(batches.map((b) => b.rows.length)).toEqual(
            Array.from({ length: Math.ceil(t.rows / t.capacity) }, (_, i) =>
              Math.min(t.capacity, t.rows - i * t.capacity),
            ),
          );
          const fed = batches.flatMap((b) => Array.from(b.feeds["x"]!.data as Float32Array));
          expect(fed).toEqual(expected);
          for (const b of batches) expect(b.feeds["x"]!.dims).toEqual([b.rows.length, t.width]);
          const meta = batches.flatMap((b) => b.rows);
          expect(meta.map((m) => m.id)).toEqual(rows.map((r) => r.id));
          // Labels read as the per-item reader reads them: numeric text is a number.
          expect(meta.map((m) => m.label)).toEqual(rows.map((r) => r.label));
          expect(meta.map((m) => m.slices[0])).toEqual(rows.map((r) => r.slice));
        }
      }),
      { numRuns: 40 },
    );
  });

  it("answers any bytes with rows or a GateError naming the file", async () => {
    const valid =
      '{"id": "a", "label": 1, "features": [1, 2]}\n{"id": "b", "label": 0, "features": [3, 4]}\n';
    const csv = "id,label,f0,f1\na,1,1,2\nb,0,3,4\n";
    const mutated = (base: string) =>
      fc
        .array(
          fc.record({
            at: fc.nat(base.length),
            byte: fc.integer({ min: 0, max: 255 }),
            insert: fc.boolean(),
          }),
          {
            maxLength: 6,
          },
        )
        .map((edits) => {
          const bytes = [...Buffer.from(base)];
          for (const e of edits) {
            if (e.insert) bytes.splice(e.at, 0, e.byte);
            else bytes[e.at] = e.byte;
          }
          return Uint8Array.from(bytes);
        });
    const content = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
      mutated(valid),
      mutated(csv),
    );
    await fc.assert(
      fc.asyncProperty(content, fc.constantFrom(".jsonl", ".csv", ".tsv", ""), async (bytes, ext) => {
        const path = await file(ext, bytes);
        try {
          const columns = ext === ".jsonl" || (ext === "" && bytes[0] === 0x7b) ? ["features"] : ["f0", "f1"];
          const { batches } = await decode(path, { columns, rowDims: [2] }, 4);
          for (const b of batches) expect(b.feeds["x"]!.data.length).toBe(b.rows.length * 2);
        } catch (e) {
          if (!isGateError(e)) throw e;
          expect(e.message).not.toMatch(/undefined|\[object/);
          if (e.location?.file !== undefined) expect(e.location.file).toBe(path);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a line over the limit as soon as it passes it, and nests arrays only so deep", async () => {
    const long = await file(".jsonl", `{"id": "a", "label": 1, "features": [${"1,".repeat(40_000)}1]}\n`);
    await expect(decode(long, { columns: ["features"], rowDims: [-1] }, 4)).rejects.toThrow(
      /eval dataset line 1 is longer than 65536 bytes, over the maxLineBytes limit/,
    );
    const deep = await file(
      ".jsonl",
      `{"id": "a", "label": 1, "features": ${"[".repeat(12)}1${"]".repeat(12)}}\n`,
    );
    await expect(decode(deep, { columns: ["features"], rowDims: [-1] }, 4)).rejects.toThrow(
      /line 1 \(id "a"\), column "features": arrays are nested deeper than the maxArrayDepth limit of 8/,
    );
    const utf16 = await file(".csv", Buffer.from("\ufeffid,label\n", "utf16le"));
    await expect(decode(utf16, { columns: ["f0"], rowDims: [1] }, 4)).rejects.toThrow(
      /UTF-16 text, not UTF-8/,
    );
    const ragged = await file(".csv", "id,label,f0\na,1,2\nb,1\n");
    await expect(decode(ragged, { columns: ["f0"], rowDims: [1] }, 4)).rejects.toThrow(
      /eval dataset line 3 has 2 fields, the header has 3/,
    );
  });
});

describe("shortestFloat32", () => {
  it("reads back as the same float32, in no more digits than the float64 text", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const y = shortestFloat32(x);
        expect(Math.fround(y)).toBe(x === 0 ? 0 : x);
        expect(String(y).length).toBeLessThanOrEqual(String(x).length);
      }),
      { numRuns: 2000 },
    );
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(1 / 3))).toBe(0.33333334);
  });
});

describe("dataset format", () => {
  it("follows the extension, else the first bytes", async () => {
    const cases: [string, string, DatasetFormat][] = [
      [".ndjson", "id,label\n", "jsonl"],
      [".tab", "{}", "tsv"],
      ["", '  {"id": 1}\n', "jsonl"],
      ["", "id\tlabel\tf0\n", "tsv"],
      [".data", "id,label,f0\n", "csv"],
    ];
    for (const [ext, text, format] of cases)
      expect(await datasetFormat(await file(ext, text), undefined)).toBe(format);
  });
});
