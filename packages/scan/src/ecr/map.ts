import type { EnhancedImageScanFinding, ImageScanFinding } from "@aws-sdk/client-ecr";
import { scoreVector } from "../findings/cvss.js";
import { type CvssScore, parseSeverityWord, type Severity, type VulnerabilityFinding } from "../findings/types.js";

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

function text(value: unknown, max = 1000): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, max) : undefined;
}

function cvssOf(version: string | undefined, score: number | undefined, vector: string | undefined): CvssScore | undefined {
  const fromVector = vector ? scoreVector(vector) : undefined;
  const v = version?.startsWith("3.0") ? "3.0" : version?.startsWith("3") ? "3.1" : version?.startsWith("4") ? "4.0" : version?.startsWith("2") ? "2.0" : fromVector?.version;
  if (!v) return undefined;
  const s = typeof score === "number" && Number.isFinite(score) ? score : fromVector?.score;
  return { version: v, ...(vector ? { vector } : {}), ...(s !== undefined ? { score: s } : {}) };
}

/** A basic-scanning finding: one vulnerability of one package, without fix information. */
export function mapBasicFinding(f: ImageScanFinding): VulnerabilityFinding | undefined {
  const id = text(f.name, 200);
  if (!id) return undefined;
  const attr = new Map((f.attributes ?? []).map((a) => [a.key ?? "", a.value ?? ""]));
  const v3 = cvssOf("3.1", Number(attr.get("CVSS3_SCORE") ?? Number.NaN), attr.get("CVSS3_VECTOR") || undefined);
  const v2 = cvssOf("2.0", Number(attr.get("CVSS2_SCORE") ?? Number.NaN), attr.get("CVSS2_VECTOR") || undefined);
  const cvss = v3?.score !== undefined ? v3 : v2?.score !== undefined ? v2 : undefined;
  const url = text(f.uri, 2000);
  const title = text(f.description?.split("\n", 1)[0], 300);
  return {
    id,
    aliases: [],
    severity: parseSeverityWord(f.severity) ?? "unknown",
    ...(cvss ? { cvss } : {}),
    package: { name: attr.get("package_name") || "(unknown package)", version: attr.get("package_version") ?? "" },
    fixedVersions: [],
    ...(title ? { title } : {}),
    ...(url ? { url } : {}),
    source: "ecr",
  };
}

function packageVersion(p: { epoch?: number | undefined; version?: string | undefined; release?: string | undefined }): string {
  const epoch = p.epoch && p.epoch > 0 ? `${p.epoch}:` : "";
  return `${epoch}${p.version ?? ""}${p.release ? `-${p.release}` : ""}`;
}

/** Inspector writes fixes as `0:1.2-3` and `NotAvailable`. */
function fixedVersion(value: string | undefined): string | undefined {
  const v = text(value, 200);
  if (!v || /^(NotAvailable|none|n\/a)$/i.test(v)) return undefined;
  return v.replace(/^0:/, "");
}

/** An enhanced-scanning (Amazon Inspector) finding: one finding per vulnerable package it lists. */
export function mapEnhancedFinding(f: EnhancedImageScanFinding): VulnerabilityFinding[] {
  const details = f.packageVulnerabilityDetails;
  const id = text(details?.vulnerabilityId, 200) ?? text(f.title, 200);
  if (!id) return [];
  const severity: Severity = parseSeverityWord(f.severity) ?? parseSeverityWord(details?.vendorSeverity) ?? "unknown";
  const scored = f.scoreDetails?.cvss;
  const listed = [...(details?.cvss ?? [])].sort((a, b) => (b.baseScore ?? 0) - (a.baseScore ?? 0));
  const best = listed.find((c) => c.version?.startsWith("3")) ?? listed[0];
  const cvss = scored?.score !== undefined ? cvssOf(scored.version, scored.score, scored.scoringVector) : best ? cvssOf(best.version, best.baseScore, best.scoringVector) : undefined;
  const image = f.resources?.find((r) => r.details?.awsEcrContainerImage)?.details?.awsEcrContainerImage;
  const osEcosystem = ecosystemOfPlatform(image?.platform);
  const url = text(details?.sourceUrl, 2000) ?? text(f.remediation?.recommendation?.url, 2000) ?? text(details?.referenceUrls?.[0], 2000);
  const title = text(f.title, 300) ?? text(f.description?.split("\n", 1)[0], 300);
  const aliases = [...new Set((details?.relatedVulnerabilities ?? []).filter((a) => typeof a === "string" && a !== id))];
  const packages = details?.vulnerablePackages?.length ? details.vulnerablePackages : [{}];
  return packages.map((p) => {
    const fix = fixedVersion(p.fixedInVersion);
    const ecosystem = p.packageManager ? (ECOSYSTEM[p.packageManager] ?? (p.packageManager === "OS" ? osEcosystem : undefined)) : undefined;
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
      ...(f.exploitAvailable === "YES" ? { exploitAvailable: true } : f.exploitAvailable === "NO" ? { exploitAvailable: false } : {}),
      ...(text(p.sourceLayerHash, 200) ? { layer: text(p.sourceLayerHash, 200) as string } : {}),
      ...(text(p.filePath, 1000) ? { path: (text(p.filePath, 1000) as string).replace(/^\/+/, "") } : {}),
      ...(title ? { title } : {}),
      ...(url ? { url } : {}),
      source: "ecr" as const,
    };
  });
}
