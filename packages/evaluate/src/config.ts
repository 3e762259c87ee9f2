import {
  applyOverrides,
  GateError,
  gateSection,
  loadGateSection,
  type ReportSettings,
  reportSettingsOf,
  resolveFrom,
} from "@mlgate/core";
import { z } from "zod";
import { EVAL_GATE, type MetricsGateInput } from "./metrics-gate.js";

/** The `eval-gate:` section of mlgate.yml. Paths are relative to the config file. */
export const evalGateSection = gateSection({
  candidate: z.string().min(1).optional().describe("Metrics file of the candidate model (JSON or YAML)."),
  baseline: z
    .string()
    .min(1)
    .optional()
    .describe("Metrics file of the baseline (production) model; needed by delta() and ratio() gates."),
  metrics: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      "Metric name → JSONPath selecting exactly one number, for metric files written by other tools (lm-evaluation-harness, promptfoo, MLflow).",
    ),
});

export type EvalGateSection = z.output<typeof evalGateSection>;

/** What the command line or the action inputs say; these win over the config file. */
export interface EvalGateOverrides {
  candidate?: string;
  baseline?: string;
  gates?: string[];
}

export interface ResolvedEvalGate {
  input: MetricsGateInput;
  /** The section's `report:` block; the caller's own flags and inputs win over it. */
  report: ReportSettings;
}

/** Merge the config file's section with overrides into the gate's input. */
export async function resolveEvalGate(
  overrides: EvalGateOverrides,
  source: { configPath?: string; cwd: string },
): Promise<ResolvedEvalGate> {
  const loaded = await loadGateSection(EVAL_GATE, evalGateSection, source);
  const fromFile = loaded.section ?? {};
  const inFile = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(loaded.baseDir, p));
  const inCwd = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(source.cwd, p));
  const merged = applyOverrides(
    { candidate: inFile(fromFile.candidate), baseline: inFile(fromFile.baseline), gates: fromFile.gates },
    { candidate: inCwd(overrides.candidate), baseline: inCwd(overrides.baseline), gates: overrides.gates },
  );
  if (!merged.candidate) {
    throw new GateError("no candidate metrics file", {
      hint: "pass --candidate FILE (action input `candidate`) or set eval-gate.candidate in mlgate.yml",
    });
  }
  return {
    input: {
      candidate: merged.candidate,
      ...(merged.baseline ? { baseline: merged.baseline } : {}),
      gates: merged.gates ?? [],
      ...(fromFile.metrics ? { select: fromFile.metrics } : {}),
    },
    report: reportSettingsOf(fromFile.report, loaded.baseDir),
  };
}
