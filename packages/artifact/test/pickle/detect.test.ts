import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectFormat, scanModelFile } from "../../src/index.js";
import {
  joblibDump,
  KERAS_SEQUENTIAL,
  kerasArchive,
  plainDict,
  torchLegacy,
  torchZip,
} from "../fixtures/pickles/models.js";
import { concat } from "../fixtures/pickles/writer.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-detect-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function at(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

const enc = new TextEncoder();

describe("detectFormat reads the bytes, not the name", () => {
  it("tells every format apart", async () => {
    const cases: [string, Uint8Array, string][] = [
      ["a.pt", torchZip(), "torch-zip"],
      ["b.pt", torchLegacy(), "torch-legacy"],
      ["c.pkl", plainDict(2), "pickle"],
      ["d.pkl", plainDict(0), "pickle"],
      ["e.joblib", joblibDump(), "joblib"],
      ["f.keras", kerasArchive(), "keras"],
      ["g.json", enc.encode(JSON.stringify(KERAS_SEQUENTIAL)), "keras-config"],
      ["h.h5", Uint8Array.of(0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0), "hdf5"],
      ["i.gz", Uint8Array.of(0x1f, 0x8b, 8, 0), "compressed"],
    ];
    for (const [name, bytes, format] of cases) {
      const d = await detectFormat(await at(name, bytes));
      expect([name, d.format, d.mismatch]).toEqual([name, format, false]);
    }
  });

  it("flags an extension the bytes contradict", async () => {
    const d = await detectFormat(await at("weights.safetensors", plainDict(2)));
    expect(d).toMatchObject({ format: "pickle", extension: ".safetensors", mismatch: true });
  });

  it("does not take text files for protocol-0 pickles", async () => {
    for (const text of ["col_a,col_b\n1,2\n", "(a list in parentheses)\n", "c\nd\ne\n", "I am a readme.\n"]) {
      const d = await detectFormat(await at("notes.txt", text));
      expect([text, d.format]).toEqual([text, "unknown"]);
    }
  });

  it("finds a pickle polyglot that also ends in a zip", async () => {
    const r = await scanModelFile(await at("poly.pkl", concat(plainDict(2), torchZip())));
    expect(r.format).toBe("pickle");
    expect(r.findings.map((f) => f.rule)).toEqual(["pickle.trailing-data"]);
  });
});
