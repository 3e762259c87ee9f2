import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openZip, unsafeNameReason } from "../../src/index.js";
import { readRange } from "../../src/pickle/source.js";
import { torchZip } from "../fixtures/pickles/models.js";
import { concat } from "../fixtures/pickles/writer.js";
import { zipBytes } from "../fixtures/pickles/zip.js";

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-zip-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(bytes: Uint8Array): Promise<string> {
  const path = join(dir, `z${n++}.zip`);
  await writeFile(path, bytes);
  return path;
}

async function structure(bytes: Uint8Array, limits = {}) {
  const zip = await openZip(await file(bytes), limits);
  const verified = await Promise.all(zip.entries.map((e) => zip.verify(e)));
  await zip.close();
  return {
    zip,
    rules: [...zip.findings.map((f) => f.rule), ...verified.filter((f) => f).map((f) => f?.rule)],
  };
}

const enc = new TextEncoder();

describe("the canonical zip reader", () => {
  it("reads a torch archive: deferred sizes in 64-bit data descriptors, 64-byte aligned data, zip64 end records", async () => {
    const { zip, rules } = await structure(torchZip());
    expect(rules).toEqual([]);
    expect(zip.entries.map((e) => e.name)).toContain("archive/data.pkl");
    for (const e of zip.entries) {
      expect(e.dataOffset % 64).toBe(0);
      expect(e.end).toBe(e.dataOffset + e.compressedSize + 24);
    }
  });

  it("inflates deflated members with their declared size and CRC", async () => {
    const text = enc.encode("hello ".repeat(1000));
    const path = await file(zipBytes([{ name: "a.txt", data: text, opts: { method: 8 } }]));
    const zip = await openZip(path);
    const [entry] = zip.entries;
    expect(entry?.compressedSize).toBeLessThan(text.length);
    const source = entry ? zip.source(entry) : undefined;
    expect(source && "readInto" in source ? readRange(source, 0, 12) : undefined).toEqual(
      text.subarray(0, 12),
    );
    expect(entry ? await zip.verify(entry) : "none").toBeUndefined();
    await zip.close();
  });

  it("refuses a deflated member larger than the in-memory bound", async () => {
    const path = await file(zipBytes([{ name: "a.txt", data: new Uint8Array(5000), opts: { method: 8 } }]));
    const zip = await openZip(path, { maxInflatedBytes: 1000 });
    const source = zip.entries[0] ? zip.source(zip.entries[0]) : undefined;
    expect(source && !("readInto" in source) ? source.rule : "read").toBe("zip.limit");
    await zip.close();
  });

  it("finds data before and after the archive", async () => {
    const a = zipBytes([{ name: "a", data: enc.encode("x") }]);
    expect((await structure(concat(a, enc.encode("tail")))).rules).toEqual(["zip.extra-data"]);
    // Prepending shifts every offset: the end record no longer points at the central directory.
    expect((await structure(concat(enc.encode("junk"), a))).rules).toEqual([
      "zip.extra-data",
      "zip.malformed",
    ]);
  });

  it("reports a truncated archive, a comment past the end and too many entries", async () => {
    const a = zipBytes([
      { name: "a", data: enc.encode("x") },
      { name: "b", data: enc.encode("y") },
    ]);
    expect((await structure(a.subarray(0, a.length - 5))).rules).toEqual(["zip.malformed"]);
    const withComment = zipBytes([{ name: "a", data: enc.encode("x") }], { comment: "note" });
    expect((await structure(withComment.subarray(0, withComment.length - 2))).rules).toEqual([
      "zip.malformed",
    ]);
    expect((await structure(a, { maxEntries: 1 })).rules).toEqual(["zip.limit"]);
  });

  it("names unsafe member names", () => {
    expect(unsafeNameReason("a/../b")).toMatch(/\.\./);
    expect(unsafeNameReason("/etc/passwd")).toMatch(/absolute/);
    expect(unsafeNameReason("C:evil")).toMatch(/drive/);
    expect(unsafeNameReason("a\\b")).toMatch(/backslash/);
    expect(unsafeNameReason("archive/data/0")).toBeUndefined();
  });

  it("throws a GateError for a missing file", async () => {
    const err = await openZip(join(dir, "missing.zip")).catch((e) => e);
    expect(isGateError(err)).toBe(true);
    expect(String(err.message)).toMatch(/not found/);
  });
});

const PYTHON = "/usr/bin/python3";
const hasPython = existsSync(PYTHON);
if (!hasPython) console.warn(`zip cross-check skipped: ${PYTHON} is not installed`);

describe.skipIf(!hasPython)(
  `archives written by CPython's zipfile${hasPython ? "" : ` (skipped: ${PYTHON} is not installed)`}`,
  () => {
    it("are read with no findings: stored, deflated, streamed with forced zip64", async () => {
      const path = join(dir, "python.zip");
      const script = [
        "import sys, zipfile",
        "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
        "    z.writestr('config.json', '{\"a\": 1}' * 50, compress_type=zipfile.ZIP_DEFLATED)",
        "    z.writestr('stored.bin', bytes(range(256)))",
        "    with z.open('model.weights.h5', 'w', force_zip64=True) as f:",
        "        f.write(b'\\x89HDF\\r\\n\\x1a\\n' + bytes(1000))",
      ].join("\n");
      const run = spawnSync(PYTHON, ["-c", script, path], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      const zip = await openZip(path);
      const verified = await Promise.all(zip.entries.map((e) => zip.verify(e)));
      await zip.close();
      expect(zip.findings).toEqual([]);
      expect(verified.filter((v) => v)).toEqual([]);
      expect(zip.entries.map((e) => [e.name, e.method])).toEqual([
        ["config.json", 8],
        ["stored.bin", 0],
        ["model.weights.h5", 0],
      ]);
    });
  },
);
