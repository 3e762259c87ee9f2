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
import { DEFAULT_ACCEPT_LABEL } from "./accept-label.js";
import { parseDuration } from "./baseline/duration.js";
import type { BaselineFiles } from "./baseline/from-dir.js";
import { type BaselineSpec, isRemoteBaseline, parseBaselineSpec } from "./baseline/spec.js";
import type { BehaviouralInput } from "./behavioural/gate.js";
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
      "Results of the baseline (production) model, in the same shape; per-item results are paired with the candidate's on `id`. Needed by delta() and ratio() gates. A file, or (in the action) `branch:NAME` for the baseline artifact of the branch's newest successful run (`branch` alone: the pull request's base branch), or `release:TAG` for an asset of a release.",
    ),
  "baseline-artifact": z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe(
      "Name of the baseline artifact (branch:) or release asset (release:), as uploaded. Default `mlgate-eval-baseline`.",
    ),
  "baseline-workflow": z
    .string()
    .min(1)
    .optional()
    .describe(
      "Workflow whose runs upload the baseline artifact: a file name (eval.yml), an id or a display name. Default: the workflow that is running.",
    ),
  "baseline-max-age": z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(m|min|h|d|w)\s*$/, "a duration such as 14d, 36h or 2w")
    .optional()
    .describe("Oldest baseline accepted, e.g. `14d`; older ones warn or fail by `baseline-mismatch`."),
  "baseline-mismatch": z
    .enum(["warn", "fail"])
    .optional()
    .describe(
      "What a baseline measured on another eval set or configuration, or older than `baseline-max-age`, does (default warn).",
    ),
  "eval-config": z
    .array(z.string().min(1))
    .max(200)
    .optional()
    .describe(
      "Files that define the evaluation (its config, prompt templates); their contents join the configuration fingerprint saved with a baseline and compared with it.",
    ),
  behavioural: z
    .union([
      z.string().min(1),
      z.strictObject({
        results: z.string().min(1).describe("The candidate's behavioural test results (JSONL or CSV)."),
        baseline: z.string().min(1).optional().describe("The baseline's, to tell newly failing tests apart."),
        defaults: z
          .strictObject({
            mft: z.string().min(1).optional(),
            inv: z.string().min(1).optional(),
            dir: z.string().min(1).optional(),
          })
          .optional()
          .describe(
            "The gate of every test no `gates:` entry names, by type, on failure_rate or failures (defaults: mft `failures == 0`, inv and dir `failure_rate <= 5%`).",
          ),
        tolerance: z
          .number()
          .min(0)
          .optional()
          .describe(
            "How far a dir test's score may move against its expected direction and still pass (default 0).",
          ),
      }),
    ])
    .optional()
    .describe(
      "CheckList-style behavioural tests: a results file with `test`, `test_type` (mft, inv, dir) and `id`/`case`/`label`/`prediction`/`score`/`expect` columns, or {results, baseline, defaults, tolerance}. Gate them as `mft.<test>.failure_rate <= 2%`.",
    ),
  "item-changes": z
    .string()
    .min(1)
    .optional()
    .describe(
      "Write every item whose outcome flipped against the baseline (newly failing, newly passing) to this JSON Lines file.",
    ),
  "accept-label": z
    .union([z.string().min(1).max(100), z.literal(false)])
    .optional()
    .describe(
      "Pull-request label that accepts failing comparisons with the baseline as warnings, naming who applied it (default `mlgate:accept-regression`; false turns it off). Absolute thresholds and must-pass examples are never waived by a label.",
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
  baselineArtifact?: string;
  baselineWorkflow?: string;
  baselineMaxAge?: string;
  baselineMismatch?: "warn" | "fail";
  /** The baseline's mlgate-baseline.json, when it is not beside the baseline file. */
  baselineMeta?: string;
  evalConfig?: string[];
  behavioural?: string;
  behaviouralBaseline?: string;
  itemChanges?: string;
  /** Save the results as a baseline in this directory. */
  saveBaseline?: string;
  /** Commit and ref recorded in a saved baseline's metadata. */
  commit?: string;
  ref?: string;
  /** The accepting label's name, or false to turn the label route off. */
  acceptLabel?: string | false;
}

/** A baseline that lives on GitHub: resolved by the action before the gate runs. */
export interface RemoteBaseline {
  spec: Exclude<BaselineSpec, { from: "file" }>;
  /** Artifact or release-asset name. */
  artifact: string;
  workflow?: string;
}

export const DEFAULT_BASELINE_ARTIFACT = "mlgate-eval-baseline";

export interface ResolvedEvalGate {
  input: EvalGateInput;
  /** The section's `report:` block; the caller's own flags and inputs win over it. */
  report: ReportSettings;
  /** Set when the baseline must be fetched from GitHub first; `input.baseline` is unset until then. */
  remoteBaseline?: RemoteBaseline;
  /** The label that accepts regressions, or undefined when the label route is off. */
  acceptLabel?: string;
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
  // A baseline can be a remote spec (branch:main); only a file is resolved as a path.
  const baselineOf = (
    value: string | undefined,
    resolvePath: (p: string | undefined) => string | undefined,
  ) => {
    if (value === undefined) return undefined;
    const spec = parseBaselineSpec(value);
    return spec.from === "file" ? resolvePath(spec.path) : value;
  };
  const merged = applyOverrides(
    {
      candidate: inFile(fromFile.candidate),
      baseline: baselineOf(fromFile.baseline, inFile),
      gates: fromFile.gates,
    },
    {
      candidate: inCwd(overrides.candidate),
      baseline: baselineOf(overrides.baseline, inCwd),
      gates: overrides.gates,
    },
  );
  const spec = merged.baseline === undefined ? undefined : parseBaselineSpec(merged.baseline);
  if (!merged.candidate) {
    throw new GateError("no candidate metrics file", {
      hint: "pass --candidate FILE (action input `candidate`) or set eval-gate.candidate in mlgate.yml",
    });
  }
  const columns = { ...columnsOf(fromFile.columns), ...overrides.columns };
  const pick = <T>(flag: T | undefined, file: T | undefined) => flag ?? file;
  const input: EvalGateInput = {
    candidate: merged.candidate,
    ...(spec?.from === "file" ? { baseline: spec.path } : {}),
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

  const mismatch = pick(overrides.baselineMismatch, fromFile["baseline-mismatch"]);
  const maxAge = pick(overrides.baselineMaxAge, fromFile["baseline-max-age"]);
  if (maxAge !== undefined) parseDuration(maxAge, "baseline-max-age");
  if (mismatch !== undefined || maxAge !== undefined) {
    input.baselinePolicy = { ...(mismatch ? { mismatch } : {}), ...(maxAge ? { maxAge } : {}) };
  }
  if (overrides.baselineMeta) input.baselineMeta = inCwd(overrides.baselineMeta) as string;
  const evalConfig = overrides.evalConfig?.length
    ? overrides.evalConfig.map((name) => ({ name, path: resolveFrom(source.cwd, name) }))
    : fromFile["eval-config"]?.map((name) => ({ name, path: resolveFrom(loaded.baseDir, name) }));
  if (evalConfig?.length) input.evalConfig = evalConfig;
  const behavioural = behaviouralOf(fromFile.behavioural, overrides, inFile, inCwd);
  if (behavioural) input.behavioural = behavioural;
  const itemChanges = inCwd(overrides.itemChanges) ?? inFile(fromFile["item-changes"]);
  if (itemChanges) input.itemChanges = itemChanges;
  if (overrides.saveBaseline) {
    input.saveBaseline = {
      dir: inCwd(overrides.saveBaseline) as string,
      ...(overrides.commit ? { commit: overrides.commit } : {}),
      ...(overrides.ref ? { ref: overrides.ref } : {}),
    };
  }

  const label = overrides.acceptLabel ?? fromFile["accept-label"] ?? DEFAULT_ACCEPT_LABEL;
  const workflow = pick(overrides.baselineWorkflow, fromFile["baseline-workflow"]);
  return {
    input,
    report: reportSettingsOf(fromFile.report, loaded.baseDir),
    ...(spec && isRemoteBaseline(spec)
      ? {
          remoteBaseline: {
            spec,
            artifact:
              pick(overrides.baselineArtifact, fromFile["baseline-artifact"]) ?? DEFAULT_BASELINE_ARTIFACT,
            ...(workflow ? { workflow } : {}),
          },
        }
      : {}),
    ...(label === false ? {} : { acceptLabel: label }),
  };
}

/** The behavioural block of the config (a file, or an object), with the command line's files over it. */
function behaviouralOf(
  block: EvalGateSection["behavioural"],
  overrides: EvalGateOverrides,
  inFile: (p: string | undefined) => string | undefined,
  inCwd: (p: string | undefined) => string | undefined,
): BehaviouralInput | undefined {
  const fromFile = typeof block === "string" ? { results: block } : block;
  const results = inCwd(overrides.behavioural) ?? inFile(fromFile?.results);
  if (!results) {
    if (overrides.behaviouralBaseline) {
      throw new GateError("behavioural-baseline is given but behavioural results are not", {
        hint: "pass --behavioural FILE (action input `behavioural`) with the candidate's behavioural results",
      });
    }
    return undefined;
  }
  const baseline = inCwd(overrides.behaviouralBaseline) ?? inFile(fromFile?.baseline);
  return {
    results,
    ...(baseline ? { baseline } : {}),
    ...(fromFile?.defaults ? { defaults: fromFile.defaults } : {}),
    ...(fromFile?.tolerance !== undefined ? { tolerance: fromFile.tolerance } : {}),
  };
}

/**
 * Point the gate at a baseline fetched from GitHub: its results file, its metadata, its behavioural
 * results (unless given explicitly), and a description of where it came from for the report.
 */
export function useFetchedBaseline(
  input: EvalGateInput,
  files: BaselineFiles,
  source: NonNullable<EvalGateInput["baselineSource"]>,
): EvalGateInput {
  const behavioural =
    input.behavioural && files.behavioural && !input.behavioural.baseline
      ? { behavioural: { ...input.behavioural, baseline: files.behavioural } }
      : {};
  return {
    ...input,
    baseline: files.results,
    baselineMeta: files.metaFile ?? false,
    baselineSource: source,
    ...behavioural,
  };
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
