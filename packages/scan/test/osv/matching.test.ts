import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOsvDatabase, type MatchablePackage, matchPackages, rangeIncludes } from "../../src/osv/index.js";
import { debianVersions, pep440Versions, semverVersions } from "../../src/versions/index.js";
import {
  EXPECTED,
  FIXTURE_ADVISORIES,
  L0,
  PACKAGES,
  writeOsvDirectory,
  writeOsvZip,
} from "../fixtures/osv.js";

const temp = () => mkdtempSync(join(tmpdir(), "mlgate-osv-"));

function facts(findings: ReturnType<typeof matchPackages>["findings"]): string[] {
  return findings
    .map(
      (f) => `${f.id} ${f.package.name} ${f.package.version} ${f.severity} fix=${f.fixedVersions.join(",")}`,
    )
    .sort();
}

describe("OSV matching", () => {
  it("finds exactly the expected advisories from a directory of JSON files", () => {
    const { db } = loadOsvDatabase(writeOsvDirectory(temp()));
    expect(db.advisories).toBe(11);
    expect(db.withdrawn).toBe(1);
    expect(facts(matchPackages(PACKAGES, db).findings)).toEqual(EXPECTED);
  });

  it("finds the same from a zip, and from a zip64 archive", () => {
    for (const zip64 of [false, true]) {
      const { db } = loadOsvDatabase(writeOsvZip(join(temp(), "all.zip"), undefined, { zip64 }));
      expect(facts(matchPackages(PACKAGES, db).findings)).toEqual(EXPECTED);
    }
  });

  it("parses only the advisories that name a wanted package, with the same result", () => {
    const file = writeOsvZip(join(temp(), "all.zip"));
    const only = PACKAGES.map((p) => ({ ecosystem: p.ecosystem, name: p.sourceName ?? p.name }));
    // Only the Debian packages: the npm, PyPI and Alpine advisories are skipped unparsed.
    const { db, stats } = loadOsvDatabase(file, { only: only.slice(0, 5) });
    expect(stats.skipped).toBeGreaterThan(0);
    const full = loadOsvDatabase(file, { only });
    expect(full.stats.skipped).toBe(0);
    expect(facts(matchPackages(PACKAGES, full.db).findings)).toEqual(EXPECTED);
    expect(db.advisories).toBeLessThan(full.db.advisories);
  });

  it("keeps a name index so later loads inflate only the documents that may matter", async () => {
    const dir = temp();
    const file = writeOsvZip(join(dir, "all.zip"));
    const indexDir = join(dir, "index");
    const only = PACKAGES.map((p) => ({ ecosystem: p.ecosystem, name: p.sourceName ?? p.name }));
    const first = loadOsvDatabase(file, { only, indexDir });
    expect(first.stats.indexed).toBeUndefined();
    const debianOnly = only.slice(0, 5);
    const second = loadOsvDatabase(file, { only: debianOnly, indexDir });
    expect(second.stats.indexed).toBe(true);
    // Skipped without inflating: only the Debian documents were read.
    expect(second.stats.bytes).toBeLessThan(first.stats.bytes);
    const unindexed = loadOsvDatabase(file, { only: debianOnly });
    expect(facts(matchPackages(PACKAGES, second.db).findings)).toEqual(
      facts(matchPackages(PACKAGES, unindexed.db).findings),
    );
    // A changed zip invalidates the index.
    writeOsvZip(file, FIXTURE_ADVISORIES.slice(0, 3));
    const third = loadOsvDatabase(file, { only, indexDir });
    expect(third.stats.indexed).toBeUndefined();
    expect(third.stats.documents).toBe(3);
  });

  it("carries ids, aliases, layer, path, purl and the advisory's summary and link", () => {
    const { db } = loadOsvDatabase(writeOsvDirectory(temp()));
    const f = matchPackages(PACKAGES, db).findings.find(
      (x) => x.id === "DSA-9001-1" && x.package.name === "libssl3",
    );
    expect(f).toMatchObject({
      aliases: ["CVE-2024-0001"],
      package: { ecosystem: "Debian:12", purl: "pkg:deb/debian/libssl3@3.0.11-1~deb12u1" },
      layer: L0,
      path: "var/lib/dpkg/status",
      cvss: { version: "3.1", score: 9.8 },
      url: "https://osv.dev/vulnerability/DSA-9001-1",
      source: "mlgate",
    });
  });

  it("skips release-specific advisories when the release is unknown, and says so", () => {
    const { db } = loadOsvDatabase(writeOsvDirectory(temp()));
    const noRelease = PACKAGES.filter((p) => p.ecosystem === "Debian").map(({ distroRelease: _, ...p }) => p);
    const result = matchPackages(noRelease, db);
    expect(result.findings).toEqual([]);
    expect(result.notes.join(" ")).toMatch(/release is unknown/);
  });

  it("reports packages whose versions cannot be ordered instead of guessing", () => {
    const { db } = loadOsvDatabase(writeOsvDirectory(temp()));
    const result = matchPackages([{ ...(PACKAGES[7] as MatchablePackage), version: "not-a-version" }], db);
    expect(result.findings).toEqual([]);
    expect(result.notes[0]).toMatch(/cannot read.*lodash not-a-version/);
  });
});

describe("OSV range evaluation", () => {
  const range = (...events: object[]) => ({ type: "ECOSYSTEM", events }) as never;

  it("follows the last applicable event, across several introduced/fixed pairs", () => {
    const r = range({ introduced: "1.0.0" }, { fixed: "1.5.0" }, { introduced: "2.0.0" }, { fixed: "2.3.0" });
    const at = (v: string) => (rangeIncludes(r, v, semverVersions) as { included: boolean }).included;
    expect(["0.9.0", "1.0.0", "1.4.9", "1.5.0", "1.9.0", "2.0.0", "2.2.9", "2.3.0"].map(at)).toEqual([
      false,
      true,
      true,
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(rangeIncludes(r, "2.1.0", semverVersions)).toEqual({ included: true, fixed: ["2.3.0"] });
  });

  it("treats last_affected as inclusive and limit as exclusive", () => {
    const last = range({ introduced: "0" }, { last_affected: "2.0" });
    expect((rangeIncludes(last, "2.0", pep440Versions) as { included: boolean }).included).toBe(true);
    expect((rangeIncludes(last, "2.0.post1", pep440Versions) as { included: boolean }).included).toBe(false);
    const limited = range({ introduced: "0" }, { limit: "1:2.0-1" });
    expect((rangeIncludes(limited, "1:1.9-1", debianVersions) as { included: boolean }).included).toBe(true);
    expect((rangeIncludes(limited, "1:2.0-1", debianVersions) as { included: boolean }).included).toBe(false);
  });

  it("orders with the ecosystem's rules (Debian ~ and epochs, PEP 440 pre-releases)", () => {
    const deb = range({ introduced: "0" }, { fixed: "1:1.0-1" });
    expect((rangeIncludes(deb, "2.0-1", debianVersions) as { included: boolean }).included).toBe(true);
    const tilde = range({ introduced: "0" }, { fixed: "1.0-1" });
    expect((rangeIncludes(tilde, "1.0-1~bpo1", debianVersions) as { included: boolean }).included).toBe(true);
    const py = range({ introduced: "0" }, { fixed: "2.0" });
    expect((rangeIncludes(py, "2.0rc1", pep440Versions) as { included: boolean }).included).toBe(true);
  });

  it("flags ranges it cannot evaluate", () => {
    expect(rangeIncludes(range({ introduced: "0" }, { fixed: "x y" }), "1.0", pep440Versions)).toBe(
      "bad-version",
    );
    expect(rangeIncludes({ type: "GIT", events: [{ introduced: "abc" }] }, "1.0", pep440Versions)).toBe(
      "unsupported-type",
    );
  });
});
