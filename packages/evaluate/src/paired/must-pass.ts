import { type Check, type Finding, GateError, readTextFile } from "@mlgate/core";
import type { ItemRecord } from "../items/index.js";
import { type EvalData, METRICS } from "../metrics/index.js";

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

const MAX_LISTED = 20;

/**
 * Every must-pass example the candidate gets wrong fails the gate. With a baseline, the check is
 * about regressions: an example the baseline also got wrong is reported but does not block.
 */
export function judgeMustPass(
  ids: readonly string[],
  records: readonly ItemRecord[],
  candidate: EvalData,
  baseline: EvalData | undefined,
  baselineRecords: readonly ItemRecord[] | undefined,
): { check: Check; findings: Finding[] } {
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
  const newlyFailing: number[] = [];
  let stillFailing = 0;
  for (const id of ids) {
    const i = index.get(id);
    if (i === undefined || passes(candidate, i)) continue;
    if (baseline && !passes(baseline, i)) stillFailing++;
    else newlyFailing.push(i);
  }
  for (const i of newlyFailing.slice(0, MAX_LISTED)) {
    const r = records[i] as ItemRecord;
    const was = baselineRecords?.[i]?.prediction;
    const got = r.prediction ?? r.score;
    findings.push({
      rule: "must-pass.regressed",
      level: "fail",
      message: `must-pass example "${r.id}" now fails: expected ${JSON.stringify(r.label ?? 1)}, got ${JSON.stringify(got)}${was === undefined ? "" : ` (baseline: ${JSON.stringify(was)})`}`,
    });
  }
  const judged = ids.length - missing.length;
  const more = newlyFailing.length > MAX_LISTED ? ` (first ${MAX_LISTED} listed)` : "";
  const check: Check = {
    name: `must-pass examples (${ids.length})`,
    status: newlyFailing.length > 0 ? "fail" : "pass",
    actual: `${newlyFailing.length} newly failing`,
    expected: "0 newly failing",
    ...(newlyFailing.length > 0 || stillFailing > 0
      ? {
          message: `${newlyFailing.length} of ${judged} must-pass example(s) ${baseline ? "newly " : ""}fail${more}${stillFailing > 0 ? `; ${stillFailing} failed for the baseline too` : ""}`,
        }
      : {}),
  };
  return { check, findings };
}
