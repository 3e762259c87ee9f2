import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type Finding, GateError, type Metric, parseThresholds, type Report, TOOL } from "@mlgate/core";
import { ecrPullCredentials } from "./ecr/auth.js";
import { createEcrClient, type EcrClientLike } from "./ecr/client.js";
import { ecrRegistryOfHost, isEcrReference, parseEcrReference } from "./ecr/reference.js";
import { scanEcrImage } from "./ecr/scan.js";
import { mergeFindings } from "./findings/merge.js";
import type { VulnerabilityFinding } from "./findings/types.js";
import { openImage } from "./image/open-image.js";
import { parseRegistryReference } from "./image/reference.js";
import type { ImageLimits, ImageSource, RegistryAuth } from "./image/types.js";
import { readImportedReport } from "./import/read.js";
import { buildInventory } from "./inventory/build-inventory.js";
import type { InventoryLimits } from "./inventory/limits.js";
import type { Inventory, ModelFile } from "./inventory/types.js";
import { fetchOsvDatabase, osvEcosystemUrl } from "./osv/fetch-db.js";
import { loadOsvDatabase, type OsvLoadLimits } from "./osv/load.js";
import { matchPackages } from "./osv/match.js";
import { type Baseline, readBaseline } from "./policy/baseline.js";
import { applyPolicy, baseLayerSet, type PolicySettings } from "./policy/evaluate.js";
import { type IgnoreRule, readIgnoreFile } from "./policy/ignore-file.js";
import { ignoresToOpenVex, readOpenVex, type VexImage, type VexStatement } from "./policy/openvex.js";
import { buildScanReport } from "./report/build-report.js";
import { modelFileFindings } from "./report/model-files.js";
import { resultsDocument } from "./report/results.js";
import { scanSarif } from "./report/sarif.js";
import { toCycloneDx } from "./sbom/cyclonedx.js";

export interface ScanImageInput {
  /** Registry reference, `oci:DIR[:TAG]`, archive path, or `ecr://…`; optional when only imports are judged. */
  image?: string;
  platform?: string;
  insecureRegistry?: boolean;
  /** Registry credentials; for ECR registries a token is fetched when none is given. */
  auth?: RegistryAuth;
  /** Local OSV databases (directories, zips). */
  osvDb?: string[];
  /** Download OSV databases: `auto` (the image's ecosystems), ecosystem names, or zip URLs. */
  osvDownload?: { sources: string[]; cacheDir: string; maxAgeMs: number; fetch?: typeof globalThis.fetch };
  /** Trivy JSON, Grype JSON or SARIF reports. */
  imports?: string[];
  policy: PolicySettings;
  /** Which layers are the base image's. */
  base?: { count?: number; digest?: string };
  ignoreFile?: string;
  vex?: string[];
  baseline?: string;
  /** Threshold expressions over the report's metrics (`critical == 0`, `delta(high) <= 0`). */
  gates: string[];
  sbom?: string;
  results?: string;
  sarif?: string;
  /** Repository file SARIF results point at (e.g. the Dockerfile). */
  sarifLocation?: string;
  openvex?: string;
  vexAuthor?: string;
  ecr?: {
    region?: string;
    endpoint?: string;
    timeoutMs?: number;
    pollIntervalMs?: number;
    client?: EcrClientLike;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
  };
  limits?: {
    image?: Partial<ImageLimits>;
    inventory?: Partial<InventoryLimits>;
    osv?: Partial<OsvLoadLimits>;
  };
  now?: Date;
  log?: (line: string) => void;
}

/** Everything one source contributed. */
interface SourceResult {
  name: string;
  findings: VulnerabilityFinding[];
  notes: string[];
  reference?: string;
  digest?: string;
  platform?: string;
  repository?: string;
  /** Layers bottom first, each with the ids it is known by. */
  layers?: string[][];
  inventory?: Inventory;
  sbom?: Record<string, unknown>;
  metrics?: Record<string, Metric>;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Pull credentials for an ECR registry host, when the reference names one and none were given. */
async function registryAuth(input: ScanImageInput, ref: string): Promise<RegistryAuth | undefined> {
  if (input.auth) return input.auth;
  let host: string | undefined;
  try {
    host = parseRegistryReference(ref).registry;
  } catch {
    return undefined;
  }
  const ecr = host ? ecrRegistryOfHost(host) : undefined;
  if (!ecr) return undefined;
  const client =
    input.ecr?.client ??
    createEcrClient({ region: ecr.region, ...(input.ecr?.endpoint ? { endpoint: input.ecr.endpoint } : {}) });
  const credentials = await ecrPullCredentials(client, ecr.registryId);
  input.log?.(
    `ECR: pull token for ${host}${credentials.expiresAt ? ` (valid until ${credentials.expiresAt})` : ""}`,
  );
  return { username: credentials.username, password: credentials.password };
}

/** OSV database paths: the local ones, then downloads (for `auto`, one zip per ecosystem in the inventory). */
async function osvPaths(input: ScanImageInput, inventory: Inventory, notes: string[]): Promise<string[]> {
  const paths = [...(input.osvDb ?? [])];
  if (input.osvDownload) {
    const ecosystems = [...new Set(inventory.packages.map((p) => p.ecosystem))].sort();
    const urls = input.osvDownload.sources.flatMap((s) =>
      s === "auto" ? ecosystems.map(osvEcosystemUrl) : /^https?:\/\//.test(s) ? [s] : [osvEcosystemUrl(s)],
    );
    if (urls.length > 0) {
      const fetched = await fetchOsvDatabase({
        urls: [...new Set(urls)],
        cacheDir: input.osvDownload.cacheDir,
        maxAgeMs: input.osvDownload.maxAgeMs,
        ...(input.osvDownload.fetch ? { fetch: input.osvDownload.fetch } : {}),
        ...(input.log ? { log: input.log } : {}),
      });
      notes.push(...fetched.warnings);
      paths.push(...fetched.files.map((f) => f.path));
      const oldest = fetched.files.map((f) => f.fetchedAt).sort()[0];
      if (oldest) notes.push(`OSV databases downloaded from osv.dev; the oldest copy was fetched ${oldest}.`);
    }
  }
  if (paths.length === 0) {
    throw new GateError("no OSV database to match the image's packages against", {
      hint: "pass --osv-db PATH (a directory or zip of OSV JSON, e.g. https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip), or --osv-download auto",
    });
  }
  return paths;
}

async function nativeScan(input: ScanImageInput, ref: string): Promise<SourceResult> {
  const log = input.log;
  const auth = await registryAuth(input, ref);
  const image: ImageSource = await openImage(ref, {
    ...(auth ? { auth } : {}),
    ...(input.insecureRegistry ? { insecureHttp: true } : {}),
    ...(input.platform ? { platform: input.platform } : {}),
    ...(input.limits?.image ? { limits: input.limits.image } : {}),
    ...(log ? { log } : {}),
  });
  try {
    const inventory = await buildInventory(image, {
      ...(input.limits?.inventory ? { limits: input.limits.inventory } : {}),
      ...(input.base?.count !== undefined ? { baseLayers: input.base.count } : {}),
      ...(log ? { log } : {}),
    });
    const notes: string[] = [];
    const paths = await osvPaths(input, inventory, notes);
    const only = inventory.packages.map((p) => ({ ecosystem: p.ecosystem, name: p.sourceName ?? p.name }));
    // Beside downloaded databases (so actions/cache keeps it), else in the temporary directory.
    const indexDir = input.osvDownload?.cacheDir ?? join(tmpdir(), "mlgate-osv-index");
    const { db, stats } = loadOsvDatabase(paths, {
      only,
      indexDir,
      ...(input.limits?.osv ? { limits: input.limits.osv } : {}),
      ...(log ? { log } : {}),
    });
    const matchStarted = Date.now();
    const matched = matchPackages(inventory.packages, db);
    log?.(
      `matched ${inventory.packages.length} packages: ${matched.findings.length} findings in ${Date.now() - matchStarted} ms`,
    );
    notes.push(
      `Native scan of ${image.reference}: ${inventory.packages.length} packages in ${image.layers.length} layers matched against ${db.advisories} OSV advisories (${stats.documents} documents read, ${stats.skipped} skipped unparsed as they name no installed package).`,
      ...matched.notes,
      ...inventory.notes.slice(0, 10).map((n) => `${n.path}: ${n.message}`),
    );
    if (inventory.unpinned.length > 0) {
      notes.push(
        `${inventory.unpinned.length} requirement(s) are not pinned to one version and could not be matched: ${inventory.unpinned
          .slice(0, 5)
          .map((u) => `${u.name} (${u.path}:${u.line})`)
          .join(", ")}.`,
      );
    }
    return {
      name: "mlgate",
      findings: matched.findings,
      notes,
      reference: image.reference,
      digest: image.digest,
      ...(image.platform ? { platform: image.platform } : {}),
      ...(image.repository ? { repository: image.repository } : {}),
      layers: image.layers.map((l) => [l.digest, ...(l.diffId ? [l.diffId] : [])]),
      inventory,
      sbom: toCycloneDx(inventory, image, { toolVersion: TOOL.version }),
      metrics: {
        packages: {
          value: inventory.packages.length,
          dimension: "count",
          description: "packages in the image",
        },
        model_files: {
          value: inventory.modelFiles.length,
          dimension: "count",
          description: "model files in the image's layers",
        },
        layers: { value: image.layers.length, dimension: "count", description: "layers of the image" },
      },
    };
  } finally {
    await image.close();
  }
}

async function ecrScan(input: ScanImageInput, ref: string): Promise<SourceResult> {
  const parsed = parseEcrReference(ref);
  const region = parsed.region ?? input.ecr?.region;
  const client =
    input.ecr?.client ??
    createEcrClient({
      ...(region ? { region } : {}),
      ...(input.ecr?.endpoint ? { endpoint: input.ecr.endpoint } : {}),
    });
  const result = await scanEcrImage(parsed, {
    client,
    ...(input.ecr?.timeoutMs ? { timeoutMs: input.ecr.timeoutMs } : {}),
    ...(input.ecr?.pollIntervalMs ? { pollIntervalMs: input.ecr.pollIntervalMs } : {}),
    ...(input.ecr?.sleep ? { sleep: input.ecr.sleep } : {}),
    ...(input.ecr?.now ? { now: input.ecr.now } : {}),
    ...(input.log ? { log: input.log } : {}),
  });
  return {
    name: "ecr",
    findings: result.findings,
    notes: [
      `ECR ${result.scanType.toLowerCase()} scanning of ${result.reference}: status ${result.status}${result.completedAt ? `, scanned ${result.completedAt}` : ""}${result.vulnerabilitySourceUpdatedAt ? `, vulnerability data from ${result.vulnerabilitySourceUpdatedAt}` : ""}.`,
      ...result.notes,
    ],
    reference: result.reference,
    digest: result.digest,
    repository: result.repository,
  };
}

/** The image as an OpenVEX product id. */
function vexImage(reference: string, digest: string | undefined, repository: string | undefined): VexImage {
  const name =
    (repository ?? reference.replace(/^[a-z]+:\/\//, "").split(/[:@]/)[0] ?? "image").split("/").pop() ||
    "image";
  return {
    reference,
    ...(digest ? { digest, purl: `pkg:oci/${name.toLowerCase()}@${encodeURIComponent(digest)}` } : {}),
  };
}

/**
 * scan-image: gather findings from the native scan (image → inventory → OSV), ECR, and other
 * scanners' reports; merge them; apply one policy (ignores, VEX, baseline, layer rules, thresholds);
 * write the SBOM, results, SARIF and OpenVEX files asked for; and report.
 */
export async function runScanImage(input: ScanImageInput): Promise<Report> {
  const now = input.now ?? new Date();
  // Bad input fails before any network or image work.
  parseThresholds(input.gates);
  if (!input.image && !input.imports?.length) {
    throw new GateError("nothing to scan: no image and no imported reports", {
      hint: "give an image (registry reference, oci:DIR, archive.tar, or ecr://REPO:TAG) and/or --import FILE",
    });
  }
  if (input.policy.layers?.base && !input.base) {
    throw new GateError("base-image rules are set but the base image's layers are not", {
      hint: "set base-layers (how many bottom layers are the base image's) or base-digest (its last layer)",
    });
  }
  const ignores: IgnoreRule[] = input.ignoreFile ? await readIgnoreFile(input.ignoreFile) : [];
  const vex: VexStatement[] = [];
  for (const file of input.vex ?? []) vex.push(...(await readOpenVex(file)));
  const baseline: Baseline | undefined = input.baseline ? await readBaseline(input.baseline) : undefined;

  const sources: SourceResult[] = [];
  if (input.image)
    sources.push(
      isEcrReference(input.image) ? await ecrScan(input, input.image) : await nativeScan(input, input.image),
    );
  for (const file of input.imports ?? []) {
    const imported = await readImportedReport(file);
    sources.push({
      name: imported.format,
      findings: imported.findings,
      notes: [
        `Imported ${imported.findings.length} findings from ${imported.scanner} (${file})${imported.image ? ` for ${imported.image}` : ""}.`,
        ...imported.notes,
      ],
      ...(imported.image ? { reference: imported.image } : {}),
      ...(imported.digest ? { digest: imported.digest } : {}),
      ...(imported.layers ? { layers: imported.layers.map((l) => [l]) } : {}),
    });
  }

  const judging = Date.now();
  const primary = sources.find((s) => s.reference) ?? sources[0];
  const reference = primary?.reference ?? input.image ?? "the image";
  const digest = sources.find((s) => s.digest)?.digest;
  const native = sources.find((s) => s.inventory);
  const findings = mergeFindings(sources.map((s) => s.findings));
  const layerOrders = sources.flatMap((s) => (s.layers ? [s.layers] : []));
  const baseLayers = input.base ? baseLayerSet(layerOrders, input.base) : undefined;
  const notes = sources.flatMap((s) => s.notes);
  if (input.base && layerOrders.length === 0) {
    notes.push(
      "The base image's layers are set, but no source lists the image's layers; every finding follows the general rules.",
    );
  } else if (input.base?.digest && baseLayers?.size === 0) {
    notes.push(
      `The base digest ${input.base.digest} is not a layer of the image; no layer counts as the base image's.`,
    );
  }
  const image = vexImage(reference, digest, primary?.repository);
  const result = applyPolicy({
    findings,
    settings: input.policy,
    ignores,
    vex,
    image,
    ...(baseline ? { baseline } : {}),
    ...(baseLayers ? { baseLayers } : {}),
    now,
  });

  input.log?.(`merged and judged ${findings.length} findings in ${Date.now() - judging} ms`);
  const writing = Date.now();
  const outputs: Record<string, string> = {};
  const modelFiles: ModelFile[] = native?.inventory?.modelFiles ?? [];
  if (input.sbom) {
    if (native?.sbom) {
      await writeJson(input.sbom, native.sbom);
      outputs.sbom = input.sbom;
    } else notes.push("No SBOM was written: only a native scan of the image inventories its packages.");
  }
  if (input.results) {
    await writeJson(
      input.results,
      resultsDocument(
        {
          reference,
          ...(digest ? { digest } : {}),
          ...(primary?.platform ? { platform: primary.platform } : {}),
        },
        result,
        { sources: sources.map((s) => s.name), modelFiles, now },
      ),
    );
    outputs.results = input.results;
  }
  if (input.sarif) {
    const sorted = [...result.findings].sort((a, b) => Number(b.blocking) - Number(a.blocking));
    const sarif = scanSarif(sorted, {
      image: reference,
      ...(input.sarifLocation ? { locationFile: input.sarifLocation } : {}),
    });
    await writeJson(input.sarif, sarif.sarif);
    outputs.sarif = input.sarif;
    outputs["sarif-category"] = sarif.category;
    if (sarif.dropped > 0) {
      notes.push(
        `SARIF keeps ${sarif.results} results (GitHub's limit is 5,000 per run); ${sarif.dropped} less severe findings were left out of it.`,
      );
    }
  }
  if (input.openvex) {
    await writeJson(
      input.openvex,
      ignoresToOpenVex(ignores, image, {
        author: input.vexAuthor ?? "mlgate scan-image",
        now,
        used: result.ignoreUse,
        tooling: `mlgate ${TOOL.version}`,
      }),
    );
    outputs.openvex = input.openvex;
  }

  if (Object.keys(outputs).length > 0)
    input.log?.(`wrote ${Object.keys(outputs).join(", ")} in ${Date.now() - writing} ms`);
  const layerIndex = new Map<string, number>();
  for (const order of layerOrders) {
    order.forEach((ids, i) => {
      for (const id of ids) layerIndex.set(id, i + 1);
    });
  }
  const extraFindings: Finding[] = modelFileFindings(modelFiles, (d) => layerIndex.get(d));
  const extraMetrics = Object.assign({}, ...sources.map((s) => s.metrics ?? {})) as Record<string, Metric>;
  const reporting = Date.now();
  const report = buildScanReport({
    image: reference,
    ...(digest ? { digest } : {}),
    policy: input.policy,
    result,
    ...(baseline ? { baselineCounts: baseline.counts } : {}),
    hasBaseline: baseline !== undefined,
    gates: input.gates,
    extraFindings,
    extraMetrics,
    notes,
    outputs,
    layerNumber: (d) => layerIndex.get(d),
    now,
  });
  input.log?.(`built the report in ${Date.now() - reporting} ms`);
  return report;
}
