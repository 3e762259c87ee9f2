/**
 * The one model every source's findings are read into: the native scan (OSV), ECR, Trivy, Grype and
 * SARIF imports. The policy, the baseline comparison and the report only ever see this shape.
 */

/** Highest first. `negligible` covers ECR's INFORMATIONAL and Grype's Negligible; `unknown` ranks lowest. */
export type Severity = "critical" | "high" | "medium" | "low" | "negligible" | "unknown";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "negligible", "unknown"];

export type FindingSource = "mlgate" | "trivy" | "grype" | "sarif" | "ecr";

export interface CvssScore {
  version: "2.0" | "3.0" | "3.1" | "4.0";
  vector?: string;
  /** Base score, when known (computed from the vector for v2 and v3, as given by the source otherwise). */
  score?: number;
}

export interface AffectedPackage {
  name: string;
  version: string;
  /** OSV ecosystem (`Debian:12`, `npm`, `PyPI`), when the source says. */
  ecosystem?: string;
  purl?: string;
}

export interface VulnerabilityFinding {
  /** The advisory's own id: `CVE-2024-1234`, `GHSA-…`, `DSA-5532-1`, `PYSEC-…`. */
  id: string;
  /** Other ids of the same vulnerability (CVE ids above all). */
  aliases: string[];
  severity: Severity;
  cvss?: CvssScore;
  package: AffectedPackage;
  /** Versions that fix it; empty when no fix is known. */
  fixedVersions: string[];
  /** A fix exists for some but not all of the affected packages (ECR enhanced scanning says so). */
  fixPartial?: boolean;
  /** A public exploit is known (ECR enhanced scanning). */
  exploitAvailable?: boolean;
  /** Digest of the image layer that brought the package in. */
  layer?: string;
  /** Path inside the image (or the scanned file) where the package was found. */
  path?: string;
  title?: string;
  url?: string;
  source: FindingSource;
  /** Other sources that reported the same finding. */
  alsoReportedBy?: FindingSource[];
}

const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, negligible: 1, unknown: 0 };

export function severityRank(severity: Severity): number {
  return RANK[severity];
}

export function isSeverity(text: string): text is Severity {
  return Object.hasOwn(RANK, text);
}

const SYNONYMS: Record<string, Severity> = {
  critical: "critical",
  high: "high",
  important: "high",
  medium: "medium",
  moderate: "medium",
  low: "low",
  negligible: "negligible",
  informational: "negligible",
  info: "negligible",
  none: "negligible",
  unimportant: "negligible",
  unknown: "unknown",
  undefined: "unknown",
  untriaged: "unknown",
  "not yet assigned": "unknown",
  unassigned: "unknown",
};

/** A scanner's severity word (`HIGH`, `Moderate`, `INFORMATIONAL`, Debian's `unimportant`), or undefined. */
export function parseSeverityWord(text: unknown): Severity | undefined {
  if (typeof text !== "string") return undefined;
  return SYNONYMS[text.trim().toLowerCase()];
}

/** Severity of a CVSS v3/v4 base score (v2 has no critical band, but scores ≥ 9 are treated alike). */
export function severityOfScore(score: number): Severity {
  if (!Number.isFinite(score)) return "unknown";
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score > 0) return "low";
  return "negligible";
}

const CVE = /^CVE-\d{4}-\d{4,}$/i;

/** The id findings are compared by: the first CVE among the id and its aliases, else the id. */
export function canonicalId(f: Pick<VulnerabilityFinding, "id" | "aliases">): string {
  if (CVE.test(f.id)) return f.id.toUpperCase();
  const cve = f.aliases.find((a) => CVE.test(a));
  return cve ? cve.toUpperCase() : f.id;
}

/** Every id a finding answers to, upper-cased: its id and aliases. */
export function idsOf(f: Pick<VulnerabilityFinding, "id" | "aliases">): string[] {
  return [f.id, ...f.aliases].map((id) => id.toUpperCase());
}

/** Ecosystem without its release suffix: `Debian:12` → `debian`. */
function ecosystemBase(ecosystem: string | undefined): string {
  return (ecosystem ?? "").split(":", 1)[0]?.toLowerCase() ?? "";
}

/**
 * What stays the same when an image is rebuilt: the vulnerability and the package (not its version,
 * not the layer). Two scans' findings with the same key are the same finding, "unchanged".
 */
export function findingKey(f: Pick<VulnerabilityFinding, "id" | "aliases" | "package">): string {
  return `${canonicalId(f)}|${ecosystemBase(f.package.ecosystem)}|${f.package.name.toLowerCase()}`;
}

/** Plain code-unit order: the same on every machine, unlike locale collation. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Worst first: severity, then a fix exists, then id and package, so every listing is stable. */
export function compareFindings(a: VulnerabilityFinding, b: VulnerabilityFinding): number {
  return compareWithIds(a, canonicalId(a), b, canonicalId(b));
}

function compareWithIds(a: VulnerabilityFinding, idA: string, b: VulnerabilityFinding, idB: string): number {
  return (
    RANK[b.severity] - RANK[a.severity] ||
    (b.cvss?.score ?? -1) - (a.cvss?.score ?? -1) ||
    Number(b.fixedVersions.length > 0) - Number(a.fixedVersions.length > 0) ||
    byText(idA, idB) ||
    byText(a.package.name, b.package.name) ||
    byText(a.package.version, b.package.version)
  );
}

/**
 * Sort in place by `first`, then in compareFindings' order: the same result as sorting with them, with
 * each finding's canonical id worked out once instead of at every comparison.
 */
export function sortFindings<T extends VulnerabilityFinding>(list: T[], first?: (a: T, b: T) => number): T[] {
  const keyed = list.map((f) => ({ f, id: canonicalId(f) }));
  keyed.sort((a, b) => first?.(a.f, b.f) || compareWithIds(a.f, a.id, b.f, b.id));
  for (let i = 0; i < keyed.length; i++) list[i] = (keyed[i] as { f: T }).f;
  return list;
}
