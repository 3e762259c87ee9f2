import {
  type Acceptance,
  applyAcceptances,
  GateError,
  type Link,
  parseThresholds,
  type Report,
} from "@mlgate/core";
import { applyLabelAcceptance, type LabelAcceptance } from "./accept-label.js";
import { type BaselinePolicy, baselineChecks } from "./baseline/checks.js";
import { parseDuration } from "./baseline/duration.js";
import { type ConfigFile, configFingerprint } from "./baseline/fingerprint.js";
import { type BaselineMeta, metaBeside, readBaselineMeta } from "./baseline/meta.js";
import { saveBaseline } from "./baseline/save.js";
import { type BehaviouralInput, isBehaviouralGate, judgeBehavioural } from "./behavioural/gate.js";
import type { GateExtras } from "./extras.js";
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
    /** The pull request carries the label that accepts regressions against the baseline. */
    acceptLabel?: LabelAcceptance;
    /** CheckList-style behavioural tests, judged beside the results. */
    behavioural?: BehaviouralInput;
    /**
     * The baseline's `mlgate-baseline.json`; by default the one beside the baseline file, if any.
     * `false`: do not look for one.
     */
    baselineMeta?: string | false;
    /** How closely the baseline must match: eval set, configuration, age. */
    baselinePolicy?: { mismatch?: "warn" | "fail"; maxAge?: string };
    /** Where the baseline was fetched from (a run's artifact, a release asset), for the report. */
    baselineSource?: { summary: string; links: Link[]; createdAt?: string };
    /** Files that define the evaluation (its config, prompt templates), fingerprinted with the reading options. */
    evalConfig?: readonly ConfigFile[];
    /** Save this run's results as a baseline in this directory, with mlgate-baseline.json. */
    saveBaseline?: { dir: string; commit?: string; ref?: string };
    /** The clock, for the baseline's age and the saved metadata. */
    now?: Date;
  };

/**
 * Judge per-item results statistically, or an aggregate metrics file by its thresholds; add the
 * behavioural tests and the baseline's checks; apply accepted regressions (config entries, then the
 * pull-request label); and save the results as a baseline when asked.
 */
export async function runEvalGate(input: EvalGateInput): Promise<Report> {
  const now = input.now ?? new Date();
  // Syntax errors are reported against the list as written, before it is split.
  const thresholds = parseThresholds(input.gates);
  const behaviouralGates = thresholds.filter(isBehaviouralGate);
  const mainGates = input.gates.filter((_, i) => !isBehaviouralGate(thresholds[i] as { metric: string }));
  if (behaviouralGates.length > 0 && !input.behavioural) {
    throw new GateError(
      `"${behaviouralGates[0]?.source}" gates a behavioural test, but no behavioural results were given`,
      {
        hint: "pass --behavioural FILE (action input `behavioural`, or `behavioural:` under eval-gate in mlgate.yml)",
      },
    );
  }
  const configSha256 = await configFingerprint(readingSettings(input), input.evalConfig);
  const extras = await gatherExtras(input, behaviouralGates, configSha256, now.getTime());
  const saving = input.saveBaseline !== undefined;
  const judged = await judge(
    { ...input, gates: mainGates, ...(saving ? { missingBaseline: "skip" } : {}) },
    extras,
  );

  let report = applyAcceptances(judged, input.accept ?? []);
  if (input.acceptLabel) report = applyLabelAcceptance(report, input.acceptLabel);
  if (input.saveBaseline && report.verdict !== "error") report = await save(report, input, configSha256, now);
  return report;
}

async function judge(input: EvalGateInput, extras: GateExtras): Promise<Report> {
  const shape =
    input.results && input.results !== "auto" ? input.results : await resultsShape(input.candidate);
  if (shape === "items") return runPairedGate(input, extras);
  if (input.mustPass?.length) {
    throw new GateError("must-pass examples need per-item results, not a metrics file", {
      hint: "give per-item results (JSONL or CSV with id, label and prediction), or drop must-pass",
    });
  }
  return runMetricsGate(input, extras);
}

/** How the results are read: what the configuration fingerprint covers besides the eval-config files. */
function readingSettings(input: EvalGateInput): Record<string, unknown> {
  return {
    results: input.results ?? "auto",
    kind: input.kind,
    columns: input.columns,
    select: input.select,
  };
}

async function gatherExtras(
  input: EvalGateInput,
  behaviouralGates: Parameters<typeof judgeBehavioural>[1],
  configSha256: string,
  now: number,
): Promise<GateExtras> {
  const extras: GateExtras = { checks: [], findings: [], notes: [], links: [], metrics: {} };
  if (input.behavioural) {
    const judged = await judgeBehavioural(input.behavioural, behaviouralGates);
    extras.checks.push(...judged.checks);
    extras.findings.push(...judged.findings);
    extras.notes.push(...judged.notes);
    Object.assign(extras.metrics, judged.metrics);
  }
  if (input.baselineSource) {
    extras.notes.push(input.baselineSource.summary);
    extras.links.push(...input.baselineSource.links);
  }
  if (input.baseline === undefined) return extras;

  const metaFile =
    input.baselineMeta === false ? undefined : (input.baselineMeta ?? metaBeside(input.baseline));
  const meta: BaselineMeta | undefined = metaFile ? await readBaselineMeta(metaFile) : undefined;
  const policy: BaselinePolicy = {
    mismatch: input.baselinePolicy?.mismatch ?? "warn",
    ...(input.baselinePolicy?.maxAge
      ? {
          maxAge: {
            ms: parseDuration(input.baselinePolicy.maxAge, "baseline-max-age"),
            text: input.baselinePolicy.maxAge,
          },
        }
      : {}),
  };
  const createdAt = input.baselineSource?.createdAt;
  extras.late = ({ evalSetSha256 }) =>
    baselineChecks(
      {
        ...(meta ? { meta } : {}),
        ...(createdAt ? { createdAt } : {}),
        ...(evalSetSha256 ? { evalSetSha256 } : {}),
        configSha256,
        now,
      },
      policy,
    );
  return extras;
}

async function save(report: Report, input: EvalGateInput, configSha256: string, now: Date): Promise<Report> {
  const target = input.saveBaseline as NonNullable<EvalGateInput["saveBaseline"]>;
  const evalSetSha256 = report.outputs?.["eval-set-sha256"];
  const saved = await saveBaseline({
    dir: target.dir,
    results: input.candidate,
    ...(input.behavioural ? { behavioural: input.behavioural.results } : {}),
    ...(evalSetSha256 ? { evalSetSha256 } : {}),
    configSha256,
    ...(target.commit ? { commit: target.commit } : {}),
    ...(target.ref ? { ref: target.ref } : {}),
    now,
  });
  return {
    ...report,
    outputs: { ...report.outputs, "baseline-dir": saved.dir },
    notes: [
      ...(report.notes ?? []),
      `Saved these results as a baseline in ${saved.dir} (${saved.files.join(", ")}); upload the directory with actions/upload-artifact for later runs to compare against.`,
    ],
  };
}
