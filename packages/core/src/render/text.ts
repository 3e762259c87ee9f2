import type { CheckStatus, FindingLevel, Report, Verdict } from "../report.js";
import { formatValue } from "../units.js";
import { cleanText, clip, oneLine } from "./sanitize.js";
import { findingLocation, groupFindings, LEVEL_TITLE, LEVELS, metricCells, plural } from "./shared.js";

/** Findings and metrics shown before "and N more"; the terminal view is a summary. */
const TOP_FINDINGS = 5;
const TOP_METRICS = 20;
const NAME_WIDTH = 60;

const ANSI = { red: 31, green: 32, yellow: 33, magenta: 35, dim: 2, bold: 1 } as const;
type Colour = keyof typeof ANSI;

const VERDICT_STYLE: Record<Verdict, [string, Colour]> = {
  pass: ["✓", "green"],
  warn: ["!", "yellow"],
  fail: ["✗", "red"],
  error: ["✗", "magenta"],
};
const STATUS_STYLE: Record<CheckStatus, [string, Colour]> = {
  pass: ["✓", "green"],
  warn: ["!", "yellow"],
  fail: ["✗", "red"],
  skip: ["-", "dim"],
};
const LEVEL_STYLE: Record<FindingLevel, [string, Colour]> = {
  fail: ["✗", "red"],
  warn: ["!", "yellow"],
  info: ["i", "dim"],
};

/** A concise terminal summary, verdict first. ANSI colours only when asked for. */
export function renderText(report: Report, options: { color?: boolean } = {}): string {
  const paint = (colour: Colour, s: string) => (options.color ? `\u001b[${ANSI[colour]}m${s}\u001b[0m` : s);
  // User text goes through oneLine so it cannot smuggle escape sequences or extra lines into the terminal.
  const t = (s: unknown, max = 300) => clip(oneLine(String(s ?? "")), max);
  const lines: string[] = [];

  const [mark, colour] = VERDICT_STYLE[report.verdict] ?? ["?", "magenta"];
  const headline = t(report.headline, 1000);
  lines.push(
    `${paint(colour, mark)} ${paint("bold", `${t(report.gate, 100)}: ${t(report.verdict).toUpperCase()}`)}${headline ? ` — ${headline}` : ""}`,
  );

  if (report.details) {
    const details = cleanText(report.details)
      .replace(/\t/g, "  ")
      .split(/\r\n|[\r\n\u0085\u2028\u2029]/)
      .slice(0, 40);
    lines.push("", ...details.map((l) => `  ${l}`));
  }

  const checks = report.checks ?? [];
  if (checks.length > 0) {
    const width = checks.reduce((w, c) => Math.max(w, Array.from(t(c.name, NAME_WIDTH)).length), 0);
    lines.push("");
    for (const c of checks) {
      const [m, col] = STATUS_STYLE[c.status] ?? ["?", "dim"];
      const name = t(c.name, NAME_WIDTH);
      const pad = " ".repeat(Math.max(0, width - Array.from(name).length));
      const actual = c.actual ? `  ${t(c.actual, 60)}` : "";
      const why = c.message && c.status !== "pass" ? paint("dim", ` — ${t(c.message)}`) : "";
      const expected =
        !why && c.expected && c.status !== "pass" ? paint("dim", ` (expected ${t(c.expected, 60)})`) : "";
      lines.push(`  ${paint(col, m)} ${name}${pad}${actual}${expected}${why}`);
    }
  }

  const findings = report.findings ?? [];
  if (findings.length > 0) {
    const groups = groupFindings(findings);
    const counts = LEVELS.filter((l) => groups[l].length > 0).map((l) =>
      plural(groups[l].length, LEVEL_TITLE[l]),
    );
    lines.push("", `Findings: ${counts.join(", ")}`);
    const top = LEVELS.flatMap((l) => groups[l]).slice(0, TOP_FINDINGS);
    for (const f of top) {
      const [m, col] = LEVEL_STYLE[f.level] ?? ["?", "dim"];
      const where = findingLocation(f);
      lines.push(
        `  ${paint(col, m)} ${t(f.rule, 80)}: ${t(f.message)}${where ? paint("dim", `  ${t(where, 200)}`) : ""}`,
      );
    }
    if (findings.length > top.length) lines.push(paint("dim", `  …and ${findings.length - top.length} more`));
  }

  const metrics = Object.entries(report.metrics ?? {});
  if (metrics.length > 0) {
    lines.push("", "Metrics:");
    const shown = metrics.slice(0, TOP_METRICS);
    const width = shown.reduce((w, [name]) => Math.max(w, Array.from(t(name, NAME_WIDTH)).length), 0);
    const valueWidth = shown.reduce((w, [, m]) => Math.max(w, metricCells(m).value.length), 0);
    for (const [name, m] of shown) {
      const cells = metricCells(m);
      const extra = [
        cells.baseline !== undefined ? `baseline ${cells.baseline}` : "",
        cells.delta !== undefined ? `delta ${cells.delta}` : "",
        cells.interval !== undefined ? `interval ${cells.interval}` : "",
      ].filter(Boolean);
      lines.push(
        `  ${t(name, NAME_WIDTH).padEnd(width)}  ${cells.value.padEnd(valueWidth)}${extra.length ? paint("dim", `  (${extra.join(", ")})`) : ""}`,
      );
    }
    if (metrics.length > TOP_METRICS) lines.push(paint("dim", `  …and ${metrics.length - TOP_METRICS} more`));
  }

  const extras = [
    ...(report.notes ?? [])
      .map((n) => t(n, 1000))
      .filter(Boolean)
      .map((n) => `note: ${n}`),
    ...(report.links ?? []).map((l) => `${t(l.title, 100)}: ${t(l.url, 500)}`),
  ];
  if (extras.length > 0) lines.push("", ...extras);

  const tool = report.tool ? `${t(report.tool.name, 50)} ${t(report.tool.version, 50)}` : "mlgate";
  const took =
    typeof report.durationMs === "number" && Number.isFinite(report.durationMs)
      ? ` · ${formatValue(report.durationMs, "time")}`
      : "";
  lines.push("", paint("dim", `${tool}${took}`));
  return `${lines.join("\n")}\n`;
}
