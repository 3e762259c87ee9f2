import { existsSync } from "node:fs";
import {
  applyOverrides,
  GateError,
  gateSection,
  loadGateSection,
  type ReportSettings,
  reportSettingsOf,
  resolveFrom,
} from "@mlgate/core";
import { z } from "zod";
import { isEcrReference } from "./ecr/reference.js";
import { isSeverity, SEVERITIES, type Severity } from "./findings/types.js";
import { DEFAULT_OSV_CACHE_MAX_AGE_MS } from "./osv/fetch-db.js";
import { DEFAULT_POLICY, type FailRule, type PolicySettings } from "./policy/evaluate.js";
import { SCAN_IMAGE } from "./report/build-report.js";
import { parseDurationMs } from "./report/durations.js";
import type { ScanImageInput } from "./scan-gate.js";

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]]);
const failOn = z.union([severity, z.literal("none")]);
const duration = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*(s|m|min|h|d|w)\s*$/, "a duration such as 90s, 15m, 24h or 7d");

const layerRule = z
  .strictObject({
    "fail-on": failOn.optional().describe("Severity that fails for findings in these layers."),
    "only-fixed": z.boolean().optional().describe("Only findings with a fix fail, in these layers."),
  })
  .describe(
    "What fails for findings in these layers; unset keys follow the section's fail-on and only-fixed.",
  );

/** The `scan-image:` section of mlgate.yml. Paths are relative to the config file. */
export const scanImageSection = gateSection({
  image: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The image: a registry reference (registry.example.com/team/app:1.2), an OCI layout (oci:DIR[:TAG]), a docker-save or OCI archive (path.tar), or an ECR image whose scan findings ECR holds (ecr://REPO:TAG or ecr://ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO@sha256:…).",
    ),
  platform: z
    .string()
    .min(1)
    .optional()
    .describe("os/arch[/variant] to pick from a multi-platform image (default linux/amd64)."),
  "insecure-registry": z
    .boolean()
    .optional()
    .describe("Talk plain HTTP to the registry (a local registry without TLS)."),
  "osv-db": z
    .union([z.string().min(1), z.array(z.string().min(1)).max(50)])
    .optional()
    .describe(
      "OSV database: a directory of OSV JSON files, osv.dev's <ecosystem>/all.zip, or a directory of such zips.",
    ),
  "osv-download": z
    .union([z.literal("auto"), z.array(z.string().min(1)).max(50)])
    .optional()
    .describe(
      "Download OSV databases into osv-cache-dir: `auto` (the ecosystems found in the image), ecosystem names (Debian, Alpine, npm, PyPI) or URLs of zips.",
    ),
  "osv-cache-dir": z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where downloaded OSV databases are cached (cache it with actions/cache). Default .mlgate/osv-cache.",
    ),
  "osv-max-age": duration.optional().describe("Reuse a cached OSV database younger than this (default 24h)."),
  imports: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .describe("Other scanners' reports to judge by the same policy: Trivy JSON, Grype JSON, SARIF 2.1.0."),
  "fail-on": failOn
    .optional()
    .describe(
      "Fail on findings at or above this severity (default high); `none` fails only on always-fail ids.",
    ),
  "only-fixed": z.boolean().optional().describe("Only findings with a known fix fail."),
  "only-new": z.boolean().optional().describe("Only findings that are not in the baseline fail."),
  show: severity
    .optional()
    .describe("List findings at or above this severity (default low); blocking ones are always listed."),
  "always-fail": z
    .array(z.string().min(1).max(200))
    .max(10_000)
    .optional()
    .describe("Vulnerability ids (CVE-…, GHSA-…) that fail whatever their severity, fix, layer or age."),
  "base-layers": z
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .describe("The first N layers belong to the base image."),
  "base-digest": z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/, "a layer digest (sha256:…)")
    .optional()
    .describe(
      "The base image's last layer (blob digest or diff id): it and every layer below belong to the base image.",
    ),
  "base-rules": layerRule.optional().describe("Rules for findings in the base image's layers."),
  "app-rules": layerRule.optional().describe("Rules for findings in the team's own layers."),
  "ignore-file": z
    .string()
    .min(1)
    .optional()
    .describe(
      "Accepted vulnerabilities (YAML): each with id, scope (package, purl or path), reason and expires.",
    ),
  vex: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .describe("OpenVEX documents; their not_affected and fixed statements are honoured."),
  baseline: z
    .string()
    .min(1)
    .optional()
    .describe(
      "A previous scan-image results file (or JSON report) to compare with: new, fixed, unchanged findings.",
    ),
  sbom: z.string().min(1).optional().describe("Write the CycloneDX SBOM of the image here (native scans)."),
  results: z
    .string()
    .min(1)
    .optional()
    .describe("Write every finding, with its policy decision, as JSON here (the next run's baseline)."),
  sarif: z
    .string()
    .min(1)
    .optional()
    .describe("Write code-scanning SARIF here: one category per image, at most 5,000 results."),
  "sarif-location": z
    .string()
    .min(1)
    .optional()
    .describe("Repository file SARIF results point at, e.g. the image's Dockerfile."),
  openvex: z
    .string()
    .min(1)
    .optional()
    .describe("Write the ignore file's entries as an OpenVEX document here."),
  "vex-author": z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe("Author written into the exported OpenVEX document."),
  ecr: z
    .strictObject({
      region: z
        .string()
        .min(1)
        .optional()
        .describe("AWS region of the registry (default: from the reference or AWS_REGION)."),
      timeout: duration.optional().describe("How long to wait for ECR's findings (default 15m)."),
      "poll-interval": duration.optional().describe("Between polls of ECR's scan status (default 5s)."),
    })
    .optional()
    .describe("How ecr:// images are read."),
});

export type ScanImageSection = z.output<typeof scanImageSection>;

/** What the command line or the action inputs say; these win over the config file. Paths relative to cwd. */
export interface ScanImageOverrides {
  image?: string;
  platform?: string;
  insecureRegistry?: boolean;
  osvDb?: string[];
  osvDownload?: string[];
  osvCacheDir?: string;
  osvMaxAge?: string;
  imports?: string[];
  failOn?: string;
  onlyFixed?: boolean;
  onlyNew?: boolean;
  show?: string;
  alwaysFail?: string[];
  baseLayers?: number;
  baseDigest?: string;
  ignoreFile?: string;
  vex?: string[];
  baseline?: string;
  gates?: string[];
  sbom?: string;
  results?: string;
  sarif?: string;
  sarifLocation?: string;
  openvex?: string;
  ecrRegion?: string;
  ecrTimeout?: string;
}

export interface ResolvedScanImage {
  input: ScanImageInput;
  report: ReportSettings;
}

function severityOption(
  value: string | undefined,
  name: string,
  allowNone: boolean,
): Severity | "none" | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (isSeverity(v) || (allowNone && v === "none")) return v as Severity | "none";
  throw new GateError(`${name}: "${value}" is not a severity`, {
    hint: `use one of ${[...SEVERITIES, ...(allowNone ? ["none"] : [])].join(", ")}`,
  });
}

function layerRuleOf(rule: ScanImageSection["base-rules"]): Partial<FailRule> | undefined {
  if (!rule) return undefined;
  return {
    ...(rule["fail-on"] ? { failOn: rule["fail-on"] } : {}),
    ...(rule["only-fixed"] !== undefined ? { onlyFixed: rule["only-fixed"] } : {}),
  };
}

/** Merge the config file's section with overrides into the gate's input. */
export async function resolveScanImage(
  overrides: ScanImageOverrides,
  source: { configPath?: string; cwd: string },
): Promise<ResolvedScanImage> {
  const loaded = await loadGateSection(SCAN_IMAGE, scanImageSection, source);
  const s: ScanImageSection = loaded.section ?? {};
  const inFile = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(loaded.baseDir, p));
  const inCwd = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(source.cwd, p));
  const list = (v: string | string[] | undefined) =>
    v === undefined ? undefined : Array.isArray(v) ? v : [v];
  const given = <T>(values: T[] | undefined) => (values && values.length > 0 ? values : undefined);
  // A registry reference is not a path; only layouts and archives on disk are resolved.
  const imageOf = (v: string | undefined, resolvePath: (p: string | undefined) => string | undefined) => {
    if (v === undefined || isEcrReference(v)) return v;
    const scheme = /^(oci|oci-archive|docker-archive):(?!\/\/)(.+)$/.exec(v);
    if (scheme) return `${scheme[1]}:${resolvePath(scheme[2])}`;
    const local = resolvePath(v) as string;
    return existsSync(local) || /\.(tar|tar\.gz|tgz)$/i.test(v) ? local : v;
  };
  const pick = <T>(flag: T | undefined, file: T | undefined) => flag ?? file;

  const failOnFlag = severityOption(overrides.failOn, "fail-on", true);
  const showFlag = severityOption(overrides.show, "show", false) as Severity | undefined;
  const policy: PolicySettings = {
    failOn: failOnFlag ?? s["fail-on"] ?? DEFAULT_POLICY.failOn,
    onlyFixed: pick(overrides.onlyFixed, s["only-fixed"]) ?? DEFAULT_POLICY.onlyFixed,
    onlyNew: pick(overrides.onlyNew, s["only-new"]) ?? DEFAULT_POLICY.onlyNew,
    show: showFlag ?? s.show ?? DEFAULT_POLICY.show,
    alwaysFail: given(overrides.alwaysFail) ?? s["always-fail"] ?? [],
  };
  const base = layerRuleOf(s["base-rules"]);
  const app = layerRuleOf(s["app-rules"]);
  if (base || app) policy.layers = { ...(base ? { base } : {}), ...(app ? { app } : {}) };

  const merged = applyOverrides(
    {
      image: imageOf(s.image, inFile),
      osvDb: list(s["osv-db"])?.map((p) => resolveFrom(loaded.baseDir, p)),
      imports: s.imports?.map((p) => resolveFrom(loaded.baseDir, p)),
      gates: s.gates,
    },
    {
      image: imageOf(overrides.image, inCwd),
      osvDb: given(overrides.osvDb)?.map((p) => resolveFrom(source.cwd, p)),
      imports: given(overrides.imports)?.map((p) => resolveFrom(source.cwd, p)),
      gates: given(overrides.gates),
    },
  );
  const download =
    given(overrides.osvDownload) ?? (s["osv-download"] === "auto" ? ["auto"] : s["osv-download"]);
  const maxAge = pick(overrides.osvMaxAge, s["osv-max-age"]);
  const ecrTimeout = pick(overrides.ecrTimeout, s.ecr?.timeout);
  const ecrRegion = pick(overrides.ecrRegion, s.ecr?.region);
  const platform = pick(overrides.platform, s.platform);
  const baseLayers = pick(overrides.baseLayers, s["base-layers"]);
  const baseDigest = pick(overrides.baseDigest, s["base-digest"]);
  const ignoreFile = inCwd(overrides.ignoreFile) ?? inFile(s["ignore-file"]);
  const vex =
    given(overrides.vex)?.map((p) => resolveFrom(source.cwd, p)) ??
    s.vex?.map((p) => resolveFrom(loaded.baseDir, p));
  const baseline = inCwd(overrides.baseline) ?? inFile(s.baseline);
  const sarifLocation = pick(overrides.sarifLocation, s["sarif-location"]);
  const outputs = {
    sbom: inCwd(overrides.sbom) ?? inFile(s.sbom),
    results: inCwd(overrides.results) ?? inFile(s.results),
    sarif: inCwd(overrides.sarif) ?? inFile(s.sarif),
    openvex: inCwd(overrides.openvex) ?? inFile(s.openvex),
  };
  const input: ScanImageInput = {
    ...(merged.image ? { image: merged.image } : {}),
    ...(platform ? { platform } : {}),
    ...(pick(overrides.insecureRegistry, s["insecure-registry"]) ? { insecureRegistry: true } : {}),
    ...(merged.osvDb?.length ? { osvDb: merged.osvDb } : {}),
    ...(download?.length
      ? {
          osvDownload: {
            sources: download,
            cacheDir:
              inCwd(overrides.osvCacheDir) ??
              inFile(s["osv-cache-dir"]) ??
              resolveFrom(source.cwd, ".mlgate/osv-cache"),
            maxAgeMs: maxAge ? parseDurationMs(maxAge, "osv-max-age") : DEFAULT_OSV_CACHE_MAX_AGE_MS,
          },
        }
      : {}),
    ...(merged.imports?.length ? { imports: merged.imports } : {}),
    policy,
    ...(baseLayers !== undefined || baseDigest !== undefined
      ? {
          base: {
            ...(baseLayers !== undefined ? { count: baseLayers } : {}),
            ...(baseDigest ? { digest: baseDigest } : {}),
          },
        }
      : {}),
    ...(ignoreFile ? { ignoreFile } : {}),
    ...(vex?.length ? { vex } : {}),
    ...(baseline ? { baseline } : {}),
    gates: merged.gates ?? [],
    ...Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined)),
    ...(sarifLocation ? { sarifLocation } : {}),
    ...(s["vex-author"] ? { vexAuthor: s["vex-author"] } : {}),
    ecr: {
      ...(ecrRegion ? { region: ecrRegion } : {}),
      ...(ecrTimeout ? { timeoutMs: parseDurationMs(ecrTimeout, "ecr timeout") } : {}),
      ...(s.ecr?.["poll-interval"]
        ? { pollIntervalMs: parseDurationMs(s.ecr["poll-interval"], "ecr poll-interval") }
        : {}),
    },
  };
  return { input, report: reportSettingsOf(s.report, loaded.baseDir) };
}
