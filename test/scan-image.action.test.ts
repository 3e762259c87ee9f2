/**
 * scan-image's committed bundle, run as the GitHub runner runs it, against a loopback GitHub API: an
 * OCI image built by code in the workspace, a small OSV database made for the test, imported reports;
 * outputs, SBOM, SARIF, job summary, the sticky PR comment and the exit status. The command line runs
 * the same gate through `scanImageCommand`.
 */
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Report } from "@mlgate/core";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanImageCommand } from "../packages/cli/src/commands/scan-image.js";
import { writeExampleImage } from "../packages/scan/test/fixtures/images/example.js";
import {
  EXAMPLE_EXTRA_ADVISORIES,
  FIXTURE_ADVISORIES,
  writeOsvZip,
} from "../packages/scan/test/fixtures/osv.js";
import { TRIVY_REPORT } from "../packages/scan/test/fixtures/scanner-reports.js";
import { type FakeGitHub, pullRequestEvent, runAction, startFakeGitHub } from "./harness/index.js";

const ACTION = resolve(import.meta.dirname, "../actions/scan-image");
const PR = 11;

let github: FakeGitHub;
let workspace: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  workspace = await mkdtemp(join(tmpdir(), "mlgate-scan-action-"));
  await writeExampleImage(join(workspace, "image"));
  writeOsvZip(join(workspace, "osv", "all.zip"), [...FIXTURE_ADVISORIES, ...EXAMPLE_EXTRA_ADVISORIES]);
  await writeFile(join(workspace, "trivy.json"), JSON.stringify(TRIVY_REPORT));
  await mkdir(join(workspace, "security"));
  await writeFile(
    join(workspace, "security", "ignore.yml"),
    [
      "ignores:",
      "  - id: CVE-2024-0001",
      "    package: libssl3",
      "    reason: TLS is terminated at the load balancer",
      "    expires: 2099-12-31",
      "  - id: CVE-2024-0001",
      "    package: openssl",
      "    reason: the openssl command is never run in the container",
      "    expires: 2099-12-31",
      "",
    ].join("\n"),
  );
});

afterAll(async () => {
  await github.close();
});

const comments = () => github.comments("acme", "models", PR);

describe("scan-image action", () => {
  it("fails on the image's criticals, with outputs, SBOM, SARIF, summary and one sticky comment", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: PR }),
      inputs: {
        image: "oci:image:serving",
        "osv-db": "osv/all.zip",
        "fail-on": "high",
        sbom: "out/sbom.cdx.json",
        sarif: "out/scan.sarif",
        "registry-username": "ci",
        "registry-password": "hunter2-registry-secret",
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    expect(run.outputs.verdict).toBe("fail");
    expect(run.outputs).toMatchObject({
      critical: "2",
      high: "0",
      medium: "1",
      low: "1",
      blocking: "2",
      new: "5",
    });
    expect(run.outputs.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(run.outputs.headline).toMatch(/^2 blocking vulnerabilities in /);
    expect(run.failedMessage).toBe(run.outputs.headline);
    expect(run.secretsMasked).toContain("hunter2-registry-secret");
    // Only the mask command itself carries it.
    expect(run.stdout.split("\n").filter((l) => l.includes("hunter2-registry-secret"))).toEqual([
      "::add-mask::hunter2-registry-secret",
    ]);

    const sbom = JSON.parse(await readFile(join(workspace, "out/sbom.cdx.json"), "utf8")) as {
      bomFormat: string;
    };
    expect(run.outputs.sbom).toBe(join(workspace, "out/sbom.cdx.json"));
    expect(sbom.bomFormat).toBe("CycloneDX");
    const sarif = JSON.parse(await readFile(run.outputs.sarif ?? "", "utf8")) as {
      runs: { automationDetails: { id: string }; results: unknown[] }[];
    };
    expect(sarif.runs[0]?.automationDetails.id).toBe(`mlgate/${run.outputs["sarif-category"]}/`);
    expect(sarif.runs[0]?.results.length).toBe(4);
    const results = JSON.parse(await readFile(run.outputs.results ?? "", "utf8")) as { findings: unknown[] };
    expect(results.findings).toHaveLength(5);

    const report = JSON.parse(await readFile(run.outputs.report ?? "", "utf8")) as Report;
    expect(report).toMatchObject({ gate: "scan-image", verdict: "fail" });
    expect(run.summary).toContain("CVE-2024-0001");
    expect(run.summary).toContain("classifier.pkl");
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.body).toContain("CVE-2024-0001");
  });

  it("passes with a warning once the ignore file accepts the criticals; the same comment is updated", async () => {
    const firstId = comments()[0]?.id;
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      event: pullRequestEvent({ number: PR }),
      inputs: {
        image: "oci:image:serving",
        "osv-db": "osv/all.zip",
        "ignore-file": "security/ignore.yml",
        import: "trivy.json",
        "fail-on": "critical",
        openvex: "out/ignores.openvex.json",
      },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.verdict).toBe("warn");
    expect(run.outputs.blocking).toBe("0");
    // Trivy's lodash and curl findings join the native ones.
    expect(run.outputs.high).toBe("1");
    const vex = JSON.parse(await readFile(run.outputs.openvex ?? "", "utf8")) as { statements: unknown[] };
    expect(vex.statements).toHaveLength(2);
    expect(comments()).toHaveLength(1);
    expect(comments()[0]?.id).toBe(firstId);
  });

  it("ends in an error verdict that says what to fix when there is no OSV database", async () => {
    const run = await runAction(ACTION, { github, cwd: workspace, inputs: { image: "oci:image:serving" } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs.headline).toMatch(/no OSV database .* — pass --osv-db PATH/);
  });

  it("names the input that is wrong", async () => {
    const run = await runAction(ACTION, {
      github,
      cwd: workspace,
      inputs: { image: "oci:image:serving", "fail-on": "severe" },
    });
    expect(run.outputs.verdict).toBe("error");
    expect(run.outputs.headline).toMatch(
      /input "fail-on": expected one of critical, high, medium, low, negligible, unknown, none; got "severe"/,
    );
  });
});

describe("mlgate scan-image (command line)", () => {
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    let code = 0;
    const io = {
      stdout: (t: string) => {
        stdout += t;
      },
      stderr: (t: string) => {
        stderr += t;
      },
      cwd: workspace,
      colorDefault: false,
    };
    const program = new Command("mlgate").exitOverride().addCommand(
      scanImageCommand(io, (c) => {
        code = c;
      }),
    );
    await program.parseAsync(["scan-image", ...args], { from: "user" });
    return { code, stdout, stderr };
  }

  it("scans the layout, writes the results, and judges a second run against them as the baseline", async () => {
    const first = await cli([
      "oci:image:serving",
      "--osv-db",
      "osv/all.zip",
      "--results",
      "out/cli-results.json",
      "--format",
      "json",
      "--no-progress",
    ]);
    expect(first.code).toBe(1);
    expect((JSON.parse(first.stdout) as Report).outputs?.new).toBe("5");
    const second = await cli([
      "oci:image:serving",
      "--osv-db",
      "osv/all.zip",
      "--baseline",
      "out/cli-results.json",
      "--only-new",
      "--format",
      "json",
    ]);
    expect(second.code, second.stdout).toBe(0);
    const report = JSON.parse(second.stdout) as Report;
    expect(report.outputs).toMatchObject({ new: "0", fixed: "0", blocking: "0", critical: "2" });
    expect(second.stderr).toMatch(/scan-image OSV database .*all\.zip: \d+ advisories/);
  });

  it("exits 2 with the reason on bad input", async () => {
    const run = await cli(["--import", "missing.json"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/scan report not found: .*missing\.json/);
  });
});
