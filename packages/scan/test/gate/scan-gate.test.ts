import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeError, type Report, renderMarkdown } from "@mlgate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_POLICY,
  openImage,
  resolveScanImage,
  runScanImage,
  type ScanImageInput,
} from "../../src/index.js";
import { basicFindings, defaultState, type FakeEcr, startFakeEcr } from "../fixtures/ecr-server.js";
import { writeExampleImage } from "../fixtures/images/example.js";
import {
  EXAMPLE_EXPECTED,
  EXAMPLE_EXTRA_ADVISORIES,
  FIXTURE_ADVISORIES,
  writeOsvZip,
} from "../fixtures/osv.js";
import { GRYPE_REPORT, SARIF_REPORT, TRIVY_REPORT } from "../fixtures/scanner-reports.js";

let dir: string;
let imageRef: string;
let osvZip: string;
const NOW = new Date("2025-03-01T12:00:00Z");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mlgate-scan-gate-"));
  imageRef = (await writeExampleImage(join(dir, "image"))).ref;
  osvZip = writeOsvZip(join(dir, "osv", "all.zip"), [...FIXTURE_ADVISORIES, ...EXAMPLE_EXTRA_ADVISORIES]);
});

const base = (extra: Partial<ScanImageInput> = {}): ScanImageInput => ({
  image: imageRef,
  osvDb: [osvZip],
  policy: { ...DEFAULT_POLICY },
  gates: [],
  now: NOW,
  ...extra,
});

type Vuln = {
  id: string;
  severity: string;
  package: { name: string; version: string };
  fixedVersions: string[];
  layer?: string;
  source?: string;
  alsoReportedBy?: string[];
};
const vulns = (report: Report) =>
  report.findings
    .filter((f) => f.rule.startsWith("vulnerability"))
    .map(
      (f) => (f.properties as { vulnerability: Vuln & { blocking: boolean; status: string } }).vulnerability,
    );

describe("scan-image on the example serving image (OCI layout built by code)", () => {
  it("finds exactly the expected vulnerabilities and model files, and fails on the criticals", async () => {
    const out = join(dir, "out1");
    const report = await runScanImage(
      base({
        sbom: join(out, "sbom.cdx.json"),
        results: join(out, "results.json"),
        sarif: join(out, "scan.sarif"),
        policy: { ...DEFAULT_POLICY, show: "negligible" },
      }),
    );
    const results = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as {
      findings: (Vuln & { layer: string })[];
      image: { digest: string };
    };
    const image = await openImage(imageRef);
    const layerIndex = (d: string) => image.layers.findIndex((l) => l.digest === d);
    await image.close();
    const facts = results.findings
      .map(
        (f) =>
          `${f.id} ${f.package.name} ${f.package.version} ${f.severity} fix=${f.fixedVersions.join(",")} layer=${layerIndex(f.layer)}`,
      )
      .sort();
    expect(facts).toEqual(EXAMPLE_EXPECTED);

    expect(report.verdict).toBe("fail");
    expect(report.headline).toBe(
      `2 blocking vulnerabilities in ${report.outputs?.image} (2 fixable; 2 critical, 0 high, 1 medium, 1 low)`,
    );
    expect(report.outputs).toMatchObject({
      critical: "2",
      high: "0",
      blocking: "2",
      new: "5",
      digest: results.image.digest,
    });
    expect(
      vulns(report)
        .slice(0, 2)
        .map((v) => [v.id, v.package.name, v.blocking]),
    ).toEqual([
      ["DSA-9001-1", "libssl3", true],
      ["DSA-9001-1", "openssl", true],
    ]);
    expect(report.findings[0]?.message).toMatch(
      /^CVE-2024-0001 \(DSA-9001-1\) in libssl3 3\.0\.11-1~deb12u1: critical, CVSS 9\.8, fixed in 3\.0\.13-1~deb12u1 \[new, layer 1, var\/lib\/dpkg\/status\] — blocks: critical >= high$/,
    );
    const models = report.findings.filter((f) => f.rule.startsWith("model-file"));
    expect(models.map((m) => [m.rule, m.level, (m.properties as { path: string }).path])).toEqual([
      ["model-file.pickle", "warn", "opt/model/classifier.pkl"],
      ["model-file", "info", "opt/model/embeddings.safetensors"],
    ]);
    expect(models[0]?.message).toMatch(/validate-artifact/);
    expect(report.metrics.packages?.value).toBe(9);

    const sbom = JSON.parse(readFileSync(join(out, "sbom.cdx.json"), "utf8")) as {
      bomFormat: string;
      components: { name: string }[];
    };
    expect(sbom.bomFormat).toBe("CycloneDX");
    expect(sbom.components.map((c) => c.name)).toContain("libssl3");
    const sarif = JSON.parse(readFileSync(join(out, "scan.sarif"), "utf8")) as {
      runs: { automationDetails: { id: string }; results: { ruleId: string; level: string }[] }[];
    };
    expect(sarif.runs[0]?.automationDetails.id).toMatch(/^mlgate\/scan-image\/.+\/$/);
    expect(sarif.runs[0]?.results.map((r) => `${r.ruleId}:${r.level}`)).toEqual([
      "CVE-2024-0001:error",
      "CVE-2024-0001:error",
      "CVE-2024-35195:warning",
      "CVE-2024-5206:warning",
      "CVE-2023-45853:warning",
    ]);
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("CVE-2024-0001");
    expect(markdown.indexOf("CVE-2024-0001")).toBeLessThan(markdown.indexOf("CVE-2024-35195"));
  });

  it("separates what fails from what is shown, and honours only-fixed", async () => {
    const report = await runScanImage(
      base({ policy: { ...DEFAULT_POLICY, failOn: "medium", onlyFixed: true, show: "medium" } }),
    );
    expect(vulns(report).map((v) => `${v.id}:${v.package.name}:${v.blocking}`)).toEqual([
      "DSA-9001-1:libssl3:true",
      "DSA-9001-1:openssl:true",
      "GHSA-9wx4-h78v-vm56:requests:true",
    ]);
    expect(report.notes?.join(" ")).toMatch(
      /2 findings below the show threshold \(medium\) are counted but not listed/,
    );
    expect(report.metrics.low?.value).toBe(1);
  });

  it("accepts findings through the ignore file, fails on expired entries, and exports OpenVEX", async () => {
    const ignore = join(dir, "ignore.yml");
    writeFileSync(
      ignore,
      [
        "ignores:",
        "  - id: CVE-2024-0001",
        "    purl: pkg:deb/debian/libssl3",
        "    reason: TLS is terminated at the load balancer",
        "    expires: 2025-12-31",
        "  - id: DSA-9001-1",
        "    package: openssl",
        "    reason: the openssl binary is never executed",
        "    expires: 2025-12-31",
        "    justification: vulnerable_code_not_in_execute_path",
        "",
      ].join("\n"),
    );
    const vexFile = join(dir, "out2", "ignores.openvex.json");
    const accepted = await runScanImage(base({ ignoreFile: ignore, openvex: vexFile }));
    expect(accepted.verdict).toBe("warn");
    expect(accepted.outputs?.blocking).toBe("0");
    expect(accepted.metrics.ignored?.value).toBe(2);
    const vex = JSON.parse(readFileSync(vexFile, "utf8")) as {
      statements: { status: string; products: { subcomponents: { "@id": string }[] }[] }[];
    };
    expect(vex.statements.map((s) => s.status)).toEqual(["affected", "not_affected"]);
    expect(vex.statements[0]?.products[0]?.subcomponents[0]?.["@id"]).toMatch(
      /^pkg:deb\/debian\/libssl3@3\.0\.11-1~deb12u1/,
    );

    // The same file a year later: both entries expired, both findings block again, and the entries fail.
    const later = await runScanImage(base({ ignoreFile: ignore, now: new Date("2026-02-01T00:00:00Z") }));
    expect(later.verdict).toBe("fail");
    expect(later.findings.filter((f) => f.rule === "ignore.expired").map((f) => [f.file, f.line])).toEqual([
      [ignore, 2],
      [ignore, 6],
    ]);
  });

  it("fails only on new findings against a baseline, and reports new / fixed / unchanged", async () => {
    const baselineFile = join(dir, "baseline.json");
    writeFileSync(
      baselineFile,
      JSON.stringify({
        schema: "https://mlgate.dev/schemas/scan-image-results/v1",
        image: { reference: "old" },
        counts: { critical: 2, high: 1, total: 3 },
        findings: [
          {
            id: "DSA-9001-1",
            aliases: ["CVE-2024-0001"],
            severity: "critical",
            package: { name: "openssl", version: "3.0.10-1", ecosystem: "Debian:12" },
            fixedVersions: [],
            source: "mlgate",
          },
          {
            id: "DSA-9001-1",
            aliases: ["CVE-2024-0001"],
            severity: "critical",
            package: { name: "libssl3", version: "3.0.10-1", ecosystem: "Debian:12" },
            fixedVersions: [],
            source: "mlgate",
          },
          {
            id: "CVE-2022-0001",
            aliases: [],
            severity: "high",
            package: { name: "curl", version: "7.0", ecosystem: "Debian:12" },
            fixedVersions: [],
            source: "trivy",
          },
        ],
      }),
    );
    const report = await runScanImage(
      base({
        baseline: baselineFile,
        policy: { ...DEFAULT_POLICY, onlyNew: true, failOn: "medium" },
        gates: ["delta(critical) <= 0", "new <= 5"],
      }),
    );
    expect(report.verdict).toBe("fail");
    expect(report.outputs).toMatchObject({ new: "3", fixed: "1", blocking: "1" });
    expect(
      vulns(report)
        .filter((v) => v.blocking)
        .map((v) => v.id),
    ).toEqual(["GHSA-9wx4-h78v-vm56"]);
    expect(report.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      "no vulnerabilities >= medium that are new:fail",
      "no expired ignore-file entries:pass",
      "delta(critical) <= 0:pass",
      "new <= 5:pass",
    ]);
    expect(report.notes?.join(" ")).toMatch(/Fixed since the baseline: CVE-2022-0001 in curl/);
  });

  it("applies base-image rules to the bottom layers", async () => {
    const report = await runScanImage(
      base({
        base: { count: 1 },
        policy: { ...DEFAULT_POLICY, failOn: "medium", layers: { base: { failOn: "none" } } },
      }),
    );
    expect(
      vulns(report)
        .filter((v) => v.blocking)
        .map((v) => v.id),
    ).toEqual(["GHSA-9wx4-h78v-vm56"]);
    expect(report.findings.find((f) => f.message.includes("DSA-9001-1"))?.message).toMatch(
      /layer 1 \(base\)/,
    );
  });

  it("merges imported Trivy, Grype and SARIF reports with the native scan, one finding each", async () => {
    const files = [
      ["trivy.json", TRIVY_REPORT],
      ["grype.json", GRYPE_REPORT],
      ["scan.sarif", SARIF_REPORT],
    ].map(([name, content]) => {
      const path = join(dir, name as string);
      writeFileSync(path, JSON.stringify(content));
      return path;
    });
    const report = await runScanImage(
      base({ imports: files, policy: { ...DEFAULT_POLICY, show: "negligible" } }),
    );
    const found = vulns(report) as (Vuln & { source: string; alsoReportedBy?: string[] })[];
    const libssl3 = found.filter((v) => v.package.name === "libssl3");
    expect(libssl3.map((v) => [v.id, v.source, v.alsoReportedBy])).toEqual([
      ["DSA-9001-1", "mlgate", ["trivy", "sarif"]],
    ]);
    const lodash = found.filter((v) => v.package.name === "lodash");
    expect(lodash.map((v) => [v.id, v.source, v.alsoReportedBy])).toEqual([
      ["CVE-2021-23337", "trivy", ["grype", "sarif"]],
    ]);
    expect(report.notes?.join(" ")).toMatch(/Imported 3 findings from Trivy/);
  });

  it("judges imported reports alone, without an image", async () => {
    const path = join(dir, "only-trivy.json");
    writeFileSync(path, JSON.stringify(TRIVY_REPORT));
    const report = await runScanImage({
      imports: [path],
      policy: { ...DEFAULT_POLICY, failOn: "critical" },
      gates: ["critical == 0"],
      now: NOW,
    });
    expect(report.verdict).toBe("fail");
    expect(report.outputs).toMatchObject({
      image: "registry.example.com/team/model-server:1.2.0",
      critical: "1",
    });
    expect(report.checks.at(-1)).toMatchObject({ name: "critical == 0", status: "fail", actual: "1" });
  });

  it("says what is missing instead of guessing", async () => {
    await expect(runScanImage(base({ osvDb: [] }))).rejects.toThrow(/no OSV database/);
    await expect(runScanImage({ policy: DEFAULT_POLICY, gates: [] })).rejects.toThrow(/nothing to scan/);
    await expect(
      runScanImage(base({ policy: { ...DEFAULT_POLICY, layers: { base: { failOn: "critical" } } } })),
    ).rejects.toThrow(/base-image rules are set but the base image's layers are not/);
    const e = await runScanImage(base({ gates: ["critical =< 0"] })).catch((x: unknown) => x);
    expect(describeError(e)).toMatch(/critical =< 0/);
  });
});

describe("scan-image on an ECR image (loopback ECR API, real SDK client)", () => {
  let ecr: FakeEcr;
  beforeAll(async () => {
    const state = defaultState();
    state.findings = basicFindings(12);
    state.images[0]!.completedAt = NOW.getTime() / 1000 - 3600;
    ecr = await startFakeEcr(state);
  });
  afterAll(() => ecr.close());

  it("reads the findings ECR holds and judges them by the same policy", async () => {
    const report = await runScanImage({
      image: "ecr://team/model-server:1.2.0",
      policy: { ...DEFAULT_POLICY, failOn: "critical" },
      gates: [],
      ecr: { client: ecr.client(), sleep: async () => {}, now: () => NOW.getTime() },
      now: NOW,
    });
    expect(report.verdict).toBe("fail");
    expect(report.outputs).toMatchObject({
      critical: "2",
      high: "2",
      digest: expect.stringMatching(/^sha256:/),
    });
    expect(report.notes?.[0]).toMatch(/^ECR basic scanning of ecr:\/\/team\/model-server:1\.2\.0/);
  });
});

describe("configuration", () => {
  it("reads the scan-image section of mlgate.yml, paths relative to it, flags winning", async () => {
    const project = mkdtempSync(join(tmpdir(), "mlgate-scan-config-"));
    writeFileSync(
      join(project, "mlgate.yml"),
      [
        "version: 1",
        "scan-image:",
        "  image: registry.example.com/team/app:1.0",
        "  osv-db: osv/all.zip",
        "  fail-on: critical",
        "  only-fixed: true",
        "  show: medium",
        "  always-fail: [CVE-2021-44228]",
        "  base-layers: 2",
        "  base-rules: { fail-on: none }",
        "  ignore-file: security/ignore.yml",
        "  sarif: out/scan.sarif",
        "  osv-download: auto",
        "  osv-max-age: 12h",
        "  gates: ['critical == 0']",
        "",
      ].join("\n"),
    );
    const { input } = await resolveScanImage({ failOn: "high", imports: ["trivy.json"] }, { cwd: project });
    expect(input).toMatchObject({
      image: "registry.example.com/team/app:1.0",
      osvDb: [join(project, "osv/all.zip")],
      imports: [join(project, "trivy.json")],
      policy: {
        failOn: "high",
        onlyFixed: true,
        show: "medium",
        alwaysFail: ["CVE-2021-44228"],
        layers: { base: { failOn: "none" } },
      },
      base: { count: 2 },
      ignoreFile: join(project, "security/ignore.yml"),
      sarif: join(project, "out/scan.sarif"),
      osvDownload: {
        sources: ["auto"],
        cacheDir: join(project, ".mlgate/osv-cache"),
        maxAgeMs: 12 * 3_600_000,
      },
      gates: ["critical == 0"],
    });
    await expect(resolveScanImage({ failOn: "severe" }, { cwd: project })).rejects.toThrow(
      /fail-on: "severe" is not a severity/,
    );
  });
});
