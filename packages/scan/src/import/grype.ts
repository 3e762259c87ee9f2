import { scoreVector } from "../findings/cvss.js";
import { type CvssScore, parseSeverityWord, type VulnerabilityFinding } from "../findings/types.js";
import { Fields, MAX_IMPORTED_FINDINGS } from "./fields.js";
import type { ImportedReport } from "./types.js";

/** Grype artifact types as OSV ecosystems. */
const TYPES: Record<string, string> = {
  deb: "Debian",
  apk: "Alpine",
  npm: "npm",
  python: "PyPI",
  "java-archive": "Maven",
  "go-module": "Go",
  "rust-crate": "crates.io",
  gem: "RubyGems",
  "php-composer": "Packagist",
  dotnet: "NuGet",
};

/** `debian:distro:debian:12` → `Debian:12`; `alpine:distro:alpine:3.19` → `Alpine:v3.19`. */
function ecosystemOf(type: string | undefined, namespace: string | undefined): string | undefined {
  const base = type ? TYPES[type] : undefined;
  const distro = namespace ? /:distro:(debian|ubuntu|alpine):([\d.]+)$/.exec(namespace) : null;
  if (distro) {
    const release = distro[2] as string;
    if (distro[1] === "debian") return `Debian:${release.split(".")[0]}`;
    if (distro[1] === "alpine") return `Alpine:v${release.split(".").slice(0, 2).join(".")}`;
    return `Ubuntu:${release}`;
  }
  return base;
}

function cvssOf(list: unknown[]): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const item of list) {
    if (typeof item !== "object" || item === null) continue;
    const c = item as Record<string, unknown>;
    const vector = typeof c.vector === "string" ? c.vector : undefined;
    const metrics =
      typeof c.metrics === "object" && c.metrics !== null ? (c.metrics as Record<string, unknown>) : {};
    const given = typeof metrics.baseScore === "number" ? metrics.baseScore : undefined;
    const scored = vector ? scoreVector(vector) : undefined;
    const version =
      scored?.version ?? (typeof c.version === "string" && c.version.startsWith("2") ? "2.0" : "3.1");
    const score = given ?? scored?.score;
    const candidate: CvssScore = {
      version,
      ...(vector ? { vector } : {}),
      ...(score !== undefined ? { score } : {}),
    };
    if (!best || (candidate.score ?? -1) > (best.score ?? -1)) best = candidate;
  }
  return best;
}

/** Grype's JSON report (`grype IMAGE -o json`): `matches[]` of vulnerability + artifact. */
export function readGrype(json: unknown, file: string): ImportedReport {
  const f = new Fields(file, "Grype report");
  const root = f.object(json, "the document");
  const findings: VulnerabilityFinding[] = [];
  f.list(root.matches, "matches", MAX_IMPORTED_FINDINGS).forEach((m, i) => {
    const at = `matches[${i}]`;
    const match = f.object(m, at);
    const vuln = f.object(match.vulnerability, `${at}.vulnerability`);
    const artifact = f.object(match.artifact, `${at}.artifact`);
    const id = f.string(vuln.id, `${at}.vulnerability.id`);
    const name = f.string(artifact.name, `${at}.artifact.name`);
    const version = f.optionalString(artifact.version, `${at}.artifact.version`) ?? "";
    const type = f.optionalString(artifact.type, `${at}.artifact.type`);
    const namespace = f.optionalString(vuln.namespace, `${at}.vulnerability.namespace`);
    const purl = f.optionalString(artifact.purl, `${at}.artifact.purl`);
    const fix = vuln.fix && typeof vuln.fix === "object" ? (vuln.fix as Record<string, unknown>) : {};
    const fixedVersions = f
      .list(fix.versions, `${at}.vulnerability.fix.versions`, 1000)
      .filter((v): v is string => typeof v === "string" && v !== "");
    const location = f.list(artifact.locations, `${at}.artifact.locations`, 10_000)[0];
    const loc = location && typeof location === "object" ? (location as Record<string, unknown>) : {};
    const path = f.optionalString(loc.path, `${at}.artifact.locations[0].path`);
    const layer = f.optionalString(loc.layerID, `${at}.artifact.locations[0].layerID`);
    const related = f
      .list(match.relatedVulnerabilities, `${at}.relatedVulnerabilities`, 1000)
      .map((r) => (r && typeof r === "object" ? (r as Record<string, unknown>).id : undefined))
      .filter((r): r is string => typeof r === "string" && r !== id);
    const relatedCvss = f
      .list(match.relatedVulnerabilities, `${at}.relatedVulnerabilities`, 1000)
      .flatMap((r) =>
        r && typeof r === "object" && Array.isArray((r as Record<string, unknown>).cvss)
          ? ((r as Record<string, unknown>).cvss as unknown[])
          : [],
      );
    const cvss = cvssOf(f.list(vuln.cvss, `${at}.vulnerability.cvss`, 100)) ?? cvssOf(relatedCvss);
    const url = f.optionalString(vuln.dataSource, `${at}.vulnerability.dataSource`);
    const title = f
      .optionalString(vuln.description, `${at}.vulnerability.description`)
      ?.split("\n", 1)[0]
      ?.slice(0, 300);
    const ecosystem = ecosystemOf(type, namespace);
    findings.push({
      id,
      aliases: [...new Set(related)],
      severity: parseSeverityWord(vuln.severity) ?? "unknown",
      ...(cvss ? { cvss } : {}),
      package: { name, version, ...(ecosystem ? { ecosystem } : {}), ...(purl ? { purl } : {}) },
      fixedVersions,
      ...(layer ? { layer } : {}),
      ...(path ? { path: path.replace(/^\/+/, "") } : {}),
      ...(title ? { title } : {}),
      ...(url ? { url } : {}),
      source: "grype",
    });
  });
  const source =
    root.source && typeof root.source === "object" ? (root.source as Record<string, unknown>) : {};
  const target =
    source.target && typeof source.target === "object" ? (source.target as Record<string, unknown>) : {};
  const image = typeof target.userInput === "string" ? target.userInput : undefined;
  const digest = typeof target.manifestDigest === "string" ? target.manifestDigest : undefined;
  const layers = (Array.isArray(target.layers) ? target.layers : [])
    .slice(0, 10_000)
    .map((l) => (l && typeof l === "object" ? (l as Record<string, unknown>).digest : undefined))
    .filter((d): d is string => typeof d === "string");
  return {
    file,
    format: "grype",
    scanner: "Grype",
    ...(image ? { image } : {}),
    ...(digest ? { digest } : {}),
    ...(layers.length > 0 ? { layers } : {}),
    findings,
    notes: [],
  };
}
