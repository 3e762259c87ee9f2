import { exitCodeOf, type Finding, type FindingLevel, type Report, TOOL } from "../report.js";
import { cleanText } from "./sanitize.js";
import { isoTime, isPosition } from "./shared.js";

export interface SarifOptions {
  /** Checkout root (absolute path or `file://` URI); absolute file paths under it become repository-relative. */
  baseUri?: string;
  /**
   * Where results without a file of their own point (checks, project-level findings), repository-relative.
   * GitHub code scanning rejects a whole upload when any result lacks a location. Default `mlgate.yml`.
   */
  defaultFile?: string;
}

type SarifLevel = "error" | "warning" | "note";

const LEVEL: Record<FindingLevel, SarifLevel> = { fail: "error", warn: "warning", info: "note" };
const RANK: Record<SarifLevel, number> = { note: 0, warning: 1, error: 2 };
const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI = "https://github.com/mlgate/mlgate";

/** SARIF 2.1.0 for GitHub code scanning: one run per report. */
export function renderSarif(reports: Report | readonly Report[], options: SarifOptions = {}): string {
  const list: readonly Report[] = Array.isArray(reports) ? reports : [reports as Report];
  const seen = new Map<string, number>();
  const runs = list.map((report) => {
    // Code scanning keeps one analysis per category, so two reports of the same gate need distinct ids.
    const n = (seen.get(report.gate) ?? 0) + 1;
    seen.set(report.gate, n);
    return sarifRun(report, options, n === 1 ? report.gate : `${report.gate}-${n}`);
  });
  return `${JSON.stringify({ $schema: SCHEMA, version: "2.1.0", runs }, null, 2)}\n`;
}

interface Rule {
  id: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[] };
}

function sarifRun(report: Report, options: SarifOptions, category: string) {
  const gate = cleanText(report.gate);
  const rules: Rule[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleFor = (
    rule: string,
    level: SarifLevel,
    description: string,
  ): { ruleId: string; ruleIndex: number } => {
    const id = `${gate}/${cleanText(rule)}`;
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(id, index);
      rules.push({
        id,
        shortDescription: { text: description },
        defaultConfiguration: { level },
        properties: { tags: ["mlgate"] },
      });
    }
    const known = rules[index]!;
    if (RANK[level] > RANK[known.defaultConfiguration.level]) known.defaultConfiguration.level = level;
    return { ruleId: id, ruleIndex: index };
  };
  const fallback = artifactUri(options.defaultFile ?? "mlgate.yml", options.baseUri) ?? "mlgate.yml";

  const results: Record<string, unknown>[] = [];
  for (const f of report.findings ?? []) {
    const level = LEVEL[f.level] ?? "note";
    const rule = String(f.rule ?? "");
    const text = cleanText(String(f.message ?? "")).trim() || rule || "finding";
    const properties = propertyBag(f.properties);
    // A gate that knows a stable identity (rule + place, not message text) hands it to code scanning.
    const fingerprint = f.properties?.fingerprint;
    results.push({
      ...ruleFor(rule, level, `${gate}: ${cleanText(rule)}`),
      level,
      message: { text },
      locations: [findingLocation(f, options, fallback)],
      ...(typeof fingerprint === "string" && fingerprint !== ""
        ? { partialFingerprints: { "mlgate/v1": fingerprint } }
        : {}),
      ...(properties ? { properties } : {}),
    });
  }
  for (const c of report.checks ?? []) {
    if (c.status !== "fail" && c.status !== "warn") continue;
    const level: SarifLevel = c.status === "fail" ? "error" : "warning";
    const facts = [c.actual ? `actual ${c.actual}` : "", c.expected ? `expected ${c.expected}` : ""].filter(
      Boolean,
    );
    const text = cleanText(
      `Check ${c.status === "fail" ? "failed" : "warned"}: ${c.name}` +
        (facts.length ? ` (${facts.join(", ")})` : "") +
        (c.message ? ` — ${c.message}` : ""),
    );
    results.push({
      ...ruleFor("check", level, `${gate}: a threshold check did not pass`),
      level,
      message: { text },
      locations: [{ physicalLocation: { artifactLocation: { uri: fallback } } }],
      properties: { check: cleanText(c.name), status: c.status },
    });
  }

  const start = isoTime(report.startedAt);
  const end = start && typeof report.durationMs === "number" ? isoTime(start, report.durationMs) : undefined;
  const invocation = {
    executionSuccessful: report.verdict !== "error",
    exitCode: exitCodeOf(report.verdict),
    ...(start ? { startTimeUtc: start } : {}),
    ...(end ? { endTimeUtc: end } : {}),
    ...(report.verdict === "error"
      ? {
          toolExecutionNotifications: [
            { level: "error", message: { text: cleanText(report.headline) || "error" } },
          ],
        }
      : {}),
  };

  return {
    tool: {
      driver: {
        name: "mlgate",
        version: cleanText(String(report.tool?.version ?? TOOL.version)),
        informationUri: INFORMATION_URI,
        rules,
      },
    },
    automationDetails: { id: `mlgate/${cleanText(category)}/` },
    invocations: [invocation],
    results,
    properties: { verdict: report.verdict, headline: cleanText(report.headline), gate },
  };
}

function findingLocation(f: Finding, options: SarifOptions, fallback: string) {
  const uri = (f.file && artifactUri(f.file, options.baseUri)) || undefined;
  if (!uri) return { physicalLocation: { artifactLocation: { uri: fallback } } };
  // SARIF lines and columns are 1-based; anything else (0, negative, fractional) is dropped.
  const region: Record<string, number> = {};
  if (isPosition(f.line)) {
    region.startLine = f.line;
    if (isPosition(f.column)) region.startColumn = f.column;
    if (isPosition(f.endLine) && f.endLine >= f.line) region.endLine = f.endLine;
  }
  return {
    physicalLocation: {
      artifactLocation: { uri },
      ...(Object.keys(region).length > 0 ? { region } : {}),
    },
  };
}

/**
 * A file path as a URI reference: forward slashes, percent-encoded segments, relative to the checkout
 * when it lies under `baseUri`. Absolute paths elsewhere become `file://` URIs rather than being lost.
 */
export function artifactUri(file: string, baseUri?: string): string | undefined {
  let path = toPath(file);
  if (baseUri) {
    const base = toPath(baseUri).replace(/\/+$/, "");
    const fold = (s: string) => (/^[A-Za-z]:/.test(s) ? s.toLowerCase() : s);
    if (base && fold(path).startsWith(`${fold(base)}/`)) path = path.slice(base.length + 1);
  }
  const drive = /^\/?([A-Za-z]:)(?=\/|$)/.exec(path)?.[1];
  const absolute = path.startsWith("/") || drive !== undefined;
  const segments = (drive ? path.slice(path.indexOf(drive) + 2) : path)
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .map(encodeSegment);
  if (!absolute) return segments.length > 0 ? segments.join("/") : undefined;
  return `file:///${[...(drive ? [drive] : []), ...segments].join("/")}`;
}

function toPath(file: string): string {
  let path = cleanText(String(file)).trim().replace(/\\/g, "/");
  if (/^file:\/\//i.test(path)) {
    path = path.slice(7);
    try {
      path = decodeURIComponent(path);
    } catch {
      // Not percent-encoded after all: keep it as written.
    }
    // file:///C:/x names the Windows path C:/x.
    path = path.replace(/^\/([A-Za-z]:)/, "$1");
  }
  return path;
}

function encodeSegment(segment: string): string {
  // Keep sub-delimiters readable; they are legal in a path segment.
  return encodeURIComponent(segment).replace(/%(40|2B|3D|2C)/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Finding properties as a SARIF property bag: JSON-safe, and `tags` only when it is a set of strings. */
function propertyBag(props: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!props || typeof props !== "object" || Array.isArray(props)) return undefined;
  const bag = jsonSafe(props);
  if (!bag || typeof bag !== "object" || Array.isArray(bag)) return undefined;
  const out = bag as Record<string, unknown>;
  if ("tags" in out) {
    const tags = out.tags;
    const valid =
      Array.isArray(tags) && tags.every((t) => typeof t === "string") && new Set(tags).size === tags.length;
    if (!valid) {
      out["mlgate.tags"] = tags;
      delete out.tags;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A plain-JSON copy: bigints become strings, circular references become "[Circular]". */
function jsonSafe(value: unknown): unknown {
  const stack: object[] = [];
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, function (this: unknown, _key, v: unknown) {
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "string") return cleanText(v);
    if (v && typeof v === "object") {
      // `this` is the holder: unwind to it so only true ancestors count as cycles.
      while (stack.length > 0 && stack[stack.length - 1] !== this) seen.delete(stack.pop()!);
      if (seen.has(v)) return "[Circular]";
      seen.add(v);
      stack.push(v);
    }
    return v;
  });
  return text === undefined ? undefined : JSON.parse(text);
}
