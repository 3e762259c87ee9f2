import { describeError } from "@mlgate/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  type EcrScanOptions,
  ecrPullCredentials,
  parseEcrReference,
  SCAN_STATUSES,
  scanEcrImage,
} from "../../src/ecr/index.js";
import { basicFindings, DIGEST, defaultState, type FakeEcr, startFakeEcr } from "../fixtures/ecr-server.js";

const NOW = Date.parse("2025-01-01T12:00:00Z");
const REF = parseEcrReference("ecr://team/model-server:1.2.0");

let ecr: FakeEcr | undefined;
afterEach(async () => {
  await ecr?.close();
  ecr = undefined;
});

/** A fake clock the scan's sleeps advance, so polling takes no real time. */
function clock(
  start = NOW,
): Pick<EcrScanOptions, "now" | "sleep" | "pollIntervalMs"> & { elapsed(): number } {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    pollIntervalMs: 5000,
    elapsed: () => t - start,
  };
}

const operations = () => ecr?.calls.map((c) => c.operation) ?? [];

describe("ECR references", () => {
  it("reads the short and the long form", () => {
    expect(parseEcrReference("ecr://team/model-server")).toEqual({
      repository: "team/model-server",
      tag: "latest",
    });
    expect(parseEcrReference(`ecr://123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@${DIGEST}`)).toEqual({
      registryId: "123456789012",
      region: "eu-west-1",
      repository: "app",
      digest: DIGEST,
    });
    expect(() => parseEcrReference("ecr://registry.example.com/app:1")).toThrow(/not an ECR registry host/);
    expect(() => parseEcrReference("ecr://App:1")).toThrow(/not a valid repository name/);
    expect(() => parseEcrReference("ecr://app@sha256:abc")).toThrow(/not a sha256 digest/);
  });
});

describe("ECR scan findings through the real SDK client", () => {
  it("basic scanning: starts a scan when none ran in 24 h, polls to COMPLETE, pages 1000 at a time, recounts", async () => {
    const state = defaultState();
    state.images[0]!.completedAt = NOW / 1000 - 30 * 3600;
    state.statuses = [
      { status: "IN_PROGRESS" },
      { status: "IN_PROGRESS" },
      // ECR's summary lags: it says 2 criticals while 2,500 findings are listed.
      { status: "COMPLETE", counts: { CRITICAL: 2 } },
    ];
    state.findings = basicFindings(2500);
    ecr = await startFakeEcr(state);
    const time = clock();
    const result = await scanEcrImage(REF, { client: ecr.client(), ...time });

    expect(operations()).toEqual([
      "DescribeImages",
      "GetRegistryScanningConfiguration",
      "StartImageScan",
      "DescribeImageScanFindings",
      "DescribeImageScanFindings",
      "DescribeImageScanFindings",
      "DescribeImageScanFindings",
      "DescribeImageScanFindings",
    ]);
    expect(
      ecr.calls
        .filter((c) => c.operation === "DescribeImageScanFindings")
        .map((c) => [c.body.maxResults, c.body.nextToken]),
    ).toEqual([
      [1000, undefined],
      [1000, undefined],
      [1000, undefined],
      [1000, "1000"],
      [1000, "2000"],
    ]);
    expect(time.elapsed()).toBe(10_000);
    expect(result).toMatchObject({
      digest: DIGEST,
      scanType: "BASIC",
      status: "COMPLETE",
      startedScan: true,
      tags: ["1.2.0", "latest"],
    });
    expect(result.findings).toHaveLength(2500);
    expect(result.counts).toEqual({
      critical: 417,
      high: 417,
      medium: 417,
      low: 417,
      negligible: 416,
      unknown: 416,
    });
    expect(result.reportedCounts).toEqual({ CRITICAL: 2 });
    expect(result.notes.join(" ")).toMatch(/summary counts 2 findings but 2500 were read/);
    expect(result.findings[0]).toMatchObject({
      id: "CVE-2024-10000",
      severity: "critical",
      package: { name: "libexample0", version: "1.0.0-1" },
      cvss: { version: "3.1", score: 9.8 },
      fixedVersions: [],
      url: "https://security-tracker.debian.org/tracker/CVE-2024-10000",
      title: "Flaw 0 in libexample.",
      source: "ecr",
    });
  });

  it("basic scanning: reuses a scan from the last 24 h without starting another", async () => {
    const state = defaultState();
    state.images[0]!.completedAt = NOW / 1000 - 3600;
    state.findings = basicFindings(3);
    ecr = await startFakeEcr(state);
    const result = await scanEcrImage(REF, { client: ecr.client(), ...clock() });
    expect(operations()).not.toContain("StartImageScan");
    expect(result.startedScan).toBe(false);
    expect(result.notes[0]).toMatch(/under 24 hours old\) is used/);
  });

  it("basic scanning: LimitExceededException falls back to the last scan, and says so", async () => {
    const state = defaultState();
    state.images[0]!.completedAt = NOW / 1000 - 48 * 3600;
    state.startScan = "limit";
    state.findings = basicFindings(2);
    ecr = await startFakeEcr(state);
    const result = await scanEcrImage(REF, { client: ecr.client(), ...clock() });
    expect(result.findings).toHaveLength(2);
    expect(result.notes[0]).toMatch(/refused a new basic scan \(LimitExceededException/);
  });

  it("basic scanning: LimitExceededException with no scan at all is a clear error", async () => {
    const state = defaultState();
    state.startScan = "limit";
    state.scanExists = false;
    ecr = await startFakeEcr(state);
    await expect(scanEcrImage(REF, { client: ecr.client(), ...clock() })).rejects.toThrow(
      /ECR has no scan of ecr:\/\/team\/model-server:1\.2\.0 .* and refused to start one/,
    );
  });

  it("enhanced scanning: never starts a scan, waits through PENDING, and stops once ACTIVE findings are stable", async () => {
    const state = defaultState();
    state.scanType = "ENHANCED";
    state.statuses = [
      { status: "PENDING" },
      { status: "ACTIVE", counts: { HIGH: 1 } },
      { status: "ACTIVE", counts: { HIGH: 1, CRITICAL: 1 } },
      { status: "ACTIVE", counts: { HIGH: 1, CRITICAL: 1 } },
    ];
    state.enhancedFindings = [
      {
        awsAccountId: "123456789012",
        findingArn: "arn:aws:inspector2:us-east-1:123456789012:finding/1",
        severity: "CRITICAL",
        status: "ACTIVE",
        title: "CVE-2024-3094 - xz-utils",
        type: "PACKAGE_VULNERABILITY",
        fixAvailable: "YES",
        exploitAvailable: "YES",
        score: 10,
        scoreDetails: {
          cvss: {
            score: 10,
            scoringVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            version: "3.1",
            scoreSource: "NVD",
          },
        },
        packageVulnerabilityDetails: {
          vulnerabilityId: "CVE-2024-3094",
          relatedVulnerabilities: ["DSA-5649-1"],
          source: "DEBIAN_CVE",
          sourceUrl: "https://security-tracker.debian.org/tracker/CVE-2024-3094",
          vendorSeverity: "high",
          vulnerablePackages: [
            {
              name: "liblzma5",
              version: "5.6.0",
              release: "0.1",
              epoch: 0,
              packageManager: "OS",
              fixedInVersion: "0:5.6.1+really5.4.5-1",
              sourceLayerHash: "sha256:base",
              filePath: "/var/lib/dpkg/status",
            },
            {
              name: "xz-utils",
              version: "5.6.0",
              release: "0.1",
              epoch: 0,
              packageManager: "OS",
              fixedInVersion: "NotAvailable",
              sourceLayerHash: "sha256:base",
            },
          ],
        },
        resources: [
          {
            type: "AWS_ECR_CONTAINER_IMAGE",
            id: "arn:…",
            details: { awsEcrContainerImage: { platform: "DEBIAN_12", imageHash: DIGEST } },
          },
        ],
      },
      {
        severity: "HIGH",
        fixAvailable: "PARTIAL",
        exploitAvailable: "NO",
        title: "GHSA-xxxx - lodash",
        packageVulnerabilityDetails: {
          vulnerabilityId: "GHSA-35jh-r3h4-6jhm",
          relatedVulnerabilities: ["CVE-2021-23337"],
          cvss: [
            {
              baseScore: 7.2,
              scoringVector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
              version: "3.1",
              source: "NVD",
            },
            { baseScore: 6.5, scoringVector: "AV:N/AC:L/Au:S/C:P/I:P/A:P", version: "2.0", source: "NVD" },
          ],
          vulnerablePackages: [
            {
              name: "lodash",
              version: "4.17.20",
              packageManager: "NODEPKG",
              fixedInVersion: "4.17.21",
              filePath: "app/node_modules/lodash/package.json",
              sourceLayerHash: "sha256:app",
            },
          ],
        },
      },
    ];
    ecr = await startFakeEcr(state);
    const time = clock();
    const result = await scanEcrImage(REF, { client: ecr.client(), ...time });
    expect(operations()).not.toContain("StartImageScan");
    expect(operations().filter((o) => o === "DescribeImageScanFindings")).toHaveLength(4);
    expect(result).toMatchObject({ scanType: "ENHANCED", status: "ACTIVE" });
    expect(result.counts).toMatchObject({ critical: 1, high: 1 });
    expect(result.findings).toEqual([
      {
        id: "CVE-2024-3094",
        aliases: ["DSA-5649-1"],
        severity: "critical",
        cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", score: 10 },
        package: { name: "liblzma5", version: "5.6.0-0.1", ecosystem: "Debian:12" },
        fixedVersions: ["5.6.1+really5.4.5-1"],
        exploitAvailable: true,
        layer: "sha256:base",
        path: "var/lib/dpkg/status",
        title: "CVE-2024-3094 - xz-utils",
        url: "https://security-tracker.debian.org/tracker/CVE-2024-3094",
        source: "ecr",
      },
      expect.objectContaining({
        package: { name: "xz-utils", version: "5.6.0-0.1", ecosystem: "Debian:12" },
        fixedVersions: [],
      }),
      expect.objectContaining({
        id: "GHSA-35jh-r3h4-6jhm",
        aliases: ["CVE-2021-23337"],
        package: { name: "lodash", version: "4.17.20", ecosystem: "npm" },
        cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", score: 7.2 },
        fixedVersions: ["4.17.21"],
        fixPartial: true,
        exploitAvailable: false,
        layer: "sha256:app",
      }),
    ]);
  });

  it.each(
    Object.entries(SCAN_STATUSES)
      .filter(([, m]) => m.action === "fail")
      .map(([status]) => status),
  )("status %s ends with a clear error", async (status) => {
    const state = defaultState();
    state.scanType = "ENHANCED";
    state.statuses = [{ status, description: `described ${status}` }];
    ecr = await startFakeEcr(state);
    const error = await scanEcrImage(REF, { client: ecr.client(), ...clock() }).catch((e: unknown) => e);
    const text = describeError(error);
    expect(text).toContain(`[${status}] (described ${status})`);
    expect(text).toContain(SCAN_STATUSES[status]!.message);
    expect(text).toContain(" — ");
  });

  it("gives up after the timeout while the scan stays IN_PROGRESS", async () => {
    const state = defaultState();
    state.statuses = [{ status: "IN_PROGRESS" }];
    ecr = await startFakeEcr(state);
    const time = clock();
    await expect(scanEcrImage(REF, { client: ecr.client(), ...time, timeoutMs: 60_000 })).rejects.toThrow(
      /not ready after 60 s \(last status: IN_PROGRESS\)/,
    );
    expect(time.elapsed()).toBeLessThanOrEqual(65_000);
  });

  it("names the AWS error and what to do for missing images, repositories and permissions", async () => {
    ecr = await startFakeEcr();
    await expect(
      scanEcrImage(parseEcrReference("ecr://team/model-server:nope"), { client: ecr.client(), ...clock() }),
    ).rejects.toThrow(
      /ECR DescribeImages for ecr:\/\/team\/model-server:nope failed: ImageNotFoundException/,
    );
    await expect(
      scanEcrImage(parseEcrReference("ecr://team/other:1"), { client: ecr.client(), ...clock() }),
    ).rejects.toThrow(/RepositoryNotFoundException/);
    ecr.state.errors.GetRegistryScanningConfiguration = "AccessDeniedException";
    const denied = await scanEcrImage(REF, { client: ecr.client(), ...clock() }).catch((e: unknown) => e);
    expect(describeError(denied)).toMatch(/AccessDeniedException.* — grant the role ecr:DescribeImages/);
  });

  it("UnsupportedImageTypeException from StartImageScan says to scan natively", async () => {
    const state = defaultState();
    state.startScan = "unsupported";
    state.scanExists = false;
    ecr = await startFakeEcr(state);
    await expect(scanEcrImage(REF, { client: ecr.client(), ...clock() })).rejects.toThrow(
      /cannot scan this image type/,
    );
  });

  it("reads pull credentials from GetAuthorizationToken", async () => {
    ecr = await startFakeEcr();
    await expect(ecrPullCredentials(ecr.client(), "123456789012")).resolves.toEqual({
      username: "AWS",
      password: "secret-registry-password",
      expiresAt: "2025-01-01T14:53:20.000Z",
    });
    expect(ecr.calls.at(-1)?.body).toEqual({ registryIds: ["123456789012"] });
  });
});
