import { STRATEGIES, type Strategy } from "../plan/types.js";
import { PHASES, type Phase } from "./phase.js";
import type { RolloutRecord } from "./types.js";

type LineFields = Pick<RolloutRecord, "phase" | "step" | "steps" | "weight" | "reason" | "strategy">;

/**
 * A rollout record as one line a person can read and a later run can parse, for places that hold
 * a short text (a GitHub deployment status description, at most 140 characters):
 * `canary step 2/4 at 25%`, `canary rolled-back 2/4 at 0%: p95 is 31% above the baseline`, and for the
 * other strategies the strategy first: `shadow concluded 1/1 at 0%`, `blue-green guard 2/2 at 100%`.
 */
export function formatRecordLine(record: LineFields): string {
  const reason = record.reason ? `: ${record.reason.replace(/\s+/g, " ")}` : "";
  const strategy = record.strategy && record.strategy !== "canary" ? `${record.strategy} ` : "";
  return `canary ${strategy}${record.phase} ${record.step + 1}/${record.steps} at ${Number(record.weight.toFixed(2))}%${reason}`;
}

const LINE =
  /^canary (?:(shadow|blue-green|ab) )?([a-z-]+) (\d{1,4})\/(\d{1,4}) at (\d{1,3}(?:\.\d{1,2})?)%(?:: (.*))?$/s;

/** The fields of a line {@link formatRecordLine} wrote, or undefined for anything else. */
export function parseRecordLine(text: string): LineFields | undefined {
  const m = LINE.exec(text.trim());
  if (!m) return undefined;
  const strategy = m[1] as Strategy | undefined;
  const phase = m[2] as Phase;
  const step = Number(m[3]) - 1;
  const steps = Number(m[4]);
  const weight = Number(m[5]);
  if (!PHASES.includes(phase) || step < 0 || steps < 1 || step >= steps || weight > 100) return undefined;
  if (strategy !== undefined && !STRATEGIES.includes(strategy)) return undefined;
  return {
    phase,
    step,
    steps,
    weight,
    ...(m[6] ? { reason: m[6] } : {}),
    ...(strategy ? { strategy } : {}),
  };
}
