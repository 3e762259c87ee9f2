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
import type { EvalGateInput } from "./eval-gate.js";
import type { ColumnMap } from "./items/index.js";
import { EVAL_GATE } from "./metrics-gate.js";
import { readMustPassIds } from "./paired/must-pass.js";

/** The `eval-gate:` section of mlgate.yml. Paths are relative to the config file. */
export const evalGateSection = gateSection({
  candidate: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Results of the candidate model: per-item results (JSONL, CSV, lm-eval samples, promptfoo output.json, MLflow eval_results_table.json) or an aggregate metrics file (JSON or YAML).",
    ),
  baseline: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Results of the baseline (production) model, in the same shape; per-item results are paired with the candidate's on `id`. Needed by delta() and ratio() gates.",
    ),
  results: z
    .enum(["auto", "items", "metrics"])
    .optional()
    .describe("Per-item results or aggregate metrics; `auto` (default) decides from the file."),
  columns: z
    .strictObject({
      id: z.string().min(1).optional(),
      label: z.string().min(1).optional(),
      prediction: z.string().min(1).optional(),
      score: z.string().min(1).optional(),
      probability: z
        .string()
        .min(1)
        .optional()
        .describe("The positive-class probability, for ROC-AUC, log loss, Brier, ECE."),
      slice: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
    })
    .optional()
    .describe(
      "Column names in per-item files, when they differ from id, label, prediction, score, probability, slice.",
    ),
  kind: z
    .enum(["classification", "regression", "score"])
    .optional()
    .describe("What the per-item results hold; inferred when absent."),
  confidence: z
    .number()
    .gt(0.5)
    .lt(1)
    .optional()
    .describe("Two-sided confidence of every interval (default 0.95)."),
  resamples: z.int().min(100).max(100_000).optional().describe("Paired bootstrap resamples (default 2000)."),
  seed: z.int().min(0).optional().describe("Bootstrap seed (default 1); printed in the report."),
  "min-items": z
    .int()
    .min(1)
    .optional()
    .describe("Slices with fewer paired items are reported, not judged (default 30)."),
  accept: z
    .array(
      z
        .strictObject({
          check: z
            .string()
            .min(1)
            .optional()
            .describe("The exact check, e.g. `slice(apac): delta(recall) >= -0.03`."),
          metric: z.string().min(1).optional().describe("Every check on this metric, e.g. `f1`."),
          reason: z.string().min(1).describe("Why the regression ships; shown in the report."),
          by: z.string().min(1).optional().describe("Who accepted it."),
          expires: z.iso
            .date()
            .optional()
            .describe("Date (YYYY-MM-DD) after which the acceptance no longer applies."),
        })
        .refine((a) => (a.check === undefined) !== (a.metric === undefined), {
          message: "name either `check` or `metric`",
        }),
    )
    .optional()
    .describe(
      "Accepted regressions: failing checks they name become warnings that record who accepted them and why.",
    ),
  "must-pass": z
    .union([z.string().min(1), z.array(z.union([z.string(), z.number()]))])
    .optional()
    .describe(
      "Regression set: a file of ids (one per line, or a JSON array) or a list of ids; any of these items the candidate newly gets wrong fails the gate, and the report lists them.",
    ),
  inconclusive: z
    .enum(["warn", "fail"])
    .optional()
    .describe("What a comparison whose interval straddles its limit does to the verdict (default warn)."),
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
  results?: "auto" | "items" | "metrics";
  columns?: Partial<ColumnMap>;
  kind?: "classification" | "regression" | "score";
  confidence?: number;
  resamples?: number;
  seed?: number;
  minItems?: number;
  inconclusive?: "warn" | "fail";
  /** A file of must-pass ids (relative to the working directory). */
  mustPass?: string;
}

export interface ResolvedEvalGate {
  input: EvalGateInput;
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
  const columns = { ...columnsOf(fromFile.columns), ...overrides.columns };
  const pick = <T>(flag: T | undefined, file: T | undefined) => flag ?? file;
  const input: EvalGateInput = {
    candidate: merged.candidate,
    ...(merged.baseline ? { baseline: merged.baseline } : {}),
    gates: merged.gates ?? [],
    ...(fromFile.metrics ? { select: fromFile.metrics } : {}),
    ...(Object.keys(columns).length > 0 ? { columns } : {}),
  };
  const optional = {
    results: pick(overrides.results, fromFile.results),
    kind: pick(overrides.kind, fromFile.kind),
    confidence: pick(overrides.confidence, fromFile.confidence),
    resamples: pick(overrides.resamples, fromFile.resamples),
    seed: pick(overrides.seed, fromFile.seed),
    minItems: pick(overrides.minItems, fromFile["min-items"]),
    inconclusive: pick(overrides.inconclusive, fromFile.inconclusive),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (input as unknown as Record<string, unknown>)[key] = value;
  }
  const mustPass = overrides.mustPass
    ? await readMustPassIds(resolveFrom(source.cwd, overrides.mustPass))
    : typeof fromFile["must-pass"] === "string"
      ? await readMustPassIds(resolveFrom(loaded.baseDir, fromFile["must-pass"]))
      : fromFile["must-pass"]?.map(String);
  if (mustPass) input.mustPass = mustPass;
  if (fromFile.accept?.length) input.accept = fromFile.accept;
  return { input, report: reportSettingsOf(fromFile.report, loaded.baseDir) };
}

/** The config's `columns:` block in the reader's terms (`probability` is the positive-class score). */
function columnsOf(block: EvalGateSection["columns"]): Partial<ColumnMap> {
  if (!block) return {};
  const out: Partial<ColumnMap> = {};
  if (block.id) out.id = block.id;
  if (block.label) out.label = block.label;
  if (block.prediction) out.prediction = block.prediction;
  if (block.score) out.score = block.score;
  if (block.probability) out.positiveScore = block.probability;
  if (block.slice) out.slice = Array.isArray(block.slice) ? block.slice : [block.slice];
  return out;
}

/** `role=column` pairs from the command line or an action input, e.g. `id=doc_id`, `slice=region`. */
export function parseColumnPairs(pairs: readonly string[]): Partial<ColumnMap> {
  const out: Partial<ColumnMap> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const role = pair.slice(0, eq).trim();
    const column = pair.slice(eq + 1).trim();
    if (eq < 1 || column === "") {
      throw new GateError(`column mapping "${pair}" is not ROLE=COLUMN`, {
        hint: "e.g. id=doc_id, label=target, prediction=pred, score=judge_score, probability=p_yes, slice=region",
      });
    }
    switch (role) {
      case "id":
      case "label":
      case "prediction":
      case "score":
        out[role] = column;
        break;
      case "probability":
        out.positiveScore = column;
        break;
      case "slice":
        out.slice = [...(out.slice ?? []), column];
        break;
      default:
        throw new GateError(`unknown column role "${role}" in "${pair}"`, {
          hint: "roles: id, label, prediction, score, probability, slice",
        });
    }
  }
  return out;
}
