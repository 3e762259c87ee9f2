import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeError, isGateError } from "@mlgate/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readGrype, readImportedReport, readSarif, readTrivy } from "../../src/import/index.js";
import { GRYPE_REPORT, SARIF_REPORT, TRIVY_REPORT } from "../fixtures/scanner-reports.js";

const dir = mkdtempSync(join(tmpdir(), "mlgate-import-"));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("Trivy JSON", () => {
  it("reads every vulnerability with its package, fix, layer, CVSS and ecosystem", async () => {
    const report = await readImportedReport(file("trivy.json", TRIVY_REPORT));
    expect(report).toMatchObject({
      format: "trivy",
      scanner: "Trivy",
      image: "registry.example.com/team/model-server:1.2.0",
      digest: "sha256:2222222222222222222222222222222222222222222222222222222222222222",
      layers: ["sha256:aaaa", "sha256:bbbb"],
    });
    expect(report.findings).toEqual([
      {
        id: "CVE-2024-0001",
        aliases: ["DSA-9001-1"],
        severity: "critical",
        cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8 },
        package: {
          name: "libssl3",
          version: "3.0.11-1~deb12u1",
          ecosystem: "Debian:12",
          purl: "pkg:deb/debian/libssl3@3.0.11-1~deb12u1?arch=amd64&distro=debian-12.5",
        },
        fixedVersions: ["3.0.13-1~deb12u1"],
        layer: "sha256:aaaa",
        title: "openssl: a flaw",
        url: "https://avd.aquasec.com/nvd/cve-2024-0001",
        source: "trivy",
      },
      {
        id: "CVE-2024-0005",
        aliases: [],
        severity: "low",
        package: { name: "curl", version: "7.88.1-10+deb12u4", ecosystem: "Debian:12" },
        fixedVersions: [],
        layer: "sha256:bbbb",
        source: "trivy",
      },
      {
        id: "CVE-2021-23337",
        aliases: [],
        severity: "high",
        cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", score: 7.2 },
        package: { name: "lodash", version: "4.17.20", ecosystem: "npm" },
        fixedVersions: ["4.17.21"],
        path: "app/package-lock.json",
        source: "trivy",
      },
    ]);
  });

  it("names the field that is wrong", () => {
    const bad = structuredClone(TRIVY_REPORT) as {
      Results: { Vulnerabilities?: Record<string, unknown>[] }[];
    };
    bad.Results[0]!.Vulnerabilities![1]!.PkgName = 42;
    expect(() => readTrivy(bad, "t.json")).toThrow(
      "Trivy report t.json: Results[0].Vulnerabilities[1].PkgName should be a non-empty string",
    );
  });
});

describe("Grype JSON", () => {
  it("reads matches with related CVEs, fixes, locations and distro ecosystems", async () => {
    const report = await readImportedReport(file("grype.json", GRYPE_REPORT));
    expect(report).toMatchObject({
      format: "grype",
      image: "model-server:1.2.0",
      digest: expect.stringMatching(/^sha256:3{64}$/),
    });
    expect(report.findings).toEqual([
      {
        id: "GHSA-35jh-r3h4-6jhm",
        aliases: ["CVE-2021-23337"],
        severity: "high",
        cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", score: 7.2 },
        package: { name: "lodash", version: "4.17.20", ecosystem: "npm", purl: "pkg:npm/lodash@4.17.20" },
        fixedVersions: ["4.17.21"],
        layer: "sha256:layer1",
        path: "app/node_modules/lodash/package.json",
        title: "Command Injection in lodash",
        url: "https://github.com/advisories/GHSA-35jh-r3h4-6jhm",
        source: "grype",
      },
      {
        id: "CVE-2024-0006",
        aliases: [],
        severity: "negligible",
        cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", score: 7.5 },
        package: {
          name: "libcrypto3",
          version: "3.1.4-r5",
          ecosystem: "Alpine:v3.19",
          purl: "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1",
        },
        fixedVersions: [],
        layer: "sha256:layer0",
        path: "lib/apk/db/installed",
        url: "https://security.alpinelinux.org/vuln/CVE-2024-0006",
        source: "grype",
      },
    ]);
  });

  it("names the field that is wrong", () => {
    expect(() => readGrype({ matches: [{ vulnerability: {} }] }, "g.json")).toThrow(
      "Grype report g.json: matches[0].artifact should be an object",
    );
  });
});

describe("SARIF from any scanner", () => {
  it("reads ids from rule ids, packages from properties or messages, severity from security-severity or level", async () => {
    const report = await readImportedReport(file("scan.sarif", SARIF_REPORT));
    expect(report.scanner).toBe("Trivy, Grype");
    expect(report.findings).toEqual([
      {
        id: "CVE-2024-0001",
        aliases: [],
        severity: "critical",
        package: { name: "libssl3", version: "3.0.11-1~deb12u1" },
        fixedVersions: ["3.0.13-1~deb12u1"],
        path: "library/model-server",
        title: "openssl: a flaw",
        url: "https://avd.aquasec.com/nvd/cve-2024-0001",
        source: "sarif",
      },
      {
        id: "CVE-2023-9999",
        aliases: [],
        severity: "medium",
        package: { name: "zlib1g", version: "1:1.2.13.dfsg-1" },
        fixedVersions: [],
        path: "library/model-server",
        title: "zlib: another",
        source: "sarif",
      },
      {
        id: "GHSA-35jh-r3h4-6jhm",
        aliases: [],
        severity: "high",
        package: { name: "lodash", version: "4.17.20" },
        fixedVersions: [],
        path: "app/node_modules/lodash/package.json",
        source: "sarif",
      },
    ]);
    expect(report.notes[0]).toMatch(/1 SARIF result\(s\) .* carry no security-severity/);
  });

  it("refuses other SARIF versions", () => {
    expect(() => readSarif({ version: "2.0.0", runs: [] }, "x.sarif")).toThrow(/version should be "2.1.0"/);
  });
});

describe("reading a report file", () => {
  it("says what a file is not, with its top-level keys", async () => {
    const e = await readImportedReport(file("other.json", { hello: 1, world: 2 })).catch((x: unknown) => x);
    expect(describeError(e)).toMatch(
      /other\.json is not a Trivy, Grype or SARIF report \(top-level: hello, world\)/,
    );
  });

  it("points at the line of a JSON syntax error and enforces the size limit", async () => {
    const e = await readImportedReport(file("broken.json", '{\n  "matches": [\n    {,}\n  ]\n}')).catch(
      (x: unknown) => x,
    );
    expect(describeError(e)).toMatch(/broken\.json:3:6: scan report is not valid JSON/);
    await expect(readImportedReport(file("big.json", { matches: [] }), { maxBytes: 5 })).rejects.toThrow(
      /over the limit of 5 bytes/,
    );
  });

  it("never fails except with a GateError on arbitrary JSON in each format's skeleton", () => {
    const value = fc.jsonValue({ maxDepth: 4 });
    const skeletons = [
      (v: unknown) =>
        readTrivy({ SchemaVersion: 2, Results: [{ Type: "npm", Vulnerabilities: [v] }], Metadata: v }, "t"),
      (v: unknown) => readGrype({ matches: [{ vulnerability: v, artifact: v }, v] }, "g"),
      (v: unknown) =>
        readSarif({ version: "2.1.0", runs: [{ tool: { driver: { rules: [v] } }, results: [v] }] }, "s"),
    ];
    fc.assert(
      fc.property(value, fc.nat(2), (v, which) => {
        try {
          const report = skeletons[which]!(v);
          for (const f of report.findings) expect(typeof f.id).toBe("string");
        } catch (e) {
          if (!isGateError(e)) throw e;
        }
      }),
      { numRuns: 600 },
    );
  });
});
