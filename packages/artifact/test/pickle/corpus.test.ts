import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanModelFile } from "../../src/index.js";
import { BENIGN, MALICIOUS } from "../fixtures/pickles/corpus.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-pickle-corpus-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function scan(id: string, file: string, bytes: Uint8Array) {
  const sub = join(dir, id);
  const { mkdir } = await import("node:fs/promises");
  await mkdir(sub, { recursive: true });
  const path = join(sub, file);
  await writeFile(path, bytes);
  return scanModelFile(path);
}

describe("benign model files pass", () => {
  for (const sample of BENIGN) {
    it(sample.id, async () => {
      const result = await scan(sample.id, sample.file, sample.bytes());
      const failing = result.findings.filter((f) => f.level !== "info");
      expect(failing, JSON.stringify(failing, null, 1)).toEqual([]);
      expect(result.globals.every((g) => g.status === "allowed")).toBe(true);
      expect(result.members).toBeGreaterThan(0);
      expect(result.bytesScanned).toBeGreaterThan(0);
      if (sample.globals) {
        expect(result.globals.map((g) => `${g.module}.${g.name}`).sort()).toEqual([...sample.globals].sort());
      }
    });
  }
});

describe("every malicious sample fails with the rule that names it", () => {
  for (const sample of MALICIOUS) {
    it(sample.id, async () => {
      const result = await scan(sample.id, sample.file, sample.bytes());
      const rules = new Set(result.findings.filter((f) => f.level === "fail").map((f) => f.rule));
      for (const rule of sample.expect ?? [])
        expect([...rules], `${sample.id} should raise ${rule}`).toContain(rule);
      for (const f of result.findings) {
        expect(f.file).toContain(sample.file);
        expect(f.message.length).toBeGreaterThan(10);
      }
    });
  }
});

describe("findings carry where and what", () => {
  it("names the member, offset, module and name of a dangerous global in an archive", async () => {
    const sample = MALICIOUS.find((s) => s.id === "torch-zip-extra-pickle-member");
    const result = await scan("where", "model.pt", sample?.bytes() ?? new Uint8Array());
    const f = result.findings.find((x) => x.rule === "pickle.dangerous-global");
    expect(f?.properties).toMatchObject({
      member: "archive/extra/helper.pkl",
      offset: 2,
      module: "os",
      name: "system",
      opcode: "GLOBAL",
    });
    expect(result.format).toBe("torch-zip");
    expect(result.globals.find((g) => g.module === "os")).toMatchObject({
      status: "dangerous",
      count: 1,
      calls: 1,
    });
  });

  it("counts a global once per member however often it is imported", async () => {
    const result = await scan("count", "model.pt", BENIGN[0]?.bytes() ?? new Uint8Array());
    const rebuild = result.globals.find((g) => g.name === "_rebuild_tensor_v2");
    expect(rebuild).toMatchObject({ count: 1, calls: 3, status: "allowed" });
    expect(result.format).toBe("torch-zip");
  });
});
