import type { Chart } from "../report.js";
import { clip, oneLine } from "./sanitize.js";

/**
 * Mermaid has no escape sequences inside quoted strings, so characters that would end the string,
 * start a markdown string, a comment or HTML are swapped for look-alikes. Backticks go too, which
 * also keeps any label from closing the surrounding code fence.
 */
export function mermaidLabel(text: string, max = 80): string {
  const safe = oneLine(text)
    .replace(/"/g, "'")
    .replace(/`/g, "'")
    .replace(/</g, "‹")
    .replace(/>/g, "›")
    .replace(/%%/g, "% %")
    .replace(/[{}]/g, (c) => (c === "{" ? "(" : ")"))
    .trim();
  return clip(safe, max);
}

/** Mermaid's number grammar has no exponents, no NaN and no infinities. */
export function mermaidNumber(n: number): string {
  if (!Number.isFinite(n)) return "0";
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = n.toLocaleString("en-US", { useGrouping: false, maximumSignificantDigits: 6 });
  return s === "-0" ? "0" : s;
}

/** A Chart as a ```mermaid fenced block: bar/line as `xychart-beta`, pie as `pie`. */
export function renderMermaid(chart: Chart): string {
  const body = chart.kind === "pie" ? pieLines(chart) : xyLines(chart);
  return ["```mermaid", ...body, "```"].join("\n");
}

function xyLines(chart: Extract<Chart, { kind: "bar" | "line" }>): string[] {
  const series = Array.isArray(chart.series) ? chart.series : [];
  const x = Array.isArray(chart.x) ? chart.x : [];
  let longest = 0;
  for (const s of series) if (Array.isArray(s.values)) longest = Math.max(longest, s.values.length);
  const n = x.length > 0 ? x.length : longest;
  const labels =
    n === 0 ? ["(no data)"] : Array.from({ length: n }, (_, i) => mermaidLabel(String(x[i] ?? i + 1), 40));
  const rows = series
    .map((s) => (Array.isArray(s.values) ? s.values.slice(0, n) : []))
    .filter((values) => values.length > 0)
    .map((values) => values.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : 0)));
  if (rows.length === 0) rows.push(labels.map(() => 0));
  const keyword = chart.kind === "line" ? "line" : "bar";
  return [
    "xychart-beta",
    `  title "${mermaidLabel(chart.title ?? "")}"`,
    `  x-axis [${labels.map((l) => `"${l}"`).join(", ")}]`,
    `  y-axis "${mermaidLabel(chart.yLabel ?? "value", 40)}"${keyword === "bar" ? barRange(rows) : ""}`,
    ...rows.map((values) => `  ${keyword} [${values.map(mermaidNumber).join(", ")}]`),
  ];
}

/** Bars must grow from zero, otherwise Mermaid starts the axis at the smallest value. */
function barRange(rows: number[][]): string {
  let lo = 0;
  let hi = 0;
  for (const row of rows) for (const v of row) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const [a, b] = [mermaidNumber(lo), mermaidNumber(hi)];
  return a === b ? "" : ` ${a} --> ${b}`;
}

function pieLines(chart: Extract<Chart, { kind: "pie" }>): string[] {
  // The pie title runs to the end of the line and stops at `#` or `;`.
  const title = mermaidLabel(chart.title ?? "")
    .replace(/[#;]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const slices = (Array.isArray(chart.slices) ? chart.slices : []).filter(
    (s) => typeof s.value === "number" && Number.isFinite(s.value) && s.value > 0,
  );
  return [
    title ? `pie title ${title}` : "pie",
    ...slices.map((s) => `  "${mermaidLabel(String(s.label ?? ""), 60)}" : ${mermaidNumber(s.value)}`),
  ];
}
