import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { finished } from "node:stream/promises";
import { GateError } from "@mlgate/core";
import type { ItemRecord } from "../items/index.js";
import { type EvalData, METRICS } from "../metrics/index.js";
import { isBinaryScore } from "../metrics/validate.js";

/** An item one model got right and the other wrong. */
export interface ItemChange {
  id: string;
  change: "newly-failing" | "newly-passing";
  slices: Record<string, string>;
  label?: string | number;
  /** What the baseline answered (its prediction, or its score). */
  baseline?: string | number;
  /** What the candidate answered. */
  candidate?: string | number;
  mustPass: boolean;
}

export interface ItemChanges {
  /** Items the baseline got right and the candidate gets wrong; must-pass examples first, then file order. */
  newlyFailing: ItemChange[];
  newlyPassing: ItemChange[];
}

/** Whether item i was got right, for results that have a right and a wrong: classes, or a 0/1 score. */
export function correctness(data: EvalData): ((i: number) => boolean) | undefined {
  if (data.kind === "classification") {
    const perItem = METRICS.accuracy.perItem;
    return perItem ? (i) => perItem(data, i) >= 0.5 : undefined;
  }
  if (data.kind === "score" && isBinaryScore(data.score)) return (i) => (data.score[i] as number) >= 0.5;
  return undefined;
}

const answer = (r: ItemRecord | undefined) => r?.prediction ?? r?.score;

export function itemChange(
  candidate: ItemRecord,
  baseline: ItemRecord | undefined,
  change: ItemChange["change"],
  mustPass: boolean,
): ItemChange {
  const got = answer(candidate);
  const was = answer(baseline);
  return {
    id: candidate.id,
    change,
    slices: candidate.slices,
    ...(candidate.label !== undefined ? { label: candidate.label } : {}),
    ...(was !== undefined ? { baseline: was } : {}),
    ...(got !== undefined ? { candidate: got } : {}),
    mustPass,
  };
}

/**
 * The items whose outcome flipped between baseline and candidate. Undefined for results without a
 * right and a wrong per item (regression targets, graded scores).
 */
export function itemChanges(
  records: readonly ItemRecord[],
  baselineRecords: readonly ItemRecord[],
  candidate: EvalData,
  baseline: EvalData,
  mustPass: ReadonlySet<string>,
): ItemChanges | undefined {
  const right = correctness(candidate);
  const rightBefore = correctness(baseline);
  if (!right || !rightBefore) return undefined;
  const failing: ItemChange[] = [];
  const failingMustPass: ItemChange[] = [];
  const passing: ItemChange[] = [];
  for (let i = 0; i < records.length; i++) {
    const now = right(i);
    const before = rightBefore(i);
    if (now === before) continue;
    const r = records[i] as ItemRecord;
    const must = mustPass.has(r.id);
    const change = itemChange(r, baselineRecords[i], now ? "newly-passing" : "newly-failing", must);
    if (now) passing.push(change);
    else (must ? failingMustPass : failing).push(change);
  }
  return { newlyFailing: [...failingMustPass, ...failing], newlyPassing: passing };
}

/** Rows shown in the report; the full list goes to the item-changes file. */
export const MAX_TABLE_ROWS = 20;
const MAX_ID = 32;
const MAX_VALUE = 24;

function cell(v: unknown, max: number): string {
  if (v === undefined || v === null) return "—";
  const text = String(v).replace(/\s+/g, " ").trim() || '""';
  const points = Array.from(text);
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : text;
}

function sliceText(slices: Record<string, string>): string {
  const entries = Object.entries(slices);
  if (entries.length === 1) return entries[0]?.[1] ?? "";
  return entries.map(([k, v]) => `${k}=${v}`).join(",");
}

/**
 * A plain-text table of changed items for the report's preformatted block: aligned columns
 * (id, slice, label, baseline, candidate), must-pass examples starred, at most MAX_TABLE_ROWS rows and
 * a line saying how many more there are.
 */
export function changesTable(title: string, rows: readonly ItemChange[], moreHint: string): string {
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const withSlices = shown.some((r) => Object.keys(r.slices).length > 0);
  const withLabels = shown.some((r) => r.label !== undefined);
  const withBaseline = shown.some((r) => r.baseline !== undefined);
  const header = [
    "",
    "id",
    ...(withSlices ? ["slice"] : []),
    ...(withLabels ? ["label"] : []),
    ...(withBaseline ? ["baseline"] : []),
    "candidate",
  ];
  const lines = shown.map((r) => [
    r.mustPass ? "★" : "",
    cell(r.id, MAX_ID),
    ...(withSlices ? [cell(sliceText(r.slices), MAX_VALUE)] : []),
    ...(withLabels ? [cell(r.label, MAX_VALUE)] : []),
    ...(withBaseline ? [cell(r.baseline, MAX_VALUE)] : []),
    cell(r.candidate, MAX_VALUE),
  ]);
  const widths = header.map((h, c) =>
    Math.max(Array.from(h).length, ...lines.map((l) => Array.from(l[c] ?? "").length)),
  );
  const format = (cells: readonly string[]) =>
    cells
      .map((text, c) => text + " ".repeat(Math.max(0, (widths[c] ?? 0) - Array.from(text).length)))
      .join("  ")
      .trimEnd();
  const out = [title, format(header), ...lines.map(format)];
  if (rows.length > shown.length) out.push(`… and ${rows.length - shown.length} more ${moreHint}`);
  if (shown.some((r) => r.mustPass)) out.push("★ must-pass example");
  return out.join("\n");
}

/** Every changed item as JSON Lines, for a file the action uploads or a person greps. */
export async function writeItemChanges(path: string, changes: ItemChanges): Promise<void> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once("error", reject));
  failed.catch(() => {});
  try {
    for (const c of [...changes.newlyFailing, ...changes.newlyPassing]) {
      const line = `${JSON.stringify({
        id: c.id,
        change: c.change,
        slice: c.slices,
        label: c.label ?? null,
        baseline: c.baseline ?? null,
        candidate: c.candidate ?? null,
        must_pass: c.mustPass,
      })}\n`;
      if (!out.write(line)) await Promise.race([once(out, "drain"), failed]);
    }
    out.end();
    await Promise.race([finished(out), failed]);
  } catch (e) {
    out.destroy();
    throw new GateError(
      `cannot write the item changes to ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}
