import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeError, isGateError } from "@mlgate/core";
import fc from "fast-check";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { loadOsvDatabase, readZip } from "../../src/osv/index.js";
import { osvDocument } from "../fixtures/osv.js";
import { zipBytes } from "../fixtures/zip-writer.js";

const temp = () => mkdtempSync(join(tmpdir(), "mlgate-zip-"));

function write(bytes: Uint8Array, name = "db.zip"): string {
  const file = join(temp(), name);
  writeFileSync(file, bytes);
  return file;
}

function entries(file: string, limits = {}): Record<string, string> {
  const out: Record<string, string> = {};
  readZip(
    file,
    () => true,
    (name, data) => {
      out[name] = data.toString("utf8");
    },
    limits,
  );
  return out;
}

function gateError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    if (isGateError(e)) return e as Error;
    throw e;
  }
  throw new Error("expected a GateError");
}

describe("zip reader", () => {
  it("reads stored and deflated entries written by another implementation (fflate)", () => {
    const file = write(
      zipSync({
        "a.json": [new TextEncoder().encode('{"a":1}'), { level: 0 }],
        "dir/b.json": [new TextEncoder().encode("x".repeat(10_000)), { level: 9 }],
      }),
    );
    expect(entries(file)).toEqual({ "a.json": '{"a":1}', "dir/b.json": "x".repeat(10_000) });
  });

  it("reads zip64 records and an archive comment", () => {
    const file = write(
      zipBytes(
        [
          { name: "x.json", data: "{}" },
          { name: "y.json", data: "[]", store: true },
        ],
        { zip64: true },
      ),
    );
    expect(entries(file)).toEqual({ "x.json": "{}", "y.json": "[]" });
    const commented = write(
      zipBytes([{ name: "x.json", data: "{}" }], { comment: "PK\u0005\u0006 lookalike" }),
    );
    expect(entries(commented)).toEqual({ "x.json": "{}" });
  });

  it("refuses an entry that inflates past its declared size (a deflate bomb)", () => {
    const bytes = zipBytes([{ name: "bomb.json", data: "0".repeat(1_000_000) }]);
    // Declare 100 bytes in the central directory; the data inflates to a million.
    const cd = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(100, cd + 24);
    const e = gateError(() => entries(write(bytes)));
    expect(e.message).toMatch(/bomb\.json.*does not inflate to its declared 100 bytes/);
  });

  it("enforces the entry, size and count limits", () => {
    const file = write(
      zipBytes([
        { name: "a.json", data: "x".repeat(5000) },
        { name: "b.json", data: "y" },
      ]),
    );
    expect(gateError(() => entries(file, { maxEntryBytes: 1000 })).message).toMatch(
      /a\.json.*5000 bytes.*limit of 1000/,
    );
    expect(gateError(() => entries(file, { maxEntries: 1 })).message).toMatch(
      /lists 2 entries, over the limit of 1/,
    );
    expect(gateError(() => entries(file, { maxTotalBytes: 4000 })).message).toMatch(
      /more than 4000 uncompressed bytes/,
    );
  });

  it("detects a bad CRC, a truncated file, encryption and unknown compression", () => {
    const good = zipBytes([{ name: "a.json", data: "hello world", store: true }]);
    const badCrc = Buffer.from(good);
    badCrc[30 + "a.json".length] = "j".charCodeAt(0);
    expect(gateError(() => entries(write(badCrc))).message).toMatch(/fails its CRC check/);
    expect(gateError(() => entries(write(good.subarray(0, good.length - 10)))).message).toMatch(
      /not a readable zip archive/,
    );
    const encrypted = Buffer.from(good);
    const cd = encrypted.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    encrypted.writeUInt16LE(0x801, cd + 8);
    expect(gateError(() => entries(write(encrypted))).message).toMatch(/encrypted/);
    const method = Buffer.from(good);
    method.writeUInt16LE(12, cd + 10);
    expect(gateError(() => entries(write(method))).message).toMatch(/compression method 12/);
  });

  it("refuses a zip64 end record that points beyond what a file can hold", () => {
    const bytes = zipBytes([{ name: "x.json", data: "{}" }], { zip64: true });
    const locator = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]));
    bytes.writeBigUInt64LE(2n ** 60n, locator + 8);
    expect(gateError(() => entries(write(bytes))).message).toMatch(
      /zip64 end record holds an impossible value/,
    );
  });

  it("never fails except with a GateError on damaged archives", () => {
    const base = zipBytes([
      { name: "a.json", data: JSON.stringify({ id: "X" }) },
      { name: "b.json", data: "y".repeat(300), store: true },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(base.length),
        (flips, cut) => {
          const bytes = Buffer.from(base.subarray(0, Math.max(cut, base.length - 40)));
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          const file = write(bytes);
          try {
            entries(file, { maxEntryBytes: 64 * 1024 });
          } catch (e) {
            if (!isGateError(e)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("OSV database loading", () => {
  it("names the file and the line of a JSON syntax error", () => {
    const dir = temp();
    writeFileSync(
      join(dir, "GOOD.json"),
      JSON.stringify(osvDocument({ id: "X-1", ecosystem: "npm", name: "a" })),
    );
    writeFileSync(join(dir, "BAD.json"), '{\n  "id": "X-2",\n  "affected": [,]\n}');
    const e = gateError(() => loadOsvDatabase(dir));
    expect(describeError(e)).toBe(
      `${join(dir, "BAD.json")}:3:16: OSV document is not valid JSON: expected a value, got ","`,
    );
  });

  it("names the entry inside a zip and the field that is wrong", () => {
    const doc = osvDocument({ id: "X-3", ecosystem: "npm", name: "a", events: [{ introduced: "0" }] });
    (doc.affected as { ranges: { events: object[] }[] }[])[0]!.ranges[0]!.events.push({ fixed: 1 });
    const file = write(zipBytes([{ name: "X-3.json", data: JSON.stringify(doc) }]));
    const e = gateError(() => loadOsvDatabase(file));
    expect(e.message).toBe(
      `${file}:X-3.json: affected[0].ranges[0].events[1].fixed should be a string of at most 4096 characters`,
    );
  });

  it("rejects an event with two kinds, and documents that are not objects", () => {
    const both = {
      id: "X",
      affected: [
        {
          package: { ecosystem: "npm", name: "a" },
          ranges: [{ type: "SEMVER", events: [{ introduced: "0", fixed: "1.0.0" }] }],
        },
      ],
    };
    const dir = temp();
    writeFileSync(join(dir, "x.json"), JSON.stringify(both));
    expect(gateError(() => loadOsvDatabase(dir)).message).toMatch(
      /events\[0\] should be an event with exactly one of/,
    );
    const dir2 = temp();
    writeFileSync(join(dir2, "y.json"), "[1,2]");
    expect(gateError(() => loadOsvDatabase(dir2)).message).toMatch(
      /y\.json: the document should be an object/,
    );
  });

  it("reads a directory holding zips and JSON files together, counting duplicates once", () => {
    const dir = temp();
    const doc = (id: string) =>
      JSON.stringify(
        osvDocument({ id, ecosystem: "npm", name: "a", events: [{ introduced: "0" }], rangeType: "SEMVER" }),
      );
    mkdirSync(join(dir, "npm"));
    writeFileSync(
      join(dir, "npm", "all.zip"),
      zipBytes([
        { name: "A-1.json", data: doc("A-1") },
        { name: "A-2.json", data: doc("A-2") },
      ]),
    );
    writeFileSync(join(dir, "A-2.json"), doc("A-2"));
    writeFileSync(join(dir, "README.txt"), "not an advisory");
    const { db, stats } = loadOsvDatabase(dir);
    expect(db.advisories).toBe(2);
    expect(db.duplicates).toBe(1);
    expect(stats.documents).toBe(3);
    expect(
      db
        .lookup("npm", "a")
        .map((x) => x.advisory.id)
        .sort(),
    ).toEqual(["A-1", "A-2"]);
  });

  it("says clearly when the database is missing or empty", () => {
    expect(gateError(() => loadOsvDatabase(join(temp(), "nope.zip"))).message).toMatch(
      /OSV database not found/,
    );
    expect(gateError(() => loadOsvDatabase(temp())).message).toMatch(/holds no OSV JSON documents/);
  });

  it("refuses an OSV document over the size limit, read from a directory", () => {
    const dir = temp();
    writeFileSync(join(dir, "big.json"), JSON.stringify({ id: "B", details: "x".repeat(5000) }));
    expect(gateError(() => loadOsvDatabase(dir, { limits: { maxEntryBytes: 1000 } })).message).toMatch(
      /big\.json is \d+ bytes, over the limit of 1000/,
    );
  });

  it("inflates entries without reading the whole archive at once", () => {
    // A central directory larger than one read slice (4 MiB) is read in pieces.
    const docs = Array.from({ length: 700 }, (_, i) => ({
      name: `${"n".repeat(6500)}-${i}.json`,
      data: JSON.stringify({ id: `Z-${i}` }),
    }));
    const { db } = loadOsvDatabase(write(zipBytes(docs)));
    expect(db.advisories).toBe(700);
  });
});
