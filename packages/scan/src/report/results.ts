import { SEVERITIES, type Severity } from "../findings/types.js";
import type { ModelFile } from "../inventory/types.js";
import { RESULTS_SCHEMA } from "../policy/baseline.js";
import type { JudgedFinding, PolicyResult } from "../policy/evaluate.js";
import { severityCounts } from "./build-report.js";

export interface ResultsImage {
  reference: string;
  digest?: string;
  platform?: string;
}

/**
 * Every finding with its policy decision, uncapped: what the next run compares with (`baseline`),
 * and what other tools read. The report lists the shown findings only and caps them.
 */
export function resultsDocument(
  image: ResultsImage,
  result: PolicyResult,
  extra: { sources: string[]; modelFiles: readonly ModelFile[]; now: Date },
): Record<string, unknown> {
  const counts: Record<Severity | "total", number> = { ...severityCounts(result.findings), total: 0 };
  counts.total = SEVERITIES.reduce((sum, s) => sum + counts[s], 0);
  const strip = ({ shown: _shown, ...f }: JudgedFinding) => f;
  return {
    schema: RESULTS_SCHEMA,
    generatedAt: extra.now.toISOString(),
    image,
    sources: extra.sources,
    counts,
    findings: result.findings.map(strip),
    fixed: result.fixed,
    modelFiles: extra.modelFiles,
    ignores: {
      expired: result.expiredIgnores.map(({ id, package: p, purl, path, expires, file, line }) => ({
        id,
        package: p,
        purl,
        path,
        expires,
        file,
        line,
      })),
      unused: result.unusedIgnores.map(({ id, package: p, purl, path, expires, file, line }) => ({
        id,
        package: p,
        purl,
        path,
        expires,
        file,
        line,
      })),
    },
  };
}
