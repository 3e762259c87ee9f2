import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { GateError, isGateError } from "@mlgate/core";
import fc from "fast-check";
import { strToU8, Zip, ZipDeflate, zipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractZip, safeParts } from "../src/baseline/zip.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "mlgate-zip-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const out = () => join(dir, "out");
const listed = () => (existsSync(out()) ? readdirSync(out(), { recursive: true }).map(String).sort() : []);

/** Rewrite the declared uncompressed size of every entry (local headers and central directory). */
function declareSize(zip: Uint8Array, size: number): Uint8Array {
  const patched = zip.slice();
  const view = new DataView(patched.buffer);
  for (let at = 0; at + 4 <= patched.length; at++) {
    const sig = view.getUint32(at, true);
    if (sig === 0x04034b50) view.setUint32(at + 22, size, true);
    if (sig === 0x02014b50) view.setUint32(at + 24, size, true);
  }
  return patched;
}

describe("extractZip", () => {
  it("unpacks stored and deflated files, nested directories included", () => {
    const zip = zipSync({
      "results.jsonl": strToU8('{"id":"a"}\n'),
      "mlgate-baseline.json": [strToU8("{}"), { level: 0 }],
      nested: { "deep.txt": strToU8("x".repeat(5000)) },
    });
    const files = extractZip(zip, out());
    expect(files.map((f) => f.path).sort()).toEqual([
      "mlgate-baseline.json",
      "nested/deep.txt",
      "results.jsonl",
    ]);
    expect(readFileSync(join(out(), "nested/deep.txt"), "utf8")).toBe("x".repeat(5000));
    expect(files.find((f) => f.path === "results.jsonl")?.bytes).toBe(11);
  });

  it("reads archives written as a stream, with sizes in data descriptors (as upload-artifact writes them)", () => {
    const chunks: Uint8Array[] = [];
    const zip = new Zip((err, chunk) => {
      if (err) throw err;
      chunks.push(chunk);
    });
    const results = new ZipDeflate("results.jsonl", { level: 6 });
    zip.add(results);
    results.push(strToU8('{"id":"a","label":1}\n'.repeat(500)), true);
    zip.end();
    const bytes = new Uint8Array(Buffer.concat(chunks));
    // General-purpose flag bit 3: sizes and CRC follow the data instead of preceding it.
    expect(new DataView(bytes.buffer).getUint16(6, true) & 0x8).toBe(0x8);
    expect(extractZip(bytes, out())).toEqual([{ path: "results.jsonl", bytes: 21 * 500 }]);
  });

  it.each([
    ["../evil.txt", /climbs out of the directory/],
    ["a/../../evil.txt", /climbs out of the directory/],
    ["..\\evil.txt", /climbs out of the directory/],
    ["/etc/evil", /absolute path/],
    ["C:/evil", /absolute path/],
  ])("refuses the entry %s and writes nothing at all", (name, reason) => {
    // The good file comes first: refusing must happen before anything is written.
    const zip = zipSync({ "good.txt": strToU8("fine"), [name]: strToU8("pwned") });
    expect(() => extractZip(zip, out(), {}, "artifact x")).toThrow(reason);
    expect(listed()).toEqual([]);
    expect(existsSync(join(dir, "evil.txt"))).toBe(false);
  });

  it("refuses an archive that declares more than the uncompressed cap", () => {
    const zip = zipSync({ "zeros.bin": new Uint8Array(4 * 1024 * 1024) });
    expect(zip.length).toBeLessThan(64 * 1024);
    expect(() => extractZip(zip, out(), { maxUncompressedBytes: 1024 * 1024 }, "artifact x")).toThrow(
      /declares more than 1048576 unpacked bytes: refused as a possible zip bomb/,
    );
    expect(listed()).toEqual([]);
  });

  it("stops a zip bomb that lies about its size as soon as it inflates past the lie", () => {
    const zip = declareSize(zipSync({ "zeros.bin": new Uint8Array(8 * 1024 * 1024) }), 100);
    const started = performance.now();
    expect(() => extractZip(zip, out(), {}, "artifact x")).toThrow(
      /"zeros\.bin" unpacks to more than the 100 bytes it declares/,
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("counts the real unpacked bytes across files against the cap", () => {
    // Each file declares 10 bytes but holds 600 KiB: the second pushes past the 1 MiB cap.
    const zip = declareSize(
      zipSync({ "a.bin": new Uint8Array(600 * 1024), "b.bin": new Uint8Array(600 * 1024) }),
      10,
    );
    expect(() => extractZip(zip, out(), { maxUncompressedBytes: 1024 * 1024 })).toThrow(GateError);
  });

  it("refuses too many entries, duplicate names, symbolic links and damaged data", () => {
    const many = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}.txt`, strToU8("x")]));
    expect(() => extractZip(zipSync(many), out(), { maxEntries: 10 })).toThrow(
      /11 entries, over the limit of 10/,
    );

    const twice = zipSync({ "a.txt": strToU8("1"), "./a.txt": strToU8("2") });
    expect(() => extractZip(twice, out())).toThrow(/holds "a.txt" twice/);

    // A Unix symlink: host 3 in "version made by", S_IFLNK in the external attributes.
    const link = zipSync({ link: [strToU8("/etc/passwd"), { os: 3, attrs: 0o120777 << 16 }] });
    expect(() => extractZip(link, out())).toThrow(/symbolic link/);

    const good = zipSync({ "a.txt": [strToU8("hello hello hello"), { level: 0 }] });
    const flipped = good.slice();
    const at = flipped.indexOf(0x68, 30 + "a.txt".length); // the first "h" of the stored data
    flipped[at] = (flipped[at] as number) ^ 0xff;
    expect(() => extractZip(flipped, out())).toThrow(/fails its CRC-32 check/);

    expect(() => extractZip(strToU8("not a zip at all, just text"), out())).toThrow(
      /not a valid ZIP archive/,
    );
    expect(() => extractZip(new Uint8Array(0), out())).toThrow(/not a valid ZIP archive/);
  });

  it("never throws anything but a GateError on damaged archives (fuzz)", () => {
    const base = zipSync({
      "r.jsonl": strToU8('{"id":"a","label":1}\n'.repeat(50)),
      "m.json": strToU8("{}"),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(base.length),
        (edits, cut) => {
          const bytes = base.slice(0, Math.max(cut, 1));
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          const target = join(dir, `fuzz-${Math.random().toString(36).slice(2)}`);
          try {
            extractZip(bytes, target, { maxUncompressedBytes: 1024 * 1024 });
          } catch (e) {
            if (!isGateError(e)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("safeParts", () => {
  it("keeps every accepted name inside the directory (property)", () => {
    const segment = fc.oneof(
      fc.constantFrom("..", ".", "", "a", "b.txt", "C:", "\\", "..\\x", "/"),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        const name = segments.join("/");
        let parts: string[];
        try {
          parts = safeParts(name);
        } catch (e) {
          expect(isGateError(e)).toBe(true);
          return;
        }
        const root = resolve("/tmp/root");
        const target = resolve(root, ...parts);
        expect(target.startsWith(root + sep)).toBe(true);
        expect(parts).not.toContain("..");
      }),
      { numRuns: 2000 },
    );
  });
});
