import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeError } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import type { VulnerabilityFinding } from "../../src/findings/index.js";
import {
  applyPolicy,
  baseLayerSet,
  DEFAULT_POLICY,
  type IgnoreRule,
  ignoresToOpenVex,
  parseOpenVex,
  purlMatches,
  RESULTS_SCHEMA,
  readBaseline,
  readIgnoreFile,
} from "../../src/policy/index.js";

const dir = mkdtempSync(join(tmpdir(), "mlgate-policy-"));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const NOW = new Date("2025-03-01T12:00:00Z");
const IMAGE = {
  reference: "registry:5000/team/app:1.0",
  digest: `sha256:${"c".repeat(64)}`,
  purl: `pkg:oci/app@sha256%3A${"c".repeat(64)}`,
};

function finding(
  id: string,
  severity: VulnerabilityFinding["severity"],
  pkg: string,
  extra: Partial<VulnerabilityFinding> = {},
): VulnerabilityFinding {
  return {
    id,
    aliases: [],
    severity,
    package: {
      name: pkg,
      version: "1.0",
      ecosystem: "Debian:12",
      purl: `pkg:deb/debian/${pkg}@1.0?arch=amd64`,
    },
    fixedVersions: [],
    layer: "sha256:base",
    path: "var/lib/dpkg/status",
    source: "mlgate",
    ...extra,
  };
}

const FINDINGS = [
  finding("CVE-2024-0001", "critical", "openssl", { fixedVersions: ["1.1"] }),
  finding("CVE-2024-0002", "critical", "zlib1g"),
  finding("CVE-2024-0003", "high", "curl", { layer: "sha256:app", fixedVersions: ["2.0"] }),
  finding("CVE-2024-0004", "medium", "bash", { layer: "sha256:app" }),
  finding("CVE-2024-0005", "low", "tar"),
  finding("CVE-2024-0006", "unknown", "gzip"),
];

const judge = (settings = {}, extra = {}) =>
  applyPolicy({
    findings: FINDINGS,
    settings: { ...DEFAULT_POLICY, ...settings },
    image: IMAGE,
    now: NOW,
    ...extra,
  });
const blocking = (r: ReturnType<typeof judge>) => r.findings.filter((f) => f.blocking).map((f) => f.id);
const shown = (r: ReturnType<typeof judge>) => r.findings.filter((f) => f.shown).map((f) => f.id);

describe("what fails and what is shown", () => {
  it("fails on severity at or above the threshold, shows down to the show threshold", () => {
    const r = judge({ failOn: "high", show: "medium" });
    expect(blocking(r)).toEqual(["CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003"]);
    expect(shown(r)).toEqual(["CVE-2024-0001", "CVE-2024-0002", "CVE-2024-0003", "CVE-2024-0004"]);
    expect(r.findings[2]?.because).toBe("high >= high");
  });

  it("fails only on fixable findings when asked", () => {
    expect(blocking(judge({ failOn: "high", onlyFixed: true }))).toEqual(["CVE-2024-0001", "CVE-2024-0003"]);
  });

  it("never fails on unknown severity, and `none` never fails on severity", () => {
    expect(blocking(judge({ failOn: "unknown" }))).not.toContain("CVE-2024-0006");
    expect(blocking(judge({ failOn: "none" }))).toEqual([]);
  });

  it("always fails listed CVEs, matched by id or alias, whatever else applies", () => {
    const withAlias = [...FINDINGS, finding("DSA-5000-1", "low", "xz", { aliases: ["CVE-2024-3094"] })];
    const r = applyPolicy({
      findings: withAlias,
      settings: { ...DEFAULT_POLICY, failOn: "none", alwaysFail: ["cve-2024-3094", "CVE-2024-0005"] },
      image: IMAGE,
      now: NOW,
    });
    expect(blocking(r)).toEqual(["CVE-2024-0005", "DSA-5000-1"]);
    expect(r.findings.find((f) => f.id === "DSA-5000-1")?.because).toBe("listed in always-fail");
  });

  it("applies separate rules to base-image layers and the team's own", () => {
    const orders = [[["sha256:base", "sha256:base-diff"], ["sha256:app"]]];
    const baseLayers = baseLayerSet(orders, { count: 1 });
    expect([...baseLayers]).toEqual(["sha256:base", "sha256:base-diff"]);
    const r = judge(
      {
        failOn: "high",
        layers: { base: { failOn: "critical", onlyFixed: true }, app: { failOn: "medium" } },
      },
      { baseLayers },
    );
    expect(blocking(r)).toEqual(["CVE-2024-0001", "CVE-2024-0003", "CVE-2024-0004"]);
    expect(r.findings.map((f) => f.layerKind)).toEqual(["base", "base", "app", "app", "base", "base"]);
    const byDigest = judge(
      { layers: { base: { failOn: "none" } } },
      { baseLayers: baseLayerSet(orders, { digest: "sha256:base-diff" }) },
    );
    expect(blocking(byDigest)).toEqual(["CVE-2024-0003"]);
  });
});

describe("only new findings against a baseline", () => {
  it("reports new / unchanged / fixed and blocks only the new ones", async () => {
    const baselineFile = write(
      "baseline.json",
      JSON.stringify({
        schema: RESULTS_SCHEMA,
        image: { reference: "app:0.9", digest: "sha256:old" },
        counts: { critical: 2 },
        findings: [
          // Same vulnerability and package at another version: unchanged.
          {
            ...finding("CVE-2024-0001", "critical", "openssl"),
            package: { name: "openssl", version: "0.9", ecosystem: "Debian:12" },
          },
          finding("CVE-2023-9999", "high", "libxml2"),
        ],
      }),
    );
    const baseline = await readBaseline(baselineFile);
    const r = judge({ onlyNew: true }, { baseline });
    expect(r.findings.map((f) => `${f.id}:${f.status}`)).toEqual([
      "CVE-2024-0001:unchanged",
      "CVE-2024-0002:new",
      "CVE-2024-0003:new",
      "CVE-2024-0004:new",
      "CVE-2024-0005:new",
      "CVE-2024-0006:new",
    ]);
    expect(blocking(r)).toEqual(["CVE-2024-0002", "CVE-2024-0003"]);
    expect(r.fixed.map((f) => f.id)).toEqual(["CVE-2023-9999"]);
    expect(baseline.counts).toEqual({ critical: 2 });
  });

  it("reads a scan-image JSON report as a baseline and says when it was capped", async () => {
    const report = {
      schemaVersion: 1,
      gate: "scan-image",
      findings: [
        {
          rule: "vulnerability",
          level: "fail",
          message: "x",
          properties: { vulnerability: finding("CVE-2024-0002", "critical", "zlib1g") },
        },
      ],
      metrics: { critical: { value: 1 } },
      outputs: { findings: "7", "listed-findings": "1" },
    };
    const baseline = await readBaseline(write("report.json", JSON.stringify(report)));
    expect(baseline.findings.map((f) => f.id)).toEqual(["CVE-2024-0002"]);
    expect(baseline.counts).toEqual({ critical: 1 });
    expect(baseline.notes[0]).toMatch(/lists 1 of its 7 findings/);
    await expect(readBaseline(write("other.json", "{}"))).rejects.toThrow(
      /neither a scan-image results file nor a scan-image report/,
    );
  });
});

describe("ignore file", () => {
  const file = () =>
    write(
      "ignore.yml",
      `# accepted risks
ignores:
  - id: CVE-2024-0001
    package: openssl
    reason: only reachable through a CLI we do not ship
    expires: 2025-06-30
    by: alice
  - id: CVE-2024-0002
    purl: pkg:deb/debian/zlib1g
    reason: the vulnerable inflate path is never used
    expires: 2025-02-28
  - id: CVE-2024-0003
    path: var/lib/dpkg
    reason: curl is only used at build time here
    expires: 2025-03-01
    justification: vulnerable_code_not_in_execute_path
  - id: CVE-2020-1111
    package: nothing
    reason: left over from an older image
    expires: 2026-01-01
`,
    );

  it("suppresses what entries scope, fails expired ones, reports unused ones", async () => {
    const ignores = await readIgnoreFile(file());
    expect(ignores.map((i) => i.line)).toEqual([3, 8, 12, 17]);
    const r = judge({ failOn: "high" }, { ignores });
    expect(
      r.findings.filter((f) => f.suppressed).map((f) => `${f.id}:${f.suppressed?.by}:${f.suppressed?.line}`),
    ).toEqual([
      "CVE-2024-0001:ignore:3",
      // Expires 2025-03-01 and today is 2025-03-01: still applies through the day.
      "CVE-2024-0003:ignore:12",
    ]);
    expect(blocking(r)).toEqual(["CVE-2024-0002"]);
    expect(r.expiredIgnores.map((i) => i.id)).toEqual(["CVE-2024-0002"]);
    expect(r.unusedIgnores.map((i) => i.id)).toEqual(["CVE-2020-1111"]);
  });

  it("requires a scope, a reason and a valid expiry, pointing at the entry", async () => {
    const bad = write("bad.yml", "ignores:\n  - id: CVE-1\n    reason: short\n    expires: 2025-13-01\n");
    const e = await readIgnoreFile(bad).catch((x: unknown) => x);
    expect(describeError(e)).toMatch(
      /bad\.yml:2:5: ignores\[0\]: scope the entry with package, purl or path/,
    );
    const text = (e as Error).message;
    expect(text).toMatch(/bad\.yml:3:13: ignores\[0\]\.reason: must have at least 10 characters/);
    expect(text).toMatch(/bad\.yml:4:14: ignores\[0\]\.expires: must be a valid date/);
    expect(
      describeError(await readIgnoreFile(write("x.yml", "ignore: []\n")).catch((x: unknown) => x)),
    ).toMatch(/ignore/);
  });

  it("exports entries as OpenVEX: not_affected with a justification, affected with the acceptance otherwise", async () => {
    const ignores = await readIgnoreFile(file());
    const r = judge({}, { ignores });
    const doc = ignoresToOpenVex(ignores, IMAGE, {
      author: "team@example.com",
      now: NOW,
      used: r.ignoreUse,
      tooling: "mlgate",
    });
    expect(doc["@context"]).toBe("https://openvex.dev/ns/v0.2.0");
    expect(doc.statements[0]).toEqual({
      vulnerability: { name: "CVE-2024-0001" },
      products: [{ "@id": IMAGE.purl, subcomponents: [{ "@id": "pkg:deb/debian/openssl@1.0?arch=amd64" }] }],
      status: "affected",
      action_statement: "Accepted until 2025-06-30 by alice: only reachable through a CLI we do not ship",
    });
    expect(doc.statements[2]).toMatchObject({
      status: "not_affected",
      justification: "vulnerable_code_not_in_execute_path",
    });
    // What it exports reads back, and honours the same findings.
    const back = parseOpenVex(JSON.parse(JSON.stringify(doc)), "vex.json");
    const again = judge({}, { vex: back });
    expect(again.findings.filter((f) => f.suppressed).map((f) => f.id)).toEqual(["CVE-2024-0003"]);
  });
});

describe("incoming OpenVEX", () => {
  const statement = (
    status: string,
    product: object,
    vulnerability = "CVE-2024-0002",
    timestamp?: string,
  ) => ({
    vulnerability: { name: vulnerability },
    products: [product],
    status,
    ...(status === "not_affected" ? { justification: "component_not_present" } : {}),
    ...(timestamp ? { timestamp } : {}),
  });
  const vex = (...statements: object[]) =>
    parseOpenVex(
      {
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "x",
        author: "vendor",
        timestamp: "2025-01-01T00:00:00Z",
        version: 1,
        statements,
      },
      "vex.json",
    );

  it("honours not_affected and fixed for the image and its subcomponents", () => {
    const r = judge(
      {},
      {
        vex: vex(
          statement("not_affected", {
            "@id": IMAGE.purl,
            subcomponents: [{ "@id": "pkg:deb/debian/zlib1g" }],
          }),
          statement("fixed", { "@id": `pkg:oci/app@${IMAGE.digest}` }, "CVE-2024-0001"),
          statement("affected", { "@id": "pkg:deb/debian/curl" }, "CVE-2024-0003"),
          statement("not_affected", { "@id": "pkg:oci/app@sha256:other" }, "CVE-2024-0004"),
        ),
      },
    );
    expect(r.findings.filter((f) => f.suppressed).map((f) => `${f.id}:${f.suppressed?.reason}`)).toEqual([
      "CVE-2024-0001:fixed",
      "CVE-2024-0002:not_affected (component_not_present)",
    ]);
  });

  it("lets the latest statement decide", () => {
    const product = { "@id": "pkg:deb/debian/zlib1g" };
    const r = judge(
      {},
      {
        vex: vex(
          statement("affected", product, "CVE-2024-0002", "2025-02-01T00:00:00Z"),
          statement("not_affected", product, "CVE-2024-0002", "2025-01-15T00:00:00Z"),
        ),
      },
    );
    expect(r.findings.find((f) => f.id === "CVE-2024-0002")?.suppressed).toBeUndefined();
  });

  it("refuses documents that are not OpenVEX", () => {
    expect(() => parseOpenVex({ statements: [] }, "v.json")).toThrow(/@context should be an OpenVEX context/);
    expect(() => vex({ vulnerability: { name: "X" }, products: [], status: "not_affected" })).toThrow(
      /statements\[0\]\.products should be a non-empty list/,
    );
    expect(() => vex({ vulnerability: { name: "X" }, products: ["a"], status: "maybe" })).toThrow(
      /status should be one of/,
    );
  });
});

describe("purl matching", () => {
  it("matches type, namespace and name; the version only when given; never qualifiers", () => {
    expect(purlMatches("pkg:deb/debian/openssl", "pkg:deb/debian/openssl@3.0?arch=amd64")).toBe(true);
    expect(purlMatches("pkg:deb/debian/openssl@3.0", "pkg:deb/debian/openssl@3.1")).toBe(false);
    expect(purlMatches("pkg:pypi/PyYAML", "pkg:pypi/pyyaml@5.3.1")).toBe(true);
    expect(purlMatches("pkg:npm/%40scope/pkg", "pkg:npm/%40scope/pkg@1.0.0")).toBe(true);
    expect(purlMatches("pkg:npm/pkg", "pkg:npm/%40scope/pkg@1.0.0")).toBe(false);
    expect(purlMatches("pkg:deb/ubuntu/openssl", "pkg:deb/debian/openssl@1")).toBe(false);
    expect(purlMatches("not a purl", "pkg:deb/debian/openssl@1")).toBe(false);
  });
});

export type { IgnoreRule };
