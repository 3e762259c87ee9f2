import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { findingKey, isSeverity, type VulnerabilityFinding } from "../findings/types.js";

/** A previous scan to compare with: the base branch's, or the last promoted digest's. */
export interface Baseline {
  file: string;
  image?: string;
  digest?: string;
  findings: VulnerabilityFinding[];
  /** Counts by severity as that scan reported them (for delta() gates). */
  counts: Record<string, number>;
  notes: string[];
}

export const RESULTS_SCHEMA = "https://mlgate.dev/schemas/scan-image-results/v1";

function asFinding(value: unknown): VulnerabilityFinding | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const pkg = v.package as Record<string, unknown> | undefined;
  if (typeof v.id !== "string" || typeof pkg?.name !== "string") return undefined;
  return {
    id: v.id,
    aliases: Array.isArray(v.aliases) ? v.aliases.filter((a): a is string => typeof a === "string") : [],
    severity: typeof v.severity === "string" && isSeverity(v.severity) ? v.severity : "unknown",
    package: {
      name: pkg.name,
      version: typeof pkg.version === "string" ? pkg.version : "",
      ...(typeof pkg.ecosystem === "string" ? { ecosystem: pkg.ecosystem } : {}),
      ...(typeof pkg.purl === "string" ? { purl: pkg.purl } : {}),
    },
    fixedVersions: Array.isArray(v.fixedVersions)
      ? v.fixedVersions.filter((a): a is string => typeof a === "string")
      : [],
    ...(typeof v.layer === "string" ? { layer: v.layer } : {}),
    ...(typeof v.path === "string" ? { path: v.path } : {}),
    ...(typeof v.title === "string" ? { title: v.title } : {}),
    source: ["mlgate", "trivy", "grype", "sarif", "ecr"].includes(String(v.source))
      ? (v.source as VulnerabilityFinding["source"])
      : "mlgate",
  };
}

function countsOf(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value !== "object" || value === null) return out;
  for (const [k, v] of Object.entries(value)) {
    const n =
      typeof v === "number"
        ? v
        : typeof v === "object" && v !== null
          ? (v as { value?: unknown }).value
          : undefined;
    if (typeof n === "number" && Number.isFinite(n)) out[k] = n;
  }
  return out;
}

/**
 * Read a baseline: the results JSON scan-image writes (every finding), or its report JSON (the
 * findings it listed, which may be capped; the report says so).
 */
export async function readBaseline(file: string, maxBytes = 512 * 1024 * 1024): Promise<Baseline> {
  const json = parseJsonText(await readTextFile(file, "baseline", { maxBytes }), file, "baseline");
  const bad = (what: string) =>
    new GateError(`baseline ${file} ${what}`, {
      location: { file },
      hint: "give a previous scan-image results file (the `results` output) or its JSON report (the `report` output)",
    });
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw bad("is not a JSON object");
  const doc = json as Record<string, unknown>;
  const notes: string[] = [];
  if (doc.schema === RESULTS_SCHEMA) {
    if (!Array.isArray(doc.findings)) throw bad("has no findings list");
    const image = (doc.image ?? {}) as Record<string, unknown>;
    return {
      file,
      ...(typeof image.reference === "string" ? { image: image.reference } : {}),
      ...(typeof image.digest === "string" ? { digest: image.digest } : {}),
      findings: doc.findings.map(asFinding).filter((f): f is VulnerabilityFinding => f !== undefined),
      counts: countsOf(doc.counts),
      notes,
    };
  }
  if (doc.gate === "scan-image" && Array.isArray(doc.findings)) {
    const findings = doc.findings
      .map((f) =>
        typeof f === "object" && f !== null
          ? (f as { properties?: { vulnerability?: unknown } }).properties?.vulnerability
          : undefined,
      )
      .map(asFinding)
      .filter((f): f is VulnerabilityFinding => f !== undefined);
    const outputs = (doc.outputs ?? {}) as Record<string, unknown>;
    const listed = Number(outputs["listed-findings"] ?? findings.length);
    const total = Number(outputs.findings ?? findings.length);
    if (Number.isFinite(total) && total > listed) {
      notes.push(
        `The baseline report ${file} lists ${listed} of its ${total} findings; the others may show as new. Use its results file as the baseline instead.`,
      );
    }
    return {
      file,
      ...(typeof outputs.image === "string" ? { image: outputs.image } : {}),
      ...(typeof outputs.digest === "string" ? { digest: outputs.digest } : {}),
      findings,
      counts: countsOf(doc.metrics),
      notes,
    };
  }
  throw bad("is neither a scan-image results file nor a scan-image report");
}

export type BaselineStatus = "new" | "unchanged";

export interface BaselineComparison {
  statusOf(f: VulnerabilityFinding): BaselineStatus;
  /** Baseline findings no longer present. */
  fixed: VulnerabilityFinding[];
}

/** New / unchanged by finding key (vulnerability + package, not version or layer); fixed = gone since. */
export function compareWithBaseline(
  current: readonly VulnerabilityFinding[],
  baseline: Baseline | undefined,
): BaselineComparison {
  if (!baseline) return { statusOf: () => "new", fixed: [] };
  const before = new Map(baseline.findings.map((f) => [findingKey(f), f]));
  const now = new Set(current.map(findingKey));
  const fixed = [...before].filter(([key]) => !now.has(key)).map(([, f]) => f);
  return { statusOf: (f) => (before.has(findingKey(f)) ? "unchanged" : "new"), fixed };
}
