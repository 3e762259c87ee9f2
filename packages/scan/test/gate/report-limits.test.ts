import { describe, expect, it } from "vitest";
import {
  applyPolicy,
  buildScanReport,
  DEFAULT_POLICY,
  imageCategory,
  SEVERITIES,
  scanSarif,
  type VulnerabilityFinding,
} from "../../src/index.js";

const NOW = new Date("2025-03-01T00:00:00Z");

/** `n` findings cycling through the severities, worst first after sorting. */
function many(n: number): VulnerabilityFinding[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `CVE-2024-${String(10000 + i)}`,
    aliases: [],
    severity: SEVERITIES[i % 5] as VulnerabilityFinding["severity"],
    package: { name: `pkg${i}`, version: "1.0", ecosystem: "npm" },
    fixedVersions: i % 2 ? ["2.0"] : [],
    source: "trivy" as const,
  }));
}

function judged(n: number) {
  return applyPolicy({
    findings: many(n),
    settings: { ...DEFAULT_POLICY, failOn: "critical", show: "negligible" },
    image: { reference: "app:1" },
    now: NOW,
  });
}

describe("size guards", () => {
  it("SARIF keeps at most 5,000 results, blocking ones first, and says how many were dropped", () => {
    const result = judged(6000);
    const reversed = [...result.findings].reverse();
    const sarif = scanSarif(reversed, { image: "registry:5000/team/app:1.0@sha256:abc" });
    expect(sarif.results).toBe(5000);
    expect(sarif.dropped).toBe(1000);
    const run = (
      sarif.sarif.runs as {
        results: { level: string }[];
        properties: { dropped: number };
        automationDetails: { id: string };
      }[]
    )[0]!;
    expect(run.properties.dropped).toBe(1000);
    expect(run.results.filter((r) => r.level === "error")).toHaveLength(1200);
    expect(run.results.slice(0, 1200).every((r) => r.level === "error")).toBe(true);
    expect(run.automationDetails.id).toBe("mlgate/scan-image/registry-5000-team-app-1.0/");
  });

  it("gives each image its own category", () => {
    expect(imageCategory("registry:5000/team/app:1.0")).not.toBe(
      imageCategory("registry:5000/team/worker:1.0"),
    );
    expect(imageCategory("app:1.0@sha256:aaa")).toBe(imageCategory("app:1.0@sha256:bbb"));
  });

  it("the report lists the worst 5,000 findings and says the rest are in the results file", () => {
    const result = judged(5300);
    const report = buildScanReport({
      image: "app:1",
      policy: { ...DEFAULT_POLICY, failOn: "critical", show: "negligible" },
      result,
      hasBaseline: false,
      gates: [],
      extraFindings: [],
      extraMetrics: {},
      notes: [],
      outputs: {},
      layerNumber: () => undefined,
      now: NOW,
    });
    const vulns = report.findings.filter((f) => f.rule.startsWith("vulnerability"));
    expect(vulns).toHaveLength(5000);
    expect(vulns[0]?.level).toBe("fail");
    expect(vulns.at(-1)?.message).toMatch(/: negligible/);
    expect(report.outputs).toMatchObject({
      findings: "5300",
      "listed-findings": "5000",
      critical: "1060",
      blocking: "1060",
    });
    expect(report.notes?.join(" ")).toMatch(
      /lists the 5000 worst of 5300 findings; 300 less severe ones are only in the results file/,
    );
  });
});
