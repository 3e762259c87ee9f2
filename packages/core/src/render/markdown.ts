import type { Finding, FindingLevel, Report } from "../report.js";
import { formatValue } from "../units.js";
import { escapeMarkdown, escapeMarkdownBlock } from "./escape.js";
import { safeUrl } from "./links.js";
import { renderMermaid } from "./mermaid.js";
import { cleanText, clip } from "./sanitize.js";
import {
  findingLocation,
  groupFindings,
  LEVEL_EMOJI,
  LEVEL_TITLE,
  LEVELS,
  metricCells,
  plural,
  STATUS_EMOJI,
  VERDICT_EMOJI,
} from "./shared.js";

export interface MarkdownOptions {
  /** Hidden first line used to find a sticky comment again, usually `commentMarker(gate, key)`. */
  marker?: string;
  /** Upper bound on the output length (UTF-16 units, never fewer than GitHub's character count). */
  maxLength?: number;
  /** Link to the workflow run that holds the full report. */
  runUrl?: string;
  /** Title shown instead of the gate name in the heading. */
  heading?: string;
}

/** GitHub rejects issue and PR comment bodies over 65,536 characters. */
export const DEFAULT_MAX_LENGTH = 65_000;
/** Findings listed before "and N more", even when there is room. */
const MAX_FINDINGS = 50;
/** More findings than this go into a collapsed `<details>` block. */
const COLLAPSE_FINDINGS = 10;
const MAX_HEADLINE = 2000;
const MAX_CELL = 200;
const MAX_MESSAGE = 1000;
const MAX_TITLE = 100;

/** Preformatted diagnostics are for reading, not archiving. */
const MAX_DETAILS = 4000;

/** How much of each part to draw; shrunk step by step when the output is too long. */
interface Budget {
  findings: number;
  charts: number;
  metrics: number;
  checks: number;
  extras: boolean;
  text: number;
}

/** Every part rendered once up front; the budget only decides how many of them to join. */
interface Parts {
  title: string;
  checkRows: string[];
  metricRows: string[];
  /** The first findings of each level, rendered, and how many there are in all. */
  findings: Record<FindingLevel, { items: string[]; total: number }>;
  findingTotal: number;
  charts: string[];
  notes: string[];
  details: string;
  links: string;
  runUrl?: string;
}

/** The report as GitHub-flavoured markdown for a job summary or a sticky pull-request comment. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const limit = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const parts = prepare(report, options);
  const full: Budget = {
    findings: Math.min(parts.findingTotal, MAX_FINDINGS),
    charts: parts.charts.length,
    metrics: parts.metricRows.length,
    checks: parts.checkRows.length,
    extras: true,
    text: MAX_HEADLINE,
  };
  const draw = (b: Budget) => build(report, options, parts, full, b);
  const fits = (b: Budget) => draw(b).length <= limit;
  if (fits(full)) return draw(full);

  // Give up detail in order of importance: findings, charts, metric rows, check rows, then prose.
  const budget = { ...full };
  for (const key of ["findings", "charts", "metrics", "checks"] as const) {
    const best = largestFitting(budget[key], (n) => fits({ ...budget, [key]: n }));
    if (best !== undefined) return draw({ ...budget, [key]: best });
    budget[key] = 0;
  }
  budget.extras = false;
  const text = largestFitting(MAX_HEADLINE, (n) => fits({ ...budget, text: n }));
  if (text !== undefined) return draw({ ...budget, text });
  throw new RangeError(`maxLength ${limit} is too small for even the shortest markdown report`);
}

/** The largest n in [0, max] for which `ok(n)` holds, assuming it holds for every smaller n. */
function largestFitting(max: number, ok: (n: number) => boolean): number | undefined {
  if (!ok(0)) return undefined;
  let [lo, hi] = [0, max];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function prepare(report: Report, options: MarkdownOptions): Parts {
  const cell = (text: string | undefined) => {
    const escaped = text === undefined ? "" : escapeMarkdown(clip(String(text), MAX_CELL)).trim();
    return escaped === "" ? "—" : escaped;
  };
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

  const checkRows = (report.checks ?? []).map((c) => {
    const status = `${STATUS_EMOJI[c.status] ?? ""} ${escapeMarkdown(c.status)}`;
    const result = c.message ? `${status} — ${cell(c.message)}` : status;
    return row([cell(c.name), cell(c.actual), cell(c.expected), result]);
  });

  const metricRows = Object.entries(report.metrics ?? {}).map(([name, m]) => {
    const cells = metricCells(m);
    const label = m.description ? `${cell(name)}<br><sub>${cell(m.description)}</sub>` : cell(name);
    return row([label, cell(cells.value), cell(cells.baseline), cell(cells.delta), cell(cells.interval)]);
  });

  const groups = groupFindings(report.findings ?? []);
  // No more than MAX_FINDINGS can ever be shown, so only those are rendered.
  const group = (level: FindingLevel) => ({
    items: groups[level].slice(0, MAX_FINDINGS).map(findingItem),
    total: groups[level].length,
  });
  const findings = { fail: group("fail"), warn: group("warn"), info: group("info") };

  const charts = (report.charts ?? []).map((chart) => {
    const names = chart.kind === "pie" ? [] : (chart.series ?? []).map((s) => s.name);
    const legend =
      names.length > 1 ? `Series, in drawing order: ${names.map((n) => cell(n)).join(" · ")}\n\n` : "";
    return legend + renderMermaid(chart);
  });

  const links = (report.links ?? [])
    .map((l) => {
      const url = safeUrl(l.url);
      const title = escapeMarkdown(clip(l.title || l.url || "link", MAX_CELL)).trim() || "link";
      return url ? `[${title}](<${url}>)` : title;
    })
    .join(" · ");

  const runUrl = safeUrl(options.runUrl);
  return {
    title: options.heading ?? report.gate,
    checkRows,
    metricRows,
    findings,
    findingTotal: (report.findings ?? []).length,
    charts,
    notes: (report.notes ?? [])
      .map((n) => escapeMarkdownBlock(clip(n, MAX_HEADLINE).trim()))
      .filter((n) => n !== ""),
    details: report.details ? codeBlock(clip(cleanText(report.details), MAX_DETAILS)) : "",
    links: links ? `🔗 ${links}` : "",
    ...(runUrl ? { runUrl } : {}),
  };
}

/** A fenced block that no backtick run inside can close, and in which no HTML comment can open. */
function codeBlock(text: string): string {
  const longestRun = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  const safe = text.replaceAll("<!--", "<!\u200B--").replaceAll("-->", "--\u200B>");
  return `${fence}text\n${safe}\n${fence}`;
}

function findingItem(f: Finding): string {
  const rule = escapeMarkdown(clip(String(f.rule ?? ""), MAX_CELL)).trim();
  const message = escapeMarkdownBlock(clip(String(f.message ?? ""), MAX_MESSAGE).trim());
  const where = findingLocation(f);
  const loc = where ? ` (${escapeMarkdown(clip(where, MAX_CELL))})` : "";
  return `- ${rule ? `**${rule}** ` : ""}${message}${loc}`;
}

function build(report: Report, options: MarkdownOptions, parts: Parts, full: Budget, b: Budget): string {
  const blocks: string[] = [];
  if (options.marker) blocks.push(options.marker);

  const title = escapeMarkdown(clip(parts.title, Math.min(MAX_TITLE, b.text))).trim();
  const emoji = VERDICT_EMOJI[report.verdict] ?? "";
  blocks.push(`### ${emoji} ${title ? `${title}: ` : ""}${escapeMarkdown(report.verdict)}`);
  const headline = escapeMarkdown(clip(report.headline ?? "", b.text)).trim();
  if (headline) blocks.push(`**${headline}**`);
  if (b.extras && parts.details) blocks.push(parts.details);

  if (b.checks > 0) {
    blocks.push(
      [
        "| Check | Actual | Expected | Result |",
        "| --- | --- | --- | --- |",
        ...parts.checkRows.slice(0, b.checks),
      ].join("\n"),
    );
  }
  if (b.metrics > 0) {
    blocks.push(
      [
        "| Metric | Value | Baseline | Delta | Interval |",
        "| --- | ---: | ---: | ---: | --- |",
        ...parts.metricRows.slice(0, b.metrics),
      ].join("\n"),
    );
  }
  const findings = findingsBlock(parts, b.findings);
  if (findings) blocks.push(findings);
  blocks.push(...parts.charts.slice(0, b.charts));
  if (b.extras) {
    blocks.push(...parts.notes);
    if (parts.links) blocks.push(parts.links);
  }

  const notice = truncationNotice(parts, full, b);
  if (notice) blocks.push(notice);
  blocks.push(footer(report, parts, b));
  return `${blocks.join("\n\n")}\n`;
}

function findingsBlock(parts: Parts, cap: number): string {
  if (parts.findingTotal === 0) return "";
  let remaining = cap;
  const sections: string[] = [];
  const counts: string[] = [];
  for (const level of LEVELS) {
    const { items, total } = parts.findings[level];
    if (total === 0) continue;
    const shown = items.slice(0, remaining);
    remaining -= shown.length;
    counts.push(plural(total, LEVEL_TITLE[level]));
    const more = total - shown.length;
    const title = LEVEL_TITLE[level][1];
    sections.push(
      [
        `**${LEVEL_EMOJI[level]} ${title[0]?.toUpperCase()}${title.slice(1)} (${total})**`,
        "",
        ...shown,
        ...(more > 0 ? [`- _…and ${more} more_`] : []),
      ].join("\n"),
    );
  }
  if (parts.findingTotal <= COLLAPSE_FINDINGS) return sections.join("\n\n");
  // The blank lines around the body let GitHub parse markdown inside the HTML block.
  return [
    "<details>",
    `<summary>Findings: ${counts.join(", ")}</summary>`,
    "",
    sections.join("\n\n"),
    "",
    "</details>",
  ].join("\n");
}

function truncationNotice(parts: Parts, full: Budget, b: Budget): string {
  const dropped: string[] = [];
  const omitted = (key: "findings" | "charts" | "metrics" | "checks", words: [string, string]) => {
    if (b[key] < full[key]) dropped.push(plural(full[key] - b[key], words));
  };
  omitted("findings", ["finding", "findings"]);
  omitted("charts", ["chart", "charts"]);
  omitted("metrics", ["metric row", "metric rows"]);
  omitted("checks", ["check row", "check rows"]);
  if (!b.extras && (parts.notes.length > 0 || parts.links)) dropped.push("notes and links");
  if (b.text < full.text) dropped.push("part of the headline");
  if (dropped.length === 0) return "";
  const where = parts.runUrl ? `[the workflow run](<${parts.runUrl}>)` : "the job summary or the JSON report";
  return `_✂️ Shortened to fit GitHub's size limit: ${dropped.join(", ")} left out. See ${where} for everything._`;
}

function footer(report: Report, parts: Parts, b: Budget): string {
  const tool = report.tool ?? { name: "mlgate", version: "" };
  const name = escapeMarkdown(clip(`${tool.name} ${tool.version}`, Math.min(MAX_TITLE, b.text))).trim();
  const bits = [name || "mlgate"];
  if (typeof report.durationMs === "number" && Number.isFinite(report.durationMs)) {
    bits.push(`took ${formatValue(report.durationMs, "time")}`);
  }
  if (parts.runUrl && b.extras) bits.push(`[run](<${parts.runUrl}>)`);
  return `<sub>${bits.join(" · ")}</sub>`;
}
