import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { csvBodies, jsonlBodies, readBodies } from "../src/index.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-bodies-"));
});

describe("request bodies", () => {
  it("reads JSONL as written, one body per non-blank line", async () => {
    const file = join(dir, "in.jsonl");
    await writeFile(file, '{"features": [1, 2]}\n\n  {"features":[3,4]}  \r\n"text"\n');
    const source = await readBodies(file);
    expect(source.format).toBe("jsonl");
    expect(source.bodies.map(String)).toEqual(['{"features": [1, 2]}', '{"features":[3,4]}', '"text"']);
  });

  it("turns CSV rows into JSON objects keyed by the header, numbers as numbers", async () => {
    const file = join(dir, "in.csv");
    await writeFile(file, 'tenure,spend,segment\n1.5,80,"smb, eu"\n-2,1e3,007x\n');
    const source = await readBodies(file);
    expect(source.bodies.map((b) => JSON.parse(String(b)))).toEqual([
      { tenure: 1.5, spend: 80, segment: "smb, eu" },
      { tenure: -2, spend: 1000, segment: "007x" },
    ]);
  });

  it("names the file and the line of bad input", async () => {
    const bad = join(dir, "bad.jsonl");
    await writeFile(bad, '{"ok": 1}\n{"broken": \n');
    await expect(readBodies(bad)).rejects.toThrow(/bad\.jsonl:2: not valid JSON/);
    const ragged = join(dir, "ragged.csv");
    await writeFile(ragged, "a,b\n1,2\n3\n");
    await expect(readBodies(ragged)).rejects.toThrow(/ragged\.csv:3: not valid CSV/);
    const empty = join(dir, "empty.jsonl");
    await writeFile(empty, "\n\n");
    await expect(readBodies(empty)).rejects.toThrow(/holds no request bodies/);
    await expect(readBodies(join(dir, "inputs.txt"))).rejects.toThrow(/cannot tell the format/);
    await expect(readBodies(join(dir, "missing.jsonl"))).rejects.toThrow(/body file not found/);
  });

  it("turns any text into bodies or a clear error (fuzz)", () => {
    const line = fc.oneof(fc.json(), fc.string({ maxLength: 30 }));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.constantFrom("\n", "\r\n"), (lines, eol) => {
        const text = lines.join(eol);
        for (const parse of [jsonlBodies, csvBodies]) {
          try {
            const bodies = parse(text, "f");
            for (const b of bodies) JSON.parse(String(b));
          } catch (e) {
            if (!isGateError(e)) throw e;
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
