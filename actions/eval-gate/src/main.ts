import { join } from "node:path";
import { GateError } from "@mlgate/core";
import {
  type EvalGateInput,
  parseColumnPairs,
  plannedModelFiles,
  resolveEvalGate,
  runEvalGate,
  runModelsInto,
} from "@mlgate/evaluate";
import {
  configLocation,
  GATE_ACTION_INPUTS,
  publishFromInputs,
  readInputs,
  runGateAction,
  runner,
} from "@mlgate/github";
import { z } from "zod";
import { acceptanceByLabel } from "./accept-label.js";
import { fetchRemoteBaseline } from "./remote-baseline.js";

// Inputs left empty fall back to the config file's keys, then to the gate's defaults.
const inputs = z.object({
  candidate: z.string().optional(),
  baseline: z.string().optional(),
  model: z.string().optional(),
  baselineModel: z.string().optional(),
  dataset: z.string().optional(),
  featureColumns: z.array(z.string()).optional(),
  batchSize: z.string().optional(),
  modelOutput: z.array(z.string()).optional(),
  classLabels: z.string().optional(),
  baselineArtifact: z.string().optional(),
  baselineWorkflow: z.string().optional(),
  baselineMaxAge: z.string().optional(),
  baselineMismatch: z.enum(["warn", "fail"]).optional(),
  saveBaseline: z.string().optional(),
  evalConfig: z.array(z.string()).optional(),
  gates: z.array(z.string()).optional(),
  results: z.enum(["auto", "items", "metrics"]).optional(),
  kind: z.enum(["classification", "regression", "score"]).optional(),
  columns: z.array(z.string()).optional(),
  confidence: z.number().gt(0.5).lt(1).optional(),
  resamples: z.int().min(100).max(100_000).optional(),
  seed: z.int().min(0).optional(),
  minItems: z.int().min(1).optional(),
  inconclusive: z.enum(["warn", "fail"]).optional(),
  mustPass: z.string().optional(),
  behavioural: z.string().optional(),
  behaviouralBaseline: z.string().optional(),
  itemChanges: z.string().optional(),
  acceptLabel: z.string().optional(),
  ...GATE_ACTION_INPUTS,
});

await runGateAction("eval-gate", async () => {
  const given = readInputs(inputs);
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const label = given.acceptLabel?.trim();
  const modelFlags = {
    model: given.model,
    baselineModel: given.baselineModel,
    dataset: given.dataset,
    featureColumns: given.featureColumns ?? [],
    batchSize: given.batchSize,
    modelOutput: given.modelOutput ?? [],
    classLabels: given.classLabels,
    modelOutDir: join(process.env.RUNNER_TEMP ?? cwd, "mlgate-model-run"),
  };
  const planned = plannedModelFiles(modelFlags, cwd);
  if (planned.candidate && given.candidate) {
    throw new GateError("inputs model and candidate both give the candidate", { hint: "set one of them" });
  }
  if (planned.baseline && given.baseline) {
    throw new GateError("inputs baseline-model and baseline both give the baseline", {
      hint: "set one of them",
    });
  }
  const resolved = await resolveEvalGate(
    {
      candidate: planned.candidate ?? given.candidate,
      baseline: planned.baseline ?? given.baseline,
      gates: given.gates,
      results: given.results,
      kind: given.kind,
      ...(given.columns ? { columns: parseColumnPairs(given.columns) } : {}),
      confidence: given.confidence,
      resamples: given.resamples,
      seed: given.seed,
      minItems: given.minItems,
      inconclusive: given.inconclusive,
      mustPass: given.mustPass,
      baselineArtifact: given.baselineArtifact,
      baselineWorkflow: given.baselineWorkflow,
      baselineMaxAge: given.baselineMaxAge,
      baselineMismatch: given.baselineMismatch,
      ...(given.evalConfig?.length ? { evalConfig: given.evalConfig } : {}),
      behavioural: given.behavioural,
      behaviouralBaseline: given.behaviouralBaseline,
      itemChanges: given.itemChanges,
      saveBaseline: given.saveBaseline,
      commit: process.env.GITHUB_SHA,
      ref: process.env.GITHUB_REF,
      ...(label ? { acceptLabel: label === "false" ? false : label } : {}),
    },
    configLocation(given),
  );

  let input: EvalGateInput = resolved.input;
  let baselineUrl: string | undefined;
  if (resolved.remoteBaseline) {
    if (!given.token) {
      throw new GateError("fetching the baseline from GitHub needs a token", {
        hint: "leave the token input at its default (github.token) and grant `actions: read` (and `contents: read` for releases)",
      });
    }
    const fetched = await runner.group("Fetch the baseline", () =>
      fetchRemoteBaseline(resolved.remoteBaseline!, input, given.token!),
    );
    input = fetched.input;
    baselineUrl = fetched.url;
  }
  if (resolved.acceptLabel) {
    const acceptance = await acceptanceByLabel(resolved.acceptLabel, given.token);
    if (acceptance) input = { ...input, acceptLabel: acceptance };
  }

  const modelNotes = planned.candidate
    ? await runner.group("Run the models over the eval dataset", () =>
        runModelsInto(input, modelFlags, { cwd, install: true, log: (line) => runner.info(line) }),
      )
    : [];
  const ran = await runEvalGate(input);
  const judged = modelNotes.length > 0 ? { ...ran, notes: [...modelNotes, ...(ran.notes ?? [])] } : ran;
  const report = baselineUrl
    ? { ...judged, outputs: { ...judged.outputs, "baseline-url": baselineUrl } }
    : judged;
  return { report, publish: publishFromInputs(given, resolved.report) };
});
