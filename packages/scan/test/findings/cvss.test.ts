import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cvss2BaseScore,
  cvss3BaseScore,
  mergeFindings,
  scoreVector,
  severityOfScore,
  type VulnerabilityFinding,
} from "../../src/findings/index.js";
import { rateAdvisory } from "../../src/osv/index.js";

describe("CVSS base scores", () => {
  it("computes v3.x scores as NVD publishes them", () => {
    const cases: [string, number][] = [
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0], // CVE-2021-44228
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8],
      ["CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1],
      ["CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", 5.9],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3],
      ["CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N", 2.5],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0],
      // Temporal metrics after the base ones do not change the base score.
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8],
    ];
    for (const [vector, score] of cases) expect(cvss3BaseScore(vector), vector).toBe(score);
  });

  it("computes v2 scores", () => {
    expect(cvss2BaseScore("AV:N/AC:L/Au:N/C:P/I:P/A:P")).toBe(7.5);
    expect(cvss2BaseScore("AV:N/AC:M/Au:N/C:N/I:P/A:N")).toBe(4.3);
    expect(cvss2BaseScore("(AV:N/AC:L/Au:N/C:C/I:C/A:C)")).toBe(10);
    expect(cvss2BaseScore("AV:L/AC:H/Au:N/C:N/I:N/A:N")).toBe(0);
  });

  it("refuses incomplete or malformed vectors", () => {
    for (const bad of [
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H",
      "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "",
      "garbage",
    ]) {
      expect(cvss3BaseScore(bad), bad).toBeUndefined();
    }
    expect(scoreVector("AV:N/AC:L")).toBeUndefined();
  });

  it("reads v4 vectors but scores only the trivial one", () => {
    expect(scoreVector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")).toEqual({
      version: "4.0",
      vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    });
    expect(scoreVector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N")?.score).toBe(0);
  });

  it("always lands on a one-decimal score in [0, 10] for any complete v3 vector", () => {
    const value = (options: string[]) => fc.constantFrom(...options);
    fc.assert(
      fc.property(
        value(["N", "A", "L", "P"]),
        value(["L", "H"]),
        value(["N", "L", "H"]),
        value(["N", "R"]),
        value(["U", "C"]),
        value(["H", "L", "N"]),
        value(["H", "L", "N"]),
        value(["H", "L", "N"]),
        (av, ac, pr, ui, s, c, i, a) => {
          const score = cvss3BaseScore(
            `CVSS:3.1/AV:${av}/AC:${ac}/PR:${pr}/UI:${ui}/S:${s}/C:${c}/I:${i}/A:${a}`,
          );
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(10);
          expect(Math.round((score as number) * 10)).toBeCloseTo((score as number) * 10, 9);
          expect(score === 0).toBe(c === "N" && i === "N" && a === "N");
        },
      ),
    );
  });

  it("maps scores to the standard bands", () => {
    expect([10, 9, 8.9, 7, 6.9, 4, 3.9, 0.1, 0].map(severityOfScore)).toEqual([
      "critical",
      "critical",
      "high",
      "high",
      "medium",
      "medium",
      "low",
      "low",
      "negligible",
    ]);
  });
});

describe("advisory severity", () => {
  const affected = { ecosystem: "npm", name: "a", ranges: [], versions: [], severity: [] };
  const advisory = { id: "X", aliases: [], upstream: [], severity: [], affected: [] };

  it("prefers a computed CVSS v3 score, then the database's word, then the ecosystem's", () => {
    expect(
      rateAdvisory(
        {
          ...advisory,
          severityWord: "LOW",
          severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
        },
        affected,
      ),
    ).toMatchObject({ severity: "critical", basis: "CVSS 3.1", cvss: { score: 9.8 } });
    expect(
      rateAdvisory({ ...advisory, severityWord: "MODERATE" }, { ...affected, severityWord: "high" }),
    ).toMatchObject({
      severity: "medium",
      basis: "database",
    });
    expect(rateAdvisory(advisory, { ...affected, severityWord: "not yet assigned" })).toMatchObject({
      severity: "unknown",
    });
    expect(rateAdvisory(advisory, { ...affected, severityWord: "unimportant" })).toMatchObject({
      severity: "negligible",
    });
    expect(
      rateAdvisory(
        { ...advisory, severity: [{ type: "CVSS_V2", score: "AV:N/AC:L/Au:N/C:P/I:P/A:P" }] },
        affected,
      ),
    ).toMatchObject({ severity: "high", basis: "CVSS 2.0" });
    expect(
      rateAdvisory(
        {
          ...advisory,
          severity: [
            { type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" },
          ],
        },
        affected,
      ),
    ).toMatchObject({ severity: "unknown", cvss: { version: "4.0" } });
  });
});

describe("mergeFindings", () => {
  const base: VulnerabilityFinding = {
    id: "CVE-2024-0001",
    aliases: [],
    severity: "high",
    package: { name: "openssl", version: "3.0.11", ecosystem: "Debian:12" },
    fixedVersions: [],
    source: "trivy",
  };

  it("keeps one finding per vulnerability and package version, completed from every source", () => {
    const merged = mergeFindings([
      [{ ...base, source: "grype", fixedVersions: ["3.0.13"], layer: "sha256:l1" }],
      [{ ...base, id: "DSA-1", aliases: ["CVE-2024-0001"], source: "mlgate", severity: "unknown" }],
      [base],
      [{ ...base, package: { ...base.package, version: "3.0.12" } }],
    ]);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toMatchObject({
      id: "DSA-1",
      source: "mlgate",
      severity: "high",
      fixedVersions: ["3.0.13"],
      layer: "sha256:l1",
      alsoReportedBy: ["trivy", "grype"],
    });
  });
});
