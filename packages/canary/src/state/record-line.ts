import { PHASES, type Phase } from "./phase.js";
import type { RolloutRecord } from "./types.js";

/**
 * A rollout record as one line a person can read and a later run can parse, for places that hold
 * a short text (a GitHub deployment status description, at most 140 characters):
 * `canary step 2/4 at 25%` or `canary rolled-back 2/4 at 0%: p95 is 31% above the baseline`.
 */
export function formatRecordLine(
  record: Pick<RolloutRecord, "phase" | "step" | "steps" | "weight" | "reason">,
): string {
  const reason = record.reason ? `: ${record.reason.replace(/\s+/g, " ")}` : "";
  return `canary ${record.phase} ${record.step + 1}/${record.steps} at ${Number(record.weight.toFixed(2))}%${reason}`;
}

const LINE = /^canary ([a-z-]+) (\d{1,4})\/(\d{1,4}) at (\d{1,3}(?:\.\d{1,2})?)%(?:: (.*))?$/s;

/** The fields of a line {@link formatRecordLine} wrote, or undefined for anything else. */
export function parseRecordLine(
  text: string,
): Pick<RolloutRecord, "phase" | "step" | "steps" | "weight" | "reason"> | undefined {
  const m = LINE.exec(text.trim());
  if (!m) return undefined;
  const phase = m[1] as Phase;
  const step = Number(m[2]) - 1;
  const steps = Number(m[3]);
  const weight = Number(m[4]);
  if (!PHASES.includes(phase) || step < 0 || steps < 1 || step >= steps || weight > 100) return undefined;
  return { phase, step, steps, weight, ...(m[5] ? { reason: m[5] } : {}) };
}
