import { type Check, type Finding, GateError, readTextFile } from "@mlgate/core";
import type { ItemRecord } from "../items/index.js";
import { type EvalData, METRICS } from "../metrics/index.js";
import { type ItemChange, itemChange } from "./item-changes.js";

/** A must-pass list is a handful to a few thousand ids; anything near this is a wrong file. */
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * Ids of the must-pass examples: a JSON array of strings, or one id per line (`#` starts a
 * comment), so a list can be written by hand or exported from a tool.
 */
export async function readMustPassIds(path: string): Promise<string[]> {
  const text = await readTextFile(path, "must-pass list", { maxBytes: MAX_BYTES });
  if (text.trimStart().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new GateError(`must-pass list ${path} is not valid JSON: ${(e as Error).message}`, {
        location: { file: path },
      });
    }
    if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string" || typeof x === "number")) {
      throw new GateError(`must-pass list ${path} must be an array of ids`, { location: { file: path } });
    }
    return parsed.map(String);
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "");
}

/** Whether each item was got right: a correct class, or a passing 0/1 score. */
function passes(data: EvalData, i: number): boolean {
  if (data.kind === "classification") return (METRICS.accuracy.perItem?.(data, i) ?? 0) >= 0.5;
  if (data.kind === "score") return (data.score[i] as number) >= 0.5;
  throw new GateError("must-pass examples need classification results or a pass/fail score per item");
}

export interface MustPassJudgement {
  check: Check;
  findings: Finding[];
  /** The must-pass examples that block: failing now and, with a baseline, not failing before. */
  failing: ItemChange[];
}

/**
 * Every must-pass example the candidate gets wrong fails the gate. With a baseline, the check is
 * about regressions: an example the baseline also got wrong is counted but does not block. The
 * blocking ones are returned for the report's table of failing items, not listed as findings.
 */
export function judgeMustPass(
  ids: readonly string[],
  records: readonly ItemRecord[],
  candidate: EvalData,
  baseline: EvalData | undefined,
  baselineRecords: readonly ItemRecord[] | undefined,
): MustPassJudgement {
  const index = new Map(records.map((r, i) => [r.id, i]));
  const findings: Finding[] = [];
  const missing = ids.filter((id) => !index.has(id));
  if (missing.length > 0) {
    findings.push({
      rule: "must-pass.missing",
      level: "warn",
      message: `${missing.length} must-pass example(s) are not in the paired results: ${missing
        .slice(0, 5)
        .map((m) => JSON.stringify(m))
        .join(", ")}${missing.length > 5 ? ", …" : ""}`,
    });
  }
  const failing: ItemChange[] = [];
  let stillFailing = 0;
  for (const id of new Set(ids)) {
    const i = index.get(id);
    if (i === undefined || passes(candidate, i)) continue;
    if (baseline && !passes(baseline, i)) stillFailing++;
    else failing.push(itemChange(records[i] as ItemRecord, baselineRecords?.[i], "newly-failing", true));
  }
  const judged = ids.length - missing.length;
  const check: Check = {
    name: `must-pass examples (${ids.length})`,
    status: failing.length > 0 ? "fail" : "pass",
    actual: `${failing.length} ${baseline ? "newly " : ""}failing`,
    expected: `0 ${baseline ? "newly " : ""}failing`,
    ...(failing.length > 0 || stillFailing > 0
      ? {
          message: `${failing.length} of ${judged} must-pass example(s) ${baseline ? "newly " : ""}fail${failing.length > 0 ? " (listed with the failing items)" : ""}${stillFailing > 0 ? `; ${stillFailing} failed for the baseline too` : ""}`,
        }
      : {}),
  };
  return { check, findings, failing };
}
