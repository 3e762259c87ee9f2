import type { EnhancedImageScanFinding, ImageScanFinding, VulnerablePackage } from "@aws-sdk/client-ecr";
import { scoreVector } from "../findings/cvss.js";
import {
  type CvssScore,
  parseSeverityWord,
  type Severity,
  type VulnerabilityFinding,
} from "../findings/types.js";

/** Inspector's package managers, as OSV names their ecosystems. */
const ECOSYSTEM: Record<string, string> = {
  NPM: "npm",
  NODEPKG: "npm",
  YARN: "npm",
  PIP: "PyPI",
  PIPENV: "PyPI",
  POETRY: "PyPI",
  PYTHONPKG: "PyPI",
  GOBINARY: "Go",
  GOMOD: "Go",
  JAR: "Maven",
  POM: "Maven",
  GEMSPEC: "RubyGems",
  BUNDLER: "RubyGems",
  CARGO: "crates.io",
  COMPOSER: "Packagist",
  NUGET: "NuGet",
};

/** Inspector's platform names (`DEBIAN_12`, `ALPINE_LINUX_3_19`, `UBUNTU_22_04`) as OSV ecosystems. */
export function ecosystemOfPlatform(platform: string | undefined): string | undefined {
  if (!platform) return undefined;
  const debian = /^DEBIAN_(\d+)$/.exec(platform);
  if (debian) return `Debian:${debian[1]}`;
  const alpine = /^ALPINE_LINUX_(\d+)_(\d+)$/.exec(platform);
  if (alpine) return `Alpine:v${alpine[1]}.${alpine[2]}`;
  const ubuntu = /^UBUNTU_(\d+)_(\d+)/.exec(platform);
  if (ubuntu) return `Ubuntu:${ubuntu[1]}.${ubuntu[2]}`;
  return undefined;
}

const isObject = <T>(value: T | null | undefined): value is T => typeof value === "object" && value !== null;

/** A list from the wire: anything that is not a list of objects is read as empty. */
function objects<T>(value: readonly T[] | undefined | null): T[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function text(value: unknown, max = 1000): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, max) : undefined;
}

function cvssOf(
  version: string | undefined,
  score: number | undefined,
  vector: string | undefined,
): CvssScore | undefined {
  const fromVector = vector ? scoreVector(vector) : undefined;
  const v = version?.startsWith("3.0")
    ? "3.0"
    : version?.startsWith("3")
      ? "3.1"
      : version?.startsWith("4")
        ? "4.0"
        : version?.startsWith("2")
          ? "2.0"
          : fromVector?.version;
  if (!v) return undefined;
  const s = typeof score === "number" && Number.isFinite(score) ? score : fromVector?.score;
  return { version: v, ...(vector ? { vector } : {}), ...(s !== undefined ? { score: s } : {}) };
}

/** A basic-scanning finding: one vulnerability of one package, without fix information. */
export function mapBasicFinding(f: ImageScanFinding): VulnerabilityFinding | undefined {
  const id = text(f.name, 200);
  if (!id) return undefined;
  const attr = new Map(
    objects(f.attributes).map((a) => [
      typeof a.key === "string" ? a.key : "",
      typeof a.value === "string" ? a.value : "",
    ]),
  );
  const v3 = cvssOf(
    "3.1",
    Number(attr.get("CVSS3_SCORE") ?? Number.NaN),
    attr.get("CVSS3_VECTOR") || undefined,
  );
  const v2 = cvssOf(
    "2.0",
    Number(attr.get("CVSS2_SCORE") ?? Number.NaN),
    attr.get("CVSS2_VECTOR") || undefined,
  );
  const cvss = v3?.score !== undefined ? v3 : v2?.score !== undefined ? v2 : undefined;
  const url = text(f.uri, 2000);
  const title = text(text(f.description)?.split("\n", 1)[0], 300);
  return {
    id,
    aliases: [],
    severity: parseSeverityWord(f.severity) ?? "unknown",
    ...(cvss ? { cvss } : {}),
    package: {
      name: attr.get("package_name") || "(unknown package)",
      version: attr.get("package_version") ?? "",
    },
    fixedVersions: [],
    ...(title ? { title } : {}),
    ...(url ? { url } : {}),
    source: "ecr",
  };
}

function packageVersion(p: { epoch?: unknown; version?: unknown; release?: unknown }): string {
  const epoch = typeof p.epoch === "number" && p.epoch > 0 ? `${p.epoch}:` : "";
  const release = text(p.release, 200);
  return `${epoch}${text(p.version, 200) ?? ""}${release ? `-${release}` : ""}`;
}

/** Inspector writes fixes as `0:1.2-3` and `NotAvailable`. */
function fixedVersion(value: unknown): string | undefined {
  const v = text(value, 200);
  if (!v || /^(NotAvailable|none|n\/a)$/i.test(v)) return undefined;
  return v.replace(/^0:/, "");
}

/** An enhanced-scanning (Amazon Inspector) finding: one finding per vulnerable package it lists. */
export function mapEnhancedFinding(f: EnhancedImageScanFinding): VulnerabilityFinding[] {
  const details = f.packageVulnerabilityDetails;
  const id = text(details?.vulnerabilityId, 200) ?? text(f.title, 200);
  if (!id) return [];
  const severity: Severity =
    parseSeverityWord(f.severity) ?? parseSeverityWord(details?.vendorSeverity) ?? "unknown";
  const scored = f.scoreDetails?.cvss;
  const score = (c: { baseScore?: unknown }) => (typeof c.baseScore === "number" ? c.baseScore : 0);
  const listed = objects(details?.cvss).sort((a, b) => score(b) - score(a));
  const best = listed.find((c) => typeof c.version === "string" && c.version.startsWith("3")) ?? listed[0];
  const cvss =
    isObject(scored) && typeof scored.score === "number"
      ? cvssOf(text(scored.version), scored.score, text(scored.scoringVector))
      : best
        ? cvssOf(
            text(best.version),
            typeof best.baseScore === "number" ? best.baseScore : undefined,
            text(best.scoringVector),
          )
        : undefined;
  const image = objects(f.resources).find((r) => isObject(r.details?.awsEcrContainerImage))?.details
    ?.awsEcrContainerImage;
  const osEcosystem = ecosystemOfPlatform(text(image?.platform));
  const url =
    text(details?.sourceUrl, 2000) ??
    text(f.remediation?.recommendation?.url, 2000) ??
    (Array.isArray(details?.referenceUrls) ? text(details.referenceUrls[0], 2000) : undefined);
  const title = text(f.title, 300) ?? text(text(f.description)?.split("\n", 1)[0], 300);
  const related: unknown[] = Array.isArray(details?.relatedVulnerabilities)
    ? details.relatedVulnerabilities
    : [];
  const aliases = [...new Set(related.filter((a): a is string => typeof a === "string" && a !== id))];
  const listedPackages = objects(details?.vulnerablePackages);
  const packages: VulnerablePackage[] = listedPackages.length > 0 ? listedPackages : [{}];
  return packages.map((p) => {
    const fix = fixedVersion(p.fixedInVersion);
    const manager = text(p.packageManager, 50);
    const ecosystem = manager
      ? Object.hasOwn(ECOSYSTEM, manager)
        ? ECOSYSTEM[manager]
        : manager === "OS"
          ? osEcosystem
          : undefined
      : undefined;
    return {
      id,
      aliases,
      severity,
      ...(cvss ? { cvss } : {}),
      package: {
        name: text(p.name, 300) ?? "(unknown package)",
        version: packageVersion(p),
        ...(ecosystem ? { ecosystem } : {}),
      },
      fixedVersions: fix ? [fix] : [],
      ...(f.fixAvailable === "PARTIAL" ? { fixPartial: true } : {}),
      ...(f.exploitAvailable === "YES"
        ? { exploitAvailable: true }
        : f.exploitAvailable === "NO"
          ? { exploitAvailable: false }
          : {}),
      ...(text(p.sourceLayerHash, 200) ? { layer: text(p.sourceLayerHash, 200) as string } : {}),
      ...(text(p.filePath, 1000) ? { path: (text(p.filePath, 1000) as string).replace(/^\/+/, "") } : {}),
      ...(title ? { title } : {}),
      ...(url ? { url } : {}),
      source: "ecr" as const,
    };
  });
}
