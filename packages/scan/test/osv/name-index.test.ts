import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isGateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readAdvisory, trimmedDocument } from "../../src/osv/advisory.js";
import { loadOsvDatabase, matchPackages } from "../../src/osv/index.js";
import { indexPathFor } from "../../src/osv/name-index.js";
import { type AdvisoryInput, EXPECTED, FIXTURE_ADVISORIES, osvDocument, PACKAGES } from "../fixtures/osv.js";
import { writeZip } from "../fixtures/zip-writer.js";

const temp = () => mkdtempSync(join(tmpdir(), "mlgate-osv-index-"));

/** Every wanted package of the fixture image, as the scan asks for them. */
const ONLY = PACKAGES.map((p) => ({ ecosystem: p.ecosystem, name: p.sourceName ?? p.name }));

/** Advisories for packages the fixture image does not have: what most of a real database is. */
const NOISE: AdvisoryInput[] = Array.from({ length: 40 }, (_, i) => ({
  id: `NOISE-${i}`,
  ecosystem: ["npm", "PyPI", "Debian:12"][i % 3] as string,
  name: `unrelated-${i}`,
  events: [{ introduced: "0" }, { fixed: "9.9.9" }],
}));

function facts(db: ReturnType<typeof loadOsvDatabase>["db"]): string[] {
  return matchPackages(PACKAGES, db)
    .findings.map((f) => `${f.id} ${f.package.name} ${f.package.version} ${f.severity} ${f.fixedVersions}`)
    .sort();
}

function writeDb(
  file: string,
  docs: readonly (AdvisoryInput | { id: string; raw: string })[],
  store = false,
): string {
  writeZip(
    file,
    docs.map((d) => ({
      name: `${d.id}.json`,
      data: "raw" in d ? d.raw : JSON.stringify(osvDocument(d)),
      store,
    })),
  );
  return file;
}

/** A full load of every document, with no index and no filter: what every other load must agree with. */
const fullFacts = (file: string) => facts(loadOsvDatabase(file).db);

describe("trimmed OSV documents", () => {
  it("read back as the same advisory (fixture documents)", () => {
    for (const a of [...FIXTURE_ADVISORIES, ...NOISE]) {
      const advisory = readAdvisory(osvDocument(a), a.id);
      const again = readAdvisory(JSON.parse(JSON.stringify(trimmedDocument(advisory))), a.id);
      expect(again).toEqual(advisory);
    }
  });

  it("read back as the same advisory (generated documents)", () => {
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("", "0", "1.0.0", "CVE-2024-1"));
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const severity = fc.array(fc.record({ type: text, score: text }), { maxLength: 2 });
    const block = maybe(
      fc.dictionary(
        fc.constantFrom("severity", "urgency", "cvss_severity", "other"),
        fc.oneof(text, fc.nat()),
      ),
    );
    const event = fc.oneof(
      fc.record({ introduced: text }),
      fc.record({ fixed: text }),
      fc.record({ last_affected: text }),
      fc.record({ limit: text }),
    );
    const affected = fc.record(
      {
        package: fc.record(
          { ecosystem: text, name: text, purl: maybe(text) },
          { requiredKeys: ["ecosystem", "name"] },
        ),
        ranges: fc.array(fc.record({ type: text, events: fc.array(event, { maxLength: 3 }) }), {
          maxLength: 2,
        }),
        versions: fc.array(text, { maxLength: 3 }),
        severity,
        database_specific: block,
        ecosystem_specific: block,
      },
      { requiredKeys: [] },
    );
    const document = fc.record(
      {
        id: fc.string({ minLength: 1, maxLength: 10 }).filter((s) => s.trim() !== ""),
        aliases: fc.array(text, { maxLength: 2 }),
        upstream: fc.array(text, { maxLength: 2 }),
        summary: text,
        details: text,
        modified: text,
        withdrawn: text,
        severity,
        database_specific: block,
        affected: fc.array(affected, { maxLength: 3 }),
        references: fc.array(fc.record({ type: fc.constantFrom("ADVISORY", "WEB", "FIX"), url: text }), {
          maxLength: 3,
        }),
      },
      { requiredKeys: ["id"] },
    );
    fc.assert(
      fc.property(document, (doc) => {
        const advisory = readAdvisory(doc, "generated.json");
        const trimmed = JSON.parse(JSON.stringify(trimmedDocument(advisory)));
        expect(readAdvisory(trimmed, "trimmed.json")).toEqual(advisory);
      }),
      { numRuns: 300 },
    );
  });
});

describe("OSV zip index", () => {
  it("lets a later load read only trimmed copies, with the same findings as a full load", () => {
    const dir = temp();
    const file = writeDb(join(dir, "all.zip"), [
      ...NOISE.slice(0, 20),
      ...FIXTURE_ADVISORIES,
      ...NOISE.slice(20),
    ]);
    const indexDir = join(dir, "index");
    const cold = loadOsvDatabase(file, { only: ONLY, indexDir });
    expect(cold.stats.indexed).toBeUndefined();
    expect(readdirSync(indexDir)).toEqual([expect.stringMatching(/^osv-index-[0-9a-f]{24}\.osv-index$/)]);
    const warm = loadOsvDatabase(file, { only: ONLY, indexDir });
    expect(warm.stats).toMatchObject({
      indexed: true,
      documents: cold.stats.documents,
      skipped: NOISE.length,
    });
    expect(warm.stats.bytes).toBeLessThan(cold.stats.bytes);
    expect(facts(warm.db)).toEqual(fullFacts(file));
    expect(facts(warm.db)).toEqual(facts(cold.db));
    expect(warm.db.advisories).toBe(cold.db.advisories);
    expect(warm.db.withdrawn).toBe(cold.db.withdrawn);
  });

  it("reads documents the first load did not want from the zip when a later load wants them", () => {
    const dir = temp();
    const file = writeDb(join(dir, "all.zip"), [...FIXTURE_ADVISORIES, ...NOISE]);
    const indexDir = join(dir, "index");
    // The first scan wants only the Debian packages: the rest stay untrimmed in the index.
    loadOsvDatabase(file, { only: ONLY.slice(0, 5), indexDir });
    const later = loadOsvDatabase(file, { only: ONLY, indexDir });
    expect(later.stats.indexed).toBe(true);
    expect(facts(later.db)).toEqual(fullFacts(file));
  });

  it("belongs to the zip's contents: a zip rewritten at the same size and path is read afresh", () => {
    const dir = temp();
    const file = join(dir, "all.zip");
    const advisories = [...FIXTURE_ADVISORIES];
    writeDb(file, advisories, true);
    const indexDir = join(dir, "index");
    loadOsvDatabase(file, { only: ONLY, indexDir });
    // Same length, another fixed version: only the CRC in the central directory tells them apart.
    const changed = advisories.map((a) =>
      a.id === "DSA-9001-1" ? { ...a, events: [{ introduced: "0" }, { fixed: "3.0.10-1~deb12u1" }] } : a,
    );
    const size = readFileSync(file).length;
    writeDb(file, changed, true);
    expect(readFileSync(file).length).toBe(size);
    const after = loadOsvDatabase(file, { only: ONLY, indexDir });
    expect(after.stats.indexed).toBeUndefined();
    expect(facts(after.db)).toEqual(fullFacts(file));
    expect(facts(after.db).some((f) => f.startsWith("DSA-9001-1"))).toBe(false);
    expect(loadOsvDatabase(file, { only: ONLY, indexDir }).stats.indexed).toBe(true);
  });

  it("matches EXPECTED through the index, and keeps a downloaded zip's index beside it under its name", () => {
    const dir = temp();
    const file = writeDb(join(dir, "Debian-all.zip-0123456789ab.zip"), FIXTURE_ADVISORIES);
    loadOsvDatabase(file, { only: ONLY, indexDir: dir });
    expect(indexPathFor(dir, file)).toBe(join(dir, "Debian-all.zip-0123456789ab.osv-index"));
    const { db, stats } = loadOsvDatabase(file, { only: ONLY, indexDir: dir });
    expect(stats.indexed).toBe(true);
    expect(
      matchPackages(PACKAGES, db)
        .findings.map(
          (f) =>
            `${f.id} ${f.package.name} ${f.package.version} ${f.severity} fix=${f.fixedVersions.join(",")}`,
        )
        .sort(),
    ).toEqual(EXPECTED);
  });

  it("gives a damaged document's own error when a later load wants it, and ignores it until then", () => {
    const broken = osvDocument({ id: "BROKEN-1", ecosystem: "npm", name: "wanted-later", events: [] });
    (broken.affected as { ranges?: unknown }[])[0]!.ranges = [{ type: "SEMVER", events: [{ fixed: 1 }] }];
    const dir = temp();
    const file = writeDb(join(dir, "all.zip"), [
      ...FIXTURE_ADVISORIES,
      { id: "BROKEN-1", raw: JSON.stringify(broken) },
    ]);
    const indexDir = join(dir, "index");
    const message = `${file}:BROKEN-1.json: affected[0].ranges[0].events[0].fixed should be a string of at most 4096 characters`;
    expect(facts(loadOsvDatabase(file, { only: ONLY, indexDir }).db)).toHaveLength(EXPECTED.length);
    expect(loadOsvDatabase(file, { only: ONLY, indexDir }).stats.indexed).toBe(true);
    const wanting = [...ONLY, { ecosystem: "npm", name: "wanted-later" }];
    expect(() => loadOsvDatabase(file, { only: wanting, indexDir })).toThrow(message);
    expect(() => loadOsvDatabase(file, { only: wanting })).toThrow(message);
  });

  it("is never trusted when damaged: any change to its bytes leaves the findings those of a full load", () => {
    const dir = temp();
    const file = writeDb(join(dir, "all.zip"), [...FIXTURE_ADVISORIES, ...NOISE]);
    const indexDir = join(dir, "index");
    loadOsvDatabase(file, { only: ONLY, indexDir });
    const indexFile = indexPathFor(indexDir, file);
    const good = readFileSync(indexFile);
    const expected = fullFacts(file);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.option(fc.nat(good.length), { nil: undefined }),
        (flips, cut) => {
          const bytes = Buffer.from(good.subarray(0, cut ?? good.length));
          for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
          writeFileSync(indexFile, bytes);
          let loaded: ReturnType<typeof loadOsvDatabase>;
          try {
            loaded = loadOsvDatabase(file, { only: ONLY, indexDir });
          } catch (e) {
            if (isGateError(e))
              throw new Error(`a damaged index surfaced as an error: ${(e as Error).message}`);
            throw e;
          }
          expect(facts(loaded.db)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("is used for a copy of the zip only under the copy's own index", () => {
    const dir = temp();
    const file = writeDb(join(dir, "all.zip"), [...FIXTURE_ADVISORIES, ...NOISE]);
    const indexDir = join(dir, "index");
    loadOsvDatabase(file, { only: ONLY, indexDir });
    const copy = join(dir, "copy.zip");
    copyFileSync(file, copy);
    expect(loadOsvDatabase(copy, { only: ONLY, indexDir }).stats.indexed).toBeUndefined();
    expect(loadOsvDatabase(copy, { only: ONLY, indexDir }).stats.indexed).toBe(true);
    expect(readdirSync(indexDir)).toHaveLength(2);
  });
});
