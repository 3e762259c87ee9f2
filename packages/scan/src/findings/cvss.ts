import { type CvssScore, type Severity, severityOfScore } from "./types.js";

/**
 * CVSS base scores from vectors: v3.0/v3.1 and v2 by their published formulas. A v4 vector's score
 * needs the specification's lookup tables, so it is only read when it is trivial (no impact at all:
 * 0.0); otherwise its severity stays unknown unless the source states one.
 */

type Metrics = Map<string, string>;

/** `AV:N/AC:L/...` → metric → value, or undefined when a metric repeats or a part is malformed. */
function metricsOf(parts: readonly string[]): Metrics | undefined {
  const metrics: Metrics = new Map();
  for (const part of parts) {
    const m = /^([A-Za-z]{1,3}):([A-Za-z]{1,2})$/.exec(part);
    if (!m || metrics.has(m[1] as string)) return undefined;
    metrics.set(m[1] as string, m[2] as string);
  }
  return metrics;
}

function pick(metrics: Metrics, name: string, weights: Record<string, number>): number | undefined {
  const value = metrics.get(name);
  return value !== undefined && Object.hasOwn(weights, value) ? weights[value] : undefined;
}

/** CVSS v3.1's Roundup: the smallest one-decimal number at or above the input, robust to float noise. */
function roundUp(x: number): number {
  const scaled = Math.round(x * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

const V3 = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
  PR_UNCHANGED: { N: 0.85, L: 0.62, H: 0.27 },
  PR_CHANGED: { N: 0.85, L: 0.68, H: 0.5 },
};

/** Base score of a `CVSS:3.x/...` vector, or undefined when it is not a complete v3 base vector. */
export function cvss3BaseScore(vector: string): number | undefined {
  const parts = vector.trim().split("/");
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? "")) return undefined;
  const metrics = metricsOf(parts.slice(1));
  if (!metrics) return undefined;
  const scope = metrics.get("S");
  if (scope !== "U" && scope !== "C") return undefined;
  const av = pick(metrics, "AV", V3.AV);
  const ac = pick(metrics, "AC", V3.AC);
  const pr = pick(metrics, "PR", scope === "C" ? V3.PR_CHANGED : V3.PR_UNCHANGED);
  const ui = pick(metrics, "UI", V3.UI);
  const c = pick(metrics, "C", V3.CIA);
  const i = pick(metrics, "I", V3.CIA);
  const a = pick(metrics, "A", V3.CIA);
  if ([av, ac, pr, ui, c, i, a].some((w) => w === undefined)) return undefined;
  const iss = 1 - (1 - (c as number)) * (1 - (i as number)) * (1 - (a as number));
  const impact = scope === "U" ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15;
  if (impact <= 0) return 0;
  const exploitability = 8.22 * (av as number) * (ac as number) * (pr as number) * (ui as number);
  const raw = scope === "U" ? impact + exploitability : 1.08 * (impact + exploitability);
  return roundUp(Math.min(raw, 10));
}

const V2 = {
  AV: { L: 0.395, A: 0.646, N: 1 },
  AC: { H: 0.35, M: 0.61, L: 0.71 },
  Au: { M: 0.45, S: 0.56, N: 0.704 },
  CIA: { N: 0, P: 0.275, C: 0.66 },
};

/** Base score of a v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally wrapped in parentheses). */
export function cvss2BaseScore(vector: string): number | undefined {
  const text = vector
    .trim()
    .replace(/^\((.*)\)$/, "$1")
    .replace(/^CVSS:2\.0\//, "");
  const metrics = metricsOf(text.split("/"));
  if (!metrics) return undefined;
  const av = pick(metrics, "AV", V2.AV);
  const ac = pick(metrics, "AC", V2.AC);
  const au = pick(metrics, "Au", V2.Au);
  const c = pick(metrics, "C", V2.CIA);
  const i = pick(metrics, "I", V2.CIA);
  const a = pick(metrics, "A", V2.CIA);
  if ([av, ac, au, c, i, a].some((w) => w === undefined)) return undefined;
  const impact = 10.41 * (1 - (1 - (c as number)) * (1 - (i as number)) * (1 - (a as number)));
  const exploitability = 20 * (av as number) * (ac as number) * (au as number);
  const f = impact === 0 ? 0 : 1.176;
  const score = Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
  return score <= 0 ? 0 : score;
}

const V4_IMPACT = ["VC", "VI", "VA", "SC", "SI", "SA"];

/** 0 for a v4 vector with no impact on anything; undefined for every other (its score needs lookup tables). */
export function cvss4TrivialScore(vector: string): number | undefined {
  const parts = vector.trim().split("/");
  if (parts[0] !== "CVSS:4.0") return undefined;
  const metrics = metricsOf(parts.slice(1));
  if (!metrics) return undefined;
  return V4_IMPACT.every((m) => metrics.get(m) === "N") ? 0 : undefined;
}

/** Read any CVSS vector: its version, and its base score when this module can compute it. */
export function scoreVector(vector: string): CvssScore | undefined {
  const text = vector.trim();
  if (text.startsWith("CVSS:3.")) {
    const version = text.startsWith("CVSS:3.0/") ? "3.0" : "3.1";
    const score = cvss3BaseScore(text);
    return score === undefined ? undefined : { version, vector: text, score };
  }
  if (text.startsWith("CVSS:4.0/")) {
    const score = cvss4TrivialScore(text);
    return { version: "4.0", vector: text, ...(score === undefined ? {} : { score }) };
  }
  const score = cvss2BaseScore(text);
  return score === undefined ? undefined : { version: "2.0", vector: text, score };
}

/** Severity a CVSS score implies, or undefined when there is no score. */
export function severityOfCvss(cvss: CvssScore | undefined): Severity | undefined {
  return cvss?.score === undefined ? undefined : severityOfScore(cvss.score);
}
