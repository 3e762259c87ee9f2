import { scoreVector, severityOfCvss } from "../findings/cvss.js";
import { type CvssScore, parseSeverityWord, type Severity } from "../findings/types.js";
import type { OsvAdvisory, OsvAffected, OsvSeverity } from "./advisory.js";

export interface RatedSeverity {
  severity: Severity;
  cvss?: CvssScore;
  /** Where the severity came from, for the report: `CVSS 3.1`, `database`, `ecosystem`. */
  basis: string;
}

function bestCvss(lists: readonly (readonly OsvSeverity[])[], type: string): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const list of lists) {
    for (const s of list) {
      if (s.type !== type) continue;
      const scored = scoreVector(s.score);
      if (scored?.score !== undefined && (best?.score === undefined || scored.score > best.score))
        best = scored;
      else if (!best && scored) best = scored;
    }
  }
  return best;
}

/**
 * The severity of one advisory for one affected package: a CVSS v3 vector's computed base score
 * first (the entry's own, else the advisory's), then the database's word (GitHub's
 * `database_specific.severity`), the ecosystem's (Debian's urgency, Ubuntu's priority), a CVSS v2
 * score, and a v4 vector only when it states no impact. Otherwise unknown.
 */
export function rateAdvisory(advisory: OsvAdvisory, affected: OsvAffected): RatedSeverity {
  const lists = [affected.severity, advisory.severity];
  const v3 = bestCvss(lists, "CVSS_V3");
  const v3Severity = severityOfCvss(v3);
  if (v3 && v3Severity) return { severity: v3Severity, cvss: v3, basis: `CVSS ${v3.version}` };
  for (const [word, basis] of [
    [advisory.severityWord, "database"],
    [affected.severityWord, "ecosystem"],
    [lists.flat().find((s) => s.type === "Ubuntu")?.score, "Ubuntu priority"],
  ] as const) {
    const severity = parseSeverityWord(word);
    // "not yet assigned" says nothing; keep looking.
    if (severity && severity !== "unknown") return { severity, ...(v3 ? { cvss: v3 } : {}), basis };
  }
  const v2 = bestCvss(lists, "CVSS_V2");
  const v2Severity = severityOfCvss(v2);
  if (v2 && v2Severity) return { severity: v2Severity, cvss: v2, basis: "CVSS 2.0" };
  const v4 = bestCvss(lists, "CVSS_V4");
  const v4Severity = severityOfCvss(v4);
  if (v4 && v4Severity) return { severity: v4Severity, cvss: v4, basis: "CVSS 4.0" };
  return { severity: "unknown", ...(v4 ? { cvss: v4 } : {}), basis: "none" };
}
