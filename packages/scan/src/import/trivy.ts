import { scoreVector } from "../findings/cvss.js";
import { type CvssScore, parseSeverityWord, type VulnerabilityFinding } from "../findings/types.js";
import { Fields, MAX_IMPORTED_FINDINGS } from "./fields.js";
import type { ImportedReport } from "./types.js";

/** Trivy result types (`Results[].Type`) as OSV ecosystems; OS types get the release appended. */
const TYPES: Record<string, string> = {
  debian: "Debian",
  ubuntu: "Ubuntu",
  alpine: "Alpine",
  npm: "npm",
  "node-pkg": "npm",
  yarn: "npm",
  pnpm: "npm",
  pip: "PyPI",
  pipenv: "PyPI",
  poetry: "PyPI",
  uv: "PyPI",
  "python-pkg": "PyPI",
  gomod: "Go",
  gobinary: "Go",
  jar: "Maven",
  pom: "Maven",
  gradle: "Maven",
  cargo: "crates.io",
  "rust-binary": "crates.io",
  composer: "Packagist",
  bundler: "RubyGems",
  gemspec: "RubyGems",
  nuget: "NuGet",
};

/** `Debian` + OS name `12.5` → `Debian:12`; `Alpine` + `3.19.1` → `Alpine:v3.19`. */
export function withRelease(base: string, osName: string | undefined): string {
  if (!osName) return base;
  if (base === "Debian") return `Debian:${osName.split(".")[0]}`;
  if (base === "Alpine") return `Alpine:v${osName.split(".").slice(0, 2).join(".")}`;
  if (base === "Ubuntu") return `Ubuntu:${osName}`;
  return base;
}

function cvssOf(value: unknown): CvssScore | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  let best: CvssScore | undefined;
  // Prefer NVD's, then any vendor's; v3 over v2.
  const vendors = Object.entries(value as Record<string, Record<string, unknown>>).sort(([a], [b]) =>
    a === "nvd" ? -1 : b === "nvd" ? 1 : a.localeCompare(b),
  );
  for (const [, v] of vendors) {
    if (typeof v !== "object" || v === null) continue;
    for (const [vectorKey, scoreKey] of [
      ["V3Vector", "V3Score"],
      ["V2Vector", "V2Score"],
    ] as const) {
      const vector = typeof v[vectorKey] === "string" ? (v[vectorKey] as string) : undefined;
      const given = typeof v[scoreKey] === "number" ? (v[scoreKey] as number) : undefined;
      const scored = vector ? scoreVector(vector) : undefined;
      const candidate: CvssScore | undefined =
        scored || given !== undefined
          ? {
              version: scored?.version ?? (vectorKey === "V3Vector" ? "3.1" : "2.0"),
              ...(vector ? { vector } : {}),
              ...((given ?? scored?.score) !== undefined
                ? { score: (given ?? scored?.score) as number }
                : {}),
            }
          : undefined;
      if (candidate && (!best || (best.version === "2.0" && candidate.version !== "2.0"))) best = candidate;
    }
    if (best && best.version !== "2.0") break;
  }
  return best;
}

/** Trivy's JSON report (`trivy image --format json`, schema version 2): `Results[].Vulnerabilities[]`. */
export function readTrivy(json: unknown, file: string): ImportedReport {
  const f = new Fields(file, "Trivy report");
  const root = f.object(json, "the document");
  const metadata =
    root.Metadata && typeof root.Metadata === "object" ? (root.Metadata as Record<string, unknown>) : {};
  const os = metadata.OS && typeof metadata.OS === "object" ? (metadata.OS as Record<string, unknown>) : {};
  const osName = typeof os.Name === "string" ? os.Name : undefined;
  const findings: VulnerabilityFinding[] = [];
  const results = f.list(root.Results, "Results", 100_000);
  results.forEach((r, i) => {
    const result = f.object(r, `Results[${i}]`);
    const target = f.optionalString(result.Target, `Results[${i}].Target`);
    const type = f.optionalString(result.Type, `Results[${i}].Type`);
    const cls = f.optionalString(result.Class, `Results[${i}].Class`);
    const base = type ? TYPES[type] : undefined;
    const ecosystem = base
      ? cls === "os-pkgs" || ["Debian", "Alpine", "Ubuntu"].includes(base)
        ? withRelease(base, osName)
        : base
      : undefined;
    f.list(result.Vulnerabilities, `Results[${i}].Vulnerabilities`, MAX_IMPORTED_FINDINGS).forEach((v, j) => {
      const at = `Results[${i}].Vulnerabilities[${j}]`;
      const o = f.object(v, at);
      const id = f.string(o.VulnerabilityID, `${at}.VulnerabilityID`);
      const name = f.string(o.PkgName, `${at}.PkgName`);
      const version = f.optionalString(o.InstalledVersion, `${at}.InstalledVersion`) ?? "";
      const fixed = f.optionalString(o.FixedVersion, `${at}.FixedVersion`);
      const identifier =
        o.PkgIdentifier && typeof o.PkgIdentifier === "object"
          ? (o.PkgIdentifier as Record<string, unknown>)
          : {};
      const purl = f.optionalString(identifier.PURL, `${at}.PkgIdentifier.PURL`);
      const layer = o.Layer && typeof o.Layer === "object" ? (o.Layer as Record<string, unknown>) : {};
      // Diff ids, as Metadata.DiffIDs lists the layers in order; the blob digest when that is all there is.
      const layerDigest =
        f.optionalString(layer.DiffID, `${at}.Layer.DiffID`) ??
        f.optionalString(layer.Digest, `${at}.Layer.Digest`);
      const path = f.optionalString(o.PkgPath, `${at}.PkgPath`) ?? (cls === "lang-pkgs" ? target : undefined);
      const title = f.optionalString(o.Title, `${at}.Title`);
      const url = f.optionalString(o.PrimaryURL, `${at}.PrimaryURL`);
      const cvss = cvssOf(o.CVSS);
      const aliases = f
        .list(o.VendorIDs, `${at}.VendorIDs`, 1000)
        .filter((x): x is string => typeof x === "string" && x !== id);
      findings.push({
        id,
        aliases,
        severity: parseSeverityWord(o.Severity) ?? "unknown",
        ...(cvss ? { cvss } : {}),
        package: { name, version, ...(ecosystem ? { ecosystem } : {}), ...(purl ? { purl } : {}) },
        fixedVersions: fixed ? fixed.split(/\s*,\s*/).filter(Boolean) : [],
        ...(layerDigest ? { layer: layerDigest } : {}),
        ...(path ? { path: path.replace(/^\/+/, "") } : {}),
        ...(title ? { title } : {}),
        ...(url ? { url } : {}),
        source: "trivy",
      });
      if (findings.length > MAX_IMPORTED_FINDINGS)
        f.fail("Results", `at most ${MAX_IMPORTED_FINDINGS} vulnerabilities`);
    });
  });
  const repoDigest = f
    .list(metadata.RepoDigests, "Metadata.RepoDigests", 1000)
    .find((d): d is string => typeof d === "string" && d.includes("@sha256:"));
  const image = f.optionalString(root.ArtifactName, "ArtifactName");
  const layers = f
    .list(metadata.DiffIDs, "Metadata.DiffIDs", 10_000)
    .filter((d): d is string => typeof d === "string");
  return {
    file,
    format: "trivy",
    scanner: "Trivy",
    ...(image ? { image } : {}),
    ...(repoDigest ? { digest: repoDigest.slice(repoDigest.indexOf("@") + 1) } : {}),
    ...(layers.length > 0 ? { layers } : {}),
    findings,
    notes: [],
  };
}
