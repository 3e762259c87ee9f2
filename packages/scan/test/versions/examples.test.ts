import { describe, expect, it } from "vitest";
import {
  alpineVersions,
  debianVersions,
  normalizePep440,
  pep440Versions,
  semverVersions,
  type VersionScheme,
  versionSchemeFor,
} from "../../src/versions/index.js";

/** Every adjacent pair of the list is strictly increasing, and so is every pair further apart. */
function expectIncreasing(scheme: VersionScheme, list: readonly string[]): void {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i] as string;
      const b = list[j] as string;
      expect(scheme.compare(a, b), `${a} < ${b}`).toBe(-1);
      expect(scheme.compare(b, a), `${b} > ${a}`).toBe(1);
    }
  }
}

function expectEqual(scheme: VersionScheme, pairs: readonly [string, string][]): void {
  for (const [a, b] of pairs) expect(scheme.compare(a, b), `${a} == ${b}`).toBe(0);
}

describe("Debian ordering (deb-version(7), Debian Policy 5.6.12)", () => {
  it("sorts ~ before everything, even the end of the part, and letters before other characters", () => {
    // Policy's own example of the non-digit ordering: ~~, ~~a, ~, the empty part, a.
    expectIncreasing(debianVersions, ["1~~", "1~~a", "1~", "1", "1a"]);
    expectIncreasing(debianVersions, ["1.0a", "1.0+", "1.0."]);
    expectIncreasing(debianVersions, ["1.0~rc1", "1.0~rc2", "1.0", "1.0+dfsg", "1.0.1"]);
  });

  it("compares digit runs as numbers", () => {
    expectIncreasing(debianVersions, ["1.2.3", "1.9", "1.10", "1.100"]);
    expectEqual(debianVersions, [
      ["1.002", "1.2"],
      ["1.0", "1.00"],
    ]);
  });

  it("compares epochs first, then upstream, then the revision", () => {
    expectIncreasing(debianVersions, ["9.9-9", "1:0.1-1", "1:0.1-2", "2:0"]);
    expectEqual(debianVersions, [
      ["0:1.0", "1.0"],
      ["1.0", "1.0-0"],
      ["1:2.38.1-5+deb12u1", "1:2.38.1-5+deb12u1"],
    ]);
    expectIncreasing(debianVersions, [
      "3.0.11-1~deb12u1",
      "3.0.11-1",
      "3.0.11-1+deb12u1",
      "3.0.11-1+deb12u2",
      "3.0.13-1~deb12u1",
    ]);
  });

  it("splits the revision at the last hyphen", () => {
    expectIncreasing(debianVersions, ["1.0-rc-1", "1.0-rc-2", "1.0-rc1-1"]);
  });

  it("rejects what dpkg rejects", () => {
    for (const bad of ["", " ", "1.0 beta", "a:1.0", "1.0-", "1:", "1:1.0-a_b", "1.0:2"]) {
      expect(debianVersions.isValid(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(() => debianVersions.compare("1.0-", "1.0")).toThrow(/not a valid Debian \(dpkg\) version/);
  });
});

describe("Alpine ordering (apk-tools)", () => {
  it("ranks the suffixes: pre-releases below the release, post-releases above", () => {
    expectIncreasing(alpineVersions, [
      "1.0_alpha",
      "1.0_alpha1",
      "1.0_alpha2",
      "1.0_beta",
      "1.0_pre1",
      "1.0_rc1",
      "1.0_rc2",
      "1.0",
      "1.0_cvs",
      "1.0_svn",
      "1.0_git",
      "1.0_hg",
      "1.0_p",
      "1.0_p1",
      "1.0_p2",
    ]);
  });

  it("orders revisions, letters and components", () => {
    expectIncreasing(alpineVersions, ["1.0", "1.0-r1", "1.0-r2", "1.0-r10"]);
    expectIncreasing(alpineVersions, ["1.0", "1.0a", "1.0b", "1.0.1", "1.1"]);
    expectIncreasing(alpineVersions, ["1.2.3_rc1-r2", "1.2.3", "1.2.3-r5", "1.2.3_p1"]);
    expectIncreasing(alpineVersions, ["0.1.0_alpha", "2.34", "2.34.0"]);
    expectIncreasing(alpineVersions, ["1.2.3_git20230717-r4", "1.2.4_git20230717-r4", "1.2.4_p1"]);
  });

  it("compares a component with a leading zero as a string, like a decimal fraction", () => {
    expectIncreasing(alpineVersions, ["1.001", "1.01", "1.05", "1.1", "1.4"]);
    expectIncreasing(alpineVersions, ["1.0", "1.0.1", "1.00", "1.01"]);
    expectEqual(alpineVersions, [
      ["01.2", "1.2"],
      ["3.0.12-r4", "3.0.12-r4"],
    ]);
  });

  it("orders commit hashes between suffixes and the revision", () => {
    expectIncreasing(alpineVersions, [
      "1.0_git20240101~0abc",
      "1.0_git20240101~1abc",
      "1.0_git20240101~1abc-r1",
    ]);
    expectIncreasing(alpineVersions, ["1.0", "1.0~abc", "1.0~abc-r0", "1.0_p1"]);
  });

  it("rejects what apk rejects", () => {
    for (const bad of [
      "",
      "a1",
      "1.0-1",
      "1.0_foo",
      "1..2",
      "1.0-r",
      "1.0A",
      "1.0-r1-r2",
      "v1.0",
      "1.2a3",
      "1.0a.1",
      "1.0~",
      "1.0_prex",
    ]) {
      expect(alpineVersions.isValid(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("PEP 440 ordering and normalisation", () => {
  it("follows the specification's ordering example", () => {
    expectIncreasing(pep440Versions, [
      "1.dev0",
      "1.0.dev456",
      "1.0a1",
      "1.0a2.dev456",
      "1.0a12.dev456",
      "1.0a12",
      "1.0b1.dev456",
      "1.0b2",
      "1.0b2.post345.dev456",
      "1.0b2.post345",
      "1.0rc1.dev456",
      "1.0rc1",
      "1.0",
      "1.0+abc.5",
      "1.0+abc.7",
      "1.0+5",
      "1.0.post456.dev34",
      "1.0.post456",
      "1.0.15",
      "1.1.dev1",
    ]);
  });

  it("orders epochs before releases and ignores trailing zeros", () => {
    expectIncreasing(pep440Versions, ["2013.10", "2014.04", "1!1.0", "1!1.1"]);
    expectEqual(pep440Versions, [
      ["1.0", "1.0.0"],
      ["1", "1.0.0.0"],
      ["1.0a", "1.0a0"],
      ["1.0-1", "1.0.post1"],
      ["1.0+ubuntu-1", "1.0+ubuntu.1"],
    ]);
  });

  it("normalises the spellings the specification allows", () => {
    const cases: [string, string][] = [
      ["1.0alpha1", "1.0a1"],
      ["1.0-beta.2", "1.0b2"],
      ["1.0-c1", "1.0rc1"],
      ["1.0.preview_3", "1.0rc3"],
      ["1.0-1", "1.0.post1"],
      ["1.0.rev1", "1.0.post1"],
      ["1.0r", "1.0.post0"],
      ["v1.0", "1.0"],
      ["1.0.DEV", "1.0.dev0"],
      ["1.0+Ubuntu_1", "1.0+ubuntu.1"],
      ["01.02", "1.2"],
      [" 1!2.0 ", "1!2.0"],
    ];
    for (const [given, normal] of cases) expect(normalizePep440(given), given).toBe(normal);
    for (const bad of ["", "1.0-", "one", "1.0+", "1.0+a..b", "1.0 .post1", "1.0_dev_x"]) {
      expect(normalizePep440(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe("semver ordering", () => {
  it("orders pre-releases below the release and ignores build metadata", () => {
    expectIncreasing(semverVersions, [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.1",
      "1.10.0",
    ]);
    expectEqual(semverVersions, [
      ["1.0.0+build.1", "1.0.0+build.2"],
      ["v1.2.3", "1.2.3"],
    ]);
    expect(semverVersions.isValid("1.2")).toBe(false);
  });
});

describe("versionSchemeFor", () => {
  it("picks each OSV ecosystem's ordering, release suffix or not", () => {
    expect(versionSchemeFor("Debian:12")?.name).toBe("debian");
    expect(versionSchemeFor("Ubuntu:22.04:LTS")?.name).toBe("debian");
    expect(versionSchemeFor("Alpine:v3.19")?.name).toBe("alpine");
    expect(versionSchemeFor("PyPI")?.name).toBe("pep440");
    expect(versionSchemeFor("npm")?.name).toBe("semver");
    expect(versionSchemeFor("Go")).toBeUndefined();
  });
});
