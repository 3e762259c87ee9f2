export { cvss2BaseScore, cvss3BaseScore, cvss4TrivialScore, scoreVector, severityOfCvss } from "./cvss.js";
export { mergeFindings } from "./merge.js";
export {
  type AffectedPackage,
  type CvssScore,
  canonicalId,
  compareFindings,
  type FindingSource,
  findingKey,
  idsOf,
  isSeverity,
  parseSeverityWord,
  SEVERITIES,
  type Severity,
  severityOfScore,
  severityRank,
  type VulnerabilityFinding,
} from "./types.js";
