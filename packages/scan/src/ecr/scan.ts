import {
  DescribeImageScanFindingsCommand,
  type DescribeImageScanFindingsResponse,
  DescribeImagesCommand,
  type EnhancedImageScanFinding,
  GetRegistryScanningConfigurationCommand,
  type ImageDetail,
  type ImageScanFinding,
  StartImageScanCommand,
} from "@aws-sdk/client-ecr";
import { GateError } from "@mlgate/core";
import {
  parseSeverityWord,
  SEVERITIES,
  type Severity,
  type VulnerabilityFinding,
} from "../findings/types.js";
import { awsErrorName, type EcrClientLike, ecrError } from "./client.js";
import { mapBasicFinding, mapEnhancedFinding } from "./map.js";
import { type EcrReference, formatEcrReference } from "./reference.js";
import { meaningOf, statusError } from "./statuses.js";

export interface EcrScanOptions {
  client: EcrClientLike;
  /** Between polls of the scan status (default 5 s). */
  pollIntervalMs?: number;
  /** Give up waiting for findings after this long (default 15 min). */
  timeoutMs?: number;
  /** Enhanced scanning: identical consecutive polls needed before the findings count as stable (default 2). */
  stablePolls?: number;
  /** Basic scanning: start a new scan when the last one is older than this (default 24 h, ECR's own limit). */
  rescanAfterMs?: number;
  /** Findings read at most (default 200,000). */
  maxFindings?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

export interface EcrScanResult {
  reference: string;
  registryId?: string;
  repository: string;
  digest: string;
  tags: string[];
  pushedAt?: string;
  scanType: "BASIC" | "ENHANCED";
  status: string;
  completedAt?: string;
  vulnerabilitySourceUpdatedAt?: string;
  /** Whether this run started a basic scan. */
  startedScan: boolean;
  findings: VulnerabilityFinding[];
  /** ECR's own summary of the findings by severity, as reported. */
  reportedCounts: Record<string, number>;
  /** The same counted from the findings read, one per ECR finding. */
  counts: Record<Severity, number>;
  notes: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 1000;
const MAX_PAGES = 10_000;

/** The objects of a list from the wire (a malformed answer reads as fewer findings, never a crash). */
function listOf<T>(value: readonly T[] | undefined): T[] {
  return Array.isArray(value) ? value.filter((x): x is T => typeof x === "object" && x !== null) : [];
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Context {
  client: EcrClientLike;
  ref: EcrReference;
  image: string;
  settings: Required<Omit<EcrScanOptions, "client" | "log">> & { log: (line: string) => void };
}

async function describeImage(ctx: Context): Promise<ImageDetail> {
  const { ref } = ctx;
  try {
    const out = await ctx.client.send(
      new DescribeImagesCommand({
        repositoryName: ref.repository,
        ...(ref.registryId ? { registryId: ref.registryId } : {}),
        imageIds: [ref.digest ? { imageDigest: ref.digest } : { imageTag: ref.tag ?? "latest" }],
      }),
    );
    const detail = out.imageDetails?.[0];
    if (!detail?.imageDigest) throw new GateError(`ECR has no image ${ctx.image}`);
    return detail;
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw ecrError("DescribeImages", ctx.image, e);
  }
}

async function scanType(ctx: Context): Promise<"BASIC" | "ENHANCED"> {
  try {
    const out = await ctx.client.send(new GetRegistryScanningConfigurationCommand({}));
    return out.scanningConfiguration?.scanType === "ENHANCED" ? "ENHANCED" : "BASIC";
  } catch (e) {
    throw ecrError("GetRegistryScanningConfiguration", ctx.image, e);
  }
}

type Page = DescribeImageScanFindingsResponse;

/** One page of findings, or "no-scan" when ECR has never scanned the image. */
async function findingsPage(ctx: Context, digest: string, nextToken?: string): Promise<Page | "no-scan"> {
  try {
    return await ctx.client.send(
      new DescribeImageScanFindingsCommand({
        repositoryName: ctx.ref.repository,
        ...(ctx.ref.registryId ? { registryId: ctx.ref.registryId } : {}),
        imageId: { imageDigest: digest },
        maxResults: PAGE,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
  } catch (e) {
    if (awsErrorName(e) === "ScanNotFoundException") return "no-scan";
    throw ecrError("DescribeImageScanFindings", ctx.image, e);
  }
}

/** Start a basic scan; false when ECR refuses because one already ran in the last 24 hours. */
async function startScan(ctx: Context, digest: string): Promise<boolean> {
  try {
    await ctx.client.send(
      new StartImageScanCommand({
        repositoryName: ctx.ref.repository,
        ...(ctx.ref.registryId ? { registryId: ctx.ref.registryId } : {}),
        imageId: { imageDigest: digest },
      }),
    );
    ctx.settings.log(`ECR: started a basic scan of ${ctx.image}`);
    return true;
  } catch (e) {
    const name = awsErrorName(e);
    if (name === "LimitExceededException") return false;
    if (name === "UnsupportedImageTypeException") {
      throw new GateError(`${ctx.image}: ECR cannot scan this image type (UnsupportedImageTypeException)`, {
        hint: "scan it natively instead: give the registry reference without ecr://",
        cause: e,
      });
    }
    throw ecrError("StartImageScan", ctx.image, e);
  }
}

/** A fingerprint of what a poll saw; equal fingerprints in a row mean the findings have settled. */
function fingerprint(page: Page): string {
  const f = page.imageScanFindings;
  return JSON.stringify([
    page.imageScanStatus?.status,
    f?.imageScanCompletedAt?.toISOString(),
    f?.vulnerabilitySourceUpdatedAt?.toISOString(),
    Object.entries(f?.findingSeverityCounts ?? {}).sort(),
    (f?.findings?.length ?? 0) + (f?.enhancedFindings?.length ?? 0),
    page.nextToken ? 1 : 0,
  ]);
}

/**
 * Read an image's findings from ECR. Resolves the tag to a digest, reads the registry's scan type,
 * starts a basic scan only when none ran in the last 24 hours, polls until the findings are stable
 * (COMPLETE for basic scanning; for enhanced scanning, ACTIVE with the same summary twice in a row —
 * the SDK's waiter would wait for COMPLETE forever), then pages through every finding.
 */
export async function scanEcrImage(ref: EcrReference, options: EcrScanOptions): Promise<EcrScanResult> {
  const settings = {
    pollIntervalMs: options.pollIntervalMs ?? 5000,
    timeoutMs: options.timeoutMs ?? 15 * 60 * 1000,
    stablePolls: Math.max(1, options.stablePolls ?? 2),
    rescanAfterMs: options.rescanAfterMs ?? DAY_MS,
    maxFindings: options.maxFindings ?? 200_000,
    now: options.now ?? Date.now,
    sleep: options.sleep ?? sleepFor,
    log: options.log ?? (() => {}),
  };
  const ctx: Context = { client: options.client, ref, image: formatEcrReference(ref), settings };
  const started = settings.now();
  const notes: string[] = [];

  const detail = await describeImage(ctx);
  const digest = detail.imageDigest as string;
  if (!ref.digest) ctx.image = `${ctx.image} (${digest.slice(0, 19)}…)`;
  const type = await scanType(ctx);
  settings.log(
    `ECR: ${ctx.image} uses ${type.toLowerCase()} scanning; status ${detail.imageScanStatus?.status ?? "none"}`,
  );

  let startedScan = false;
  if (type === "BASIC") {
    const last = detail.imageScanFindingsSummary?.imageScanCompletedAt?.getTime();
    const running = ["IN_PROGRESS", "PENDING"].includes(detail.imageScanStatus?.status ?? "");
    const fresh = last !== undefined && settings.now() - last < settings.rescanAfterMs;
    if (!running && !fresh) {
      startedScan = await startScan(ctx, digest);
      if (!startedScan) {
        notes.push(
          "ECR refused a new basic scan (LimitExceededException: one scan per image every 24 hours); the last scan's findings are used.",
        );
      }
    } else if (fresh && last !== undefined) {
      notes.push(
        `ECR's basic scan from ${new Date(last).toISOString()} (under 24 hours old) is used; no new scan was started.`,
      );
    }
  }

  // Poll until the status allows reading and the summary has settled.
  let page: Page | "no-scan";
  let previous = "";
  let same = 0;
  for (;;) {
    page = await findingsPage(ctx, digest);
    if (page === "no-scan") {
      if (type === "BASIC" && !startedScan) {
        throw new GateError(`ECR has no scan of ${ctx.image} and refused to start one`, {
          hint: "basic scanning allows one scan per image every 24 hours; retry later, or scan the image natively",
        });
      }
    } else {
      const status = page.imageScanStatus?.status;
      const meaning = meaningOf(status);
      if (meaning.action === "fail") throw statusError(ctx.image, status, page.imageScanStatus?.description);
      if (meaning.action === "ready") {
        if (status === "COMPLETE") break;
        const print = fingerprint(page);
        same = print === previous ? same + 1 : 1;
        previous = print;
        if (same >= settings.stablePolls) break;
      } else settings.log(`ECR: ${meaning.message} (${status ?? "no status"}); waiting`);
    }
    if (settings.now() - started > settings.timeoutMs) {
      const status = page === "no-scan" ? "no scan yet" : (page.imageScanStatus?.status ?? "no status");
      throw new GateError(
        `ECR findings for ${ctx.image} were not ready after ${Math.round(settings.timeoutMs / 1000)} s (last status: ${status})`,
        { hint: "raise the ECR wait timeout (ecr-timeout), or look at the scan in the ECR console" },
      );
    }
    await settings.sleep(settings.pollIntervalMs);
  }

  // Page through every finding.
  const basic: ImageScanFinding[] = listOf(page.imageScanFindings?.findings);
  const enhanced: EnhancedImageScanFinding[] = listOf(page.imageScanFindings?.enhancedFindings);
  let token = page.nextToken;
  let pages = 1;
  while (token) {
    if (++pages > MAX_PAGES || basic.length + enhanced.length > settings.maxFindings) {
      throw new GateError(
        `ECR lists more than ${settings.maxFindings} findings for ${ctx.image}; stopped reading`,
      );
    }
    const next = await findingsPage(ctx, digest, token);
    if (next === "no-scan")
      throw new GateError(`ECR's scan of ${ctx.image} disappeared while its findings were read`);
    basic.push(...listOf(next.imageScanFindings?.findings));
    enhanced.push(...listOf(next.imageScanFindings?.enhancedFindings));
    token = next.nextToken;
  }

  // Recount: ECR's summary can lag behind (or, for enhanced scanning, count differently).
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of [...basic, ...enhanced]) counts[parseSeverityWord(f.severity) ?? "unknown"]++;
  const reportedCounts: Record<string, number> = { ...(page.imageScanFindings?.findingSeverityCounts ?? {}) };
  const reportedTotal = Object.values(reportedCounts).reduce((a, b) => a + (b ?? 0), 0);
  if (reportedTotal !== basic.length + enhanced.length) {
    notes.push(
      `ECR's summary counts ${reportedTotal} findings but ${basic.length + enhanced.length} were read; the report uses the findings read.`,
    );
  }
  const findings = [
    ...basic.map(mapBasicFinding).filter((f): f is VulnerabilityFinding => f !== undefined),
    ...enhanced.flatMap(mapEnhancedFinding),
  ];
  const summary = page.imageScanFindings;
  settings.log(`ECR: read ${basic.length + enhanced.length} findings in ${pages} page(s)`);
  return {
    reference: ctx.image,
    ...(detail.registryId ? { registryId: detail.registryId } : {}),
    repository: ref.repository,
    digest,
    tags: detail.imageTags ?? [],
    ...(detail.imagePushedAt ? { pushedAt: detail.imagePushedAt.toISOString() } : {}),
    scanType: type,
    status: page.imageScanStatus?.status ?? "unknown",
    ...(summary?.imageScanCompletedAt ? { completedAt: summary.imageScanCompletedAt.toISOString() } : {}),
    ...(summary?.vulnerabilitySourceUpdatedAt
      ? { vulnerabilitySourceUpdatedAt: summary.vulnerabilitySourceUpdatedAt.toISOString() }
      : {}),
    startedScan,
    findings,
    reportedCounts,
    counts,
    notes,
  };
}
