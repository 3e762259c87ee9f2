import { type Acceptance, applyAcceptances, GateError, type Report } from "@mlgate/core";
import { type MetricsGateInput, runMetricsGate } from "./metrics-gate.js";
import { type PairedGateInput, runPairedGate } from "./paired/paired-gate.js";
import { resultsShape } from "./results-shape.js";

/** Everything eval-gate can be asked; which fields matter depends on the shape of the results. */
export type EvalGateInput = MetricsGateInput &
  PairedGateInput & {
    /** Per-item results or aggregate metrics; `auto` decides from the candidate's file. */
    results?: "auto" | "items" | "metrics";
    /** Regressions the team has accepted, with who and why. */
    accept?: readonly Acceptance[];
  };

/** Judge per-item results statistically, or an aggregate metrics file by its thresholds. */
export async function runEvalGate(input: EvalGateInput): Promise<Report> {
  return applyAcceptances(await judge(input), input.accept ?? []);
}

async function judge(input: EvalGateInput): Promise<Report> {
  const shape =
    input.results && input.results !== "auto" ? input.results : await resultsShape(input.candidate);
  if (shape === "items") return runPairedGate(input);
  if (input.mustPass?.length) {
    throw new GateError("must-pass examples need per-item results, not a metrics file", {
      hint: "give per-item results (JSONL or CSV with id, label and prediction), or drop must-pass",
    });
  }
  return runMetricsGate(input);
}
