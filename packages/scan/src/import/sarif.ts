import {
  parseSeverityWord,
  type Severity,
  severityOfScore,
  type VulnerabilityFinding,
} from "../findings/types.js";
import { Fields, MAX_IMPORTED_FINDINGS } from "./fields.js";
import type { ImportedReport } from "./types.js";

/** Vulnerability ids found inside a rule id such as `CVE-2023-1234-openssl` or `GHSA-…`. */
const VULN_ID =
  /\b(CVE-\d{4}-\d{4,}|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|PYSEC-\d{4}-\d+|RUSTSEC-\d{4}-\d{4}|GO-\d{4}-\d{4}|(?:DSA|DLA)-\d+-\d+|ALAS\d*-\d{4}-\d+)\b/i;

/** `Package: x` / `Installed Version: y` / `Fixed Version: z` lines (Trivy's SARIF), or Grype's sentence. */
function packageFromText(text: string): { name?: string; version?: string; fixed?: string } {
  const line = (label: string) => new RegExp(`^${label}:\\s*(.+)$`, "im").exec(text)?.[1]?.trim();
  const name = line("Package");
  if (name) return { name, version: line("Installed Version"), fixed: line("Fixed Version") };
  const grype = /reports (\S+) at version (\S+)/.exec(text);
  if (grype) return { name: grype[1], version: grype[2] };
  return {};
}

const LEVEL_SEVERITY: Record<string, Severity> = {
  error: "high",
  warning: "medium",
  note: "low",
  none: "negligible",
};

function securitySeverity(...bags: unknown[]): Severity | undefined {
  for (const bag of bags) {
    if (typeof bag !== "object" || bag === null) continue;
    const value = (bag as Record<string, unknown>)["security-severity"];
    const score = typeof value === "string" ? Number(value) : typeof value === "number" ? value : Number.NaN;
    if (Number.isFinite(score) && score >= 0 && score <= 10) return severityOfScore(score);
  }
  return undefined;
}

function propertyString(bag: unknown, ...keys: string[]): string | undefined {
  if (typeof bag !== "object" || bag === null) return undefined;
  for (const key of keys) {
    const v = (bag as Record<string, unknown>)[key];
    if (typeof v === "string" && v.trim() !== "") return v.trim().slice(0, 1000);
  }
  return undefined;
}

/**
 * SARIF 2.1.0 from any scanner: each result becomes a finding. The vulnerability id is taken from
 * the rule id; the package from result properties or the message (Trivy's and Grype's wording); the
 * severity from `security-severity` (GitHub's convention), else the result's level.
 */
export function readSarif(json: unknown, file: string): ImportedReport {
  const f: Fields = new Fields(file, "SARIF report");
  const root = f.object(json, "the document");
  if (root.version !== "2.1.0") f.fail("version", `"2.1.0" (got ${JSON.stringify(root.version)})`);
  const findings: VulnerabilityFinding[] = [];
  const notes: string[] = [];
  const scanners = new Set<string>();
  let guessed = 0;
  f.list(root.runs, "runs", 1000).forEach((r, i) => {
    const run = f.object(r, `runs[${i}]`);
    const tool = f.object(run.tool, `runs[${i}].tool`);
    const driver = f.object(tool.driver, `runs[${i}].tool.driver`);
    scanners.add(f.optionalString(driver.name, `runs[${i}].tool.driver.name`) ?? "unknown scanner");
    const rules = f
      .list(driver.rules, `runs[${i}].tool.driver.rules`, 100_000)
      .map((x, j) => f.object(x, `runs[${i}].tool.driver.rules[${j}]`));
    const ruleById = new Map(rules.map((rule) => [String(rule.id), rule]));
    f.list(run.results, `runs[${i}].results`, MAX_IMPORTED_FINDINGS).forEach((x, j) => {
      const at = `runs[${i}].results[${j}]`;
      const result = f.object(x, at);
      const ruleId = f.optionalString(result.ruleId, `${at}.ruleId`);
      const ruleIndex = typeof result.ruleIndex === "number" ? result.ruleIndex : undefined;
      const rule =
        (ruleId ? ruleById.get(ruleId) : undefined) ??
        (ruleIndex !== undefined ? rules[ruleIndex] : undefined);
      const idText = ruleId ?? (rule ? String(rule.id) : undefined);
      if (!idText) f.fail(`${at}.ruleId`, "the id of the rule (vulnerability) the result reports");
      const message =
        result.message && typeof result.message === "object"
          ? (result.message as Record<string, unknown>)
          : {};
      const text =
        typeof message.text === "string"
          ? message.text
          : typeof message.markdown === "string"
            ? message.markdown
            : "";
      const fromText = packageFromText(text);
      const location = f.list(result.locations, `${at}.locations`, 1000)[0];
      const uri = (() => {
        const physical =
          location && typeof location === "object"
            ? (location as Record<string, unknown>).physicalLocation
            : undefined;
        const artifact =
          physical && typeof physical === "object"
            ? (physical as Record<string, unknown>).artifactLocation
            : undefined;
        return artifact && typeof artifact === "object" ? propertyString(artifact, "uri") : undefined;
      })();
      const name = propertyString(result.properties, "packageName", "package", "pkgName") ?? fromText.name;
      const version =
        propertyString(result.properties, "packageVersion", "installedVersion", "version") ??
        fromText.version ??
        "";
      const fixed = propertyString(result.properties, "fixedVersion") ?? fromText.fixed;
      const level = typeof result.level === "string" ? result.level : undefined;
      const stated =
        securitySeverity(result.properties, rule?.properties) ??
        parseSeverityWord(propertyString(result.properties, "severity"));
      const severity = stated ?? (level ? LEVEL_SEVERITY[level] : undefined) ?? "unknown";
      if (!stated && level) guessed++;
      // GitHub advisory ids keep their lower-case body; the others are upper case.
      const found = VULN_ID.exec(idText)?.[1];
      const id = found
        ? found.toUpperCase().startsWith("GHSA")
          ? `GHSA${found.slice(4).toLowerCase()}`
          : found.toUpperCase()
        : idText;
      const short =
        rule?.shortDescription && typeof rule.shortDescription === "object"
          ? propertyString(rule.shortDescription, "text")
          : undefined;
      const help = typeof rule?.helpUri === "string" ? rule.helpUri : undefined;
      findings.push({
        id,
        aliases: [],
        severity,
        package: { name: name ?? uri ?? "(unknown package)", version },
        fixedVersions: fixed && !/^(none|n\/a|)$/i.test(fixed) ? fixed.split(/\s*,\s*/) : [],
        ...(uri ? { path: uri.replace(/^\/+/, "") } : {}),
        ...(short ? { title: short } : {}),
        ...(help ? { url: help } : {}),
        source: "sarif",
      });
      if (findings.length > MAX_IMPORTED_FINDINGS) f.fail("runs", `at most ${MAX_IMPORTED_FINDINGS} results`);
    });
  });
  if (guessed > 0) {
    notes.push(
      `${guessed} SARIF result(s) in ${file} carry no security-severity; their severity was taken from the result level.`,
    );
  }
  return { file, format: "sarif", scanner: [...scanners].join(", ") || "SARIF", findings, notes };
}
