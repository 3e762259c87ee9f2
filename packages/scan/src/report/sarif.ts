import { TOOL } from "@mlgate/core";
import { canonicalId, type Severity } from "../findings/types.js";
import type { JudgedFinding } from "../policy/evaluate.js";

/** GitHub code scanning keeps at most this many results per run (it rejects larger uploads). */
export const SARIF_MAX_RESULTS = 5000;

/** GitHub reads `security-severity` to rank alerts: a CVSS score, or the middle of the severity's band. */
const BAND_SCORE: Record<Severity, number> = {
  critical: 9.5,
  high: 8,
  medium: 5.5,
  low: 2,
  negligible: 0.5,
  unknown: 0,
};

export interface ScanSarifOptions {
  /** What was scanned; its name gives the category, one per image. */
  image: string;
  /** Where results point in the repository (e.g. the image's Dockerfile); default the path inside the image. */
  locationFile?: string;
  maxResults?: number;
}

export interface ScanSarif {
  sarif: Record<string, unknown>;
  results: number;
  /** Findings left out by the size guard (the least severe). */
  dropped: number;
  category: string;
}

/** `registry:5000/team/app:1.0@sha256:…` → `registry-5000-team-app-1-0`: stable per image across digests. */
export function imageCategory(image: string): string {
  const withoutDigest = image.replace(/@sha256:[a-f0-9]+$/, "");
  return `scan-image/${withoutDigest
    .replace(/^[a-z]+:\/\//, "")
    .replace(/[^A-Za-z0-9._/-]+/g, "-")
    .replace(/\/+/g, "-")
    .slice(0, 120)}`;
}

function level(f: JudgedFinding): "error" | "warning" | "note" {
  if (f.blocking) return "error";
  if (f.suppressed) return "note";
  return "warning";
}

/**
 * Findings as SARIF 2.1.0 for code scanning: one rule per vulnerability, one run whose category names
 * the image (so several images of one repository keep separate alerts), partial fingerprints that
 * survive rebuilds, accepted findings as suppressed results. At most 5,000 results: the worst are kept
 * and the run says how many were dropped.
 */
export function scanSarif(findings: readonly JudgedFinding[], options: ScanSarifOptions): ScanSarif {
  const max = options.maxResults ?? SARIF_MAX_RESULTS;
  const listed = findings.filter((f) => f.shown || f.blocking);
  // Callers sort worst first; keep blocking ones ahead of everything whatever the sort.
  const ordered = [...listed.filter((f) => f.blocking), ...listed.filter((f) => !f.blocking)];
  const kept = ordered.slice(0, max);
  const dropped = ordered.length - kept.length;
  const category = imageCategory(options.image);
  const rules: Record<string, unknown>[] = [];
  const ruleIndex = new Map<string, number>();
  const results = kept.map((f) => {
    const id = canonicalId(f);
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(id, index);
      const score = f.cvss?.score ?? BAND_SCORE[f.severity];
      rules.push({
        id,
        name: id,
        shortDescription: { text: f.title ?? `${id} in ${f.package.name}` },
        ...(f.url ? { helpUri: f.url } : {}),
        help: {
          text: `${id}${f.aliases.length ? ` (${f.aliases.join(", ")})` : ""}: ${f.title ?? "a known vulnerability"}.`,
        },
        properties: {
          "security-severity": score.toFixed(1),
          tags: ["security", "vulnerability", f.severity],
          precision: "very-high",
        },
      });
    }
    const fix = f.fixedVersions.length ? `fixed in ${f.fixedVersions.join(", ")}` : "no fix available";
    const uri = options.locationFile ?? f.path ?? "Dockerfile";
    return {
      ruleId: id,
      ruleIndex: index,
      level: level(f),
      message: {
        text: `${id} in ${f.package.name} ${f.package.version} (${f.severity}${f.cvss?.score !== undefined ? `, CVSS ${f.cvss.score}` : ""}): ${fix}. Image ${options.image}${f.path ? `, ${f.path}` : ""}.`,
      },
      locations: [{ physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } } }],
      partialFingerprints: { "mlgateFindingKey/v1": f.key },
      ...(f.suppressed
        ? {
            suppressions: [
              { kind: "external", status: "accepted", justification: f.suppressed.reason.slice(0, 1000) },
            ],
          }
        : {}),
      properties: {
        package: f.package.name,
        version: f.package.version,
        ...(f.package.purl ? { purl: f.package.purl } : {}),
        fixedVersions: f.fixedVersions,
        status: f.status,
        source: f.source,
        ...(f.layer ? { layer: f.layer } : {}),
      },
    };
  });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mlgate scan-image",
            version: TOOL.version,
            informationUri: "https://github.com/mlgate/mlgate",
            rules,
          },
        },
        automationDetails: { id: `mlgate/${category}/` },
        results,
        properties: { image: options.image, findings: listed.length, dropped },
      },
    ],
  };
  return { sarif, results: results.length, dropped, category };
}
