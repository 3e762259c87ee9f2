import { lstat } from "node:fs/promises";
import { basename, isAbsolute, relative, sep } from "node:path";
import {
  type Check,
  type Finding,
  GateError,
  type Metric,
  makeReport,
  type Report,
  verdictOf,
} from "@mlgate/core";
import { type ModelSignature, type ResolvedRuntime, resolveOnnxRuntime, signatureOf } from "@mlgate/onnx";
import { type ArtifactFile, hashArtifactFiles, toArtifactPath, walkArtifact } from "../artifact-files.js";
import { sha256OfListing } from "../hash.js";
import { FileHasher } from "../hash-worker.js";
import { checkBudgets } from "../manifest/budgets.js";
import { checkManifestFiles } from "../manifest/files.js";
import { loadModelCard } from "../manifest/load.js";
import { checkRequiredMetadata, DEFAULT_REQUIRED_METADATA } from "../manifest/metadata.js";
import type { ModelCard } from "../manifest/schema.js";
import { compareSignature, declaredSignature } from "../manifest/signature.js";
import { checkFrom, mergeOutcomes, type Outcome, skipped } from "../outcome.js";
import { readSamples } from "../runtime-checks/samples.js";
import { runRuntimeChecks } from "../runtime-checks/session-checks.js";
import { classifyFile } from "./classify.js";
import { VALIDATE_ARTIFACT } from "./config.js";
import { headlineOf } from "./headline.js";
import type { ValidateArtifactInput } from "./input.js";
import { type LocatedArtifact, locateArtifact } from "./locate.js";
import {
  checkOnnxFile,
  checkSafetensorsFile,
  checkScannedFile,
  type ModelFileResult,
} from "./model-checks.js";

/** The files of the artifact and the static verdict on each model file among them. */
interface Inventory {
  present: ArtifactFile[];
  models: ModelFileResult[];
  walk: Outcome;
}

async function fileEntry(root: string, absolute: string): Promise<ArtifactFile> {
  return { path: toArtifactPath(root, absolute), absolute, bytes: (await lstat(absolute)).size };
}

/** Validate every model file; ONNX first, so their external data files are known as data. */
async function takeInventory(
  located: LocatedArtifact,
  input: ValidateArtifactInput,
  hasher: FileHasher,
): Promise<Inventory> {
  // Hashing starts now, on its own thread, and overlaps with every check below.
  const prefetch = (path: string) => void hasher.hash(path).catch(() => {});
  const onnxPolicy = input.onnxPolicy ?? {};
  const nonFinite = input.nonFinite ?? onnxPolicy.nonFinite ?? "fail";
  const models: ModelFileResult[] = [];
  if (located.kind === "file") {
    const target = located.target;
    prefetch(target);
    const { role, format } = await classifyFile(target);
    if (role === "data") {
      throw new GateError(`${target} is not a model file the gate knows (${format})`, {
        location: { file: target },
        hint: "validate-artifact reads .onnx, .safetensors, pickle-based (.pt .pth .bin .pkl .joblib) and .keras files, or a directory holding them",
      });
    }
    const model =
      role === "onnx"
        ? await checkOnnxFile(target, onnxPolicy)
        : role === "safetensors"
          ? await checkSafetensorsFile(target, nonFinite)
          : await checkScannedFile(target, input.allowGlobals ?? []);
    models.push(model);
    const present = [await fileEntry(located.root, target)];
    for (const ext of model.externalFiles) present.push(await fileEntry(located.root, ext));
    return { present, models, walk: { checks: [], findings: [], metrics: {} } };
  }

  const walked = await walkArtifact(located.root);
  const present = walked.files.filter((f) => f.absolute !== located.manifest);
  for (const f of present) prefetch(f.absolute);
  const external = new Set<string>();
  for (const f of present) {
    if (!f.path.toLowerCase().endsWith(".onnx")) continue;
    const model = await checkOnnxFile(f.absolute, onnxPolicy);
    for (const e of model.externalFiles) external.add(e);
    models.push(model);
  }
  for (const f of present) {
    if (external.has(f.absolute) || f.path.toLowerCase().endsWith(".onnx")) continue;
    const { role } = await classifyFile(f.absolute);
    if (role === "safetensors") models.push(await checkSafetensorsFile(f.absolute, nonFinite));
    else if (role === "scan") models.push(await checkScannedFile(f.absolute, input.allowGlobals ?? []));
  }
  if (models.length === 0) {
    throw new GateError(`no model file in ${located.root}`, {
      location: { file: located.root },
      hint: "the directory should hold an .onnx, .safetensors, pickle-based or .keras model",
    });
  }
  const walk: Outcome = {
    checks:
      walked.findings.length > 0 ? [checkFrom("artifact holds only regular files", walked.findings)] : [],
    findings: walked.findings,
    metrics: {},
  };
  return { present, models, walk };
}

/** The model the runtime loads and the signature belongs to: named by the card, or the only one. */
function primaryModel(
  models: readonly ModelFileResult[],
  located: LocatedArtifact,
  card: ModelCard | undefined,
): ModelFileResult | undefined {
  if (card?.model) return models.find((m) => toArtifactPath(located.root, m.path) === card.model);
  const onnx = models.filter((m) => m.format === "onnx");
  if (onnx.length === 1) return onnx[0];
  return models.length === 1 ? models[0] : undefined;
}

function manifestChecks(card: ModelCard, manifest: string, input: ValidateArtifactInput): Outcome {
  return checkRequiredMetadata(card, input.requiredMetadata ?? DEFAULT_REQUIRED_METADATA, manifest);
}

function chooseProfile(
  card: ModelCard | undefined,
  wanted: string | undefined,
  manifest: string | undefined,
): string | undefined {
  const profiles = Object.keys(card?.budgets ?? {});
  if (wanted !== undefined) {
    if (!profiles.includes(wanted)) {
      throw new GateError(
        profiles.length === 0
          ? `profile "${wanted}" was asked for, but ${manifest ? `the model card ${manifest} declares no budgets` : "there is no model card with budgets"}`
          : `the model card has no budget profile "${wanted}" (it has ${profiles.join(", ")})`,
        {
          ...(manifest ? { location: { file: manifest } } : {}),
          hint: "pick one of the profiles under budgets: in the model card",
        },
      );
    }
    return wanted;
  }
  return profiles[0];
}

async function runtimeOutcome(
  primary: ModelFileResult | undefined,
  input: ValidateArtifactInput,
  located: LocatedArtifact,
  card: ModelCard | undefined,
  declared: ModelSignature | undefined,
): Promise<{ outcome: Outcome; runtime?: ResolvedRuntime; why?: string }> {
  const name = "model loads in ONNX Runtime";
  const skip = (why: string) => ({
    outcome: { checks: [skipped(name, why)], findings: [], metrics: {} },
    why,
  });
  if (primary?.format !== "onnx") {
    return {
      outcome: { checks: [], findings: [], metrics: {} },
      why: primary ? `${primary.format} files are not run` : "no single ONNX model to run",
    };
  }
  if (!input.runtime.enabled) return skip("the runtime checks are turned off");
  if (primary.failed) return skip(`not loaded: ${basename(primary.path)} failed its static checks`);
  const samplesFile = input.samples ?? (card?.samples ? inRoot(located.root, card.samples.file) : undefined);
  const samples = samplesFile ? await readSamples(samplesFile) : undefined;
  const runtime = await resolveOnnxRuntime({
    cwd: input.runtime.cwd,
    install: input.runtime.install,
    ...(input.runtime.version ? { version: input.runtime.version } : {}),
    ...(input.runtime.toolCacheDir ? { toolCacheDir: input.runtime.toolCacheDir } : {}),
    ...(input.runtime.log ? { log: input.runtime.log } : {}),
  });
  const tolerance = {
    ...(input.tolerance?.atol !== undefined ? { atol: input.tolerance.atol } : {}),
    ...(input.tolerance?.rtol !== undefined ? { rtol: input.tolerance.rtol } : {}),
    ...(card?.samples?.atol !== undefined ? { atol: card.samples.atol } : {}),
    ...(card?.samples?.rtol !== undefined ? { rtol: card.samples.rtol } : {}),
  };
  const outcome = await runRuntimeChecks({
    modelPath: primary.path,
    runtime,
    ...(declared ? { declared } : {}),
    ...(samples ? { samples } : {}),
    ...(samplesFile ? { samplesFile } : {}),
    tolerance,
    topK: { ...input.tolerance?.topK, ...card?.samples?.["top-k"] },
    ...(input.runtime.timeoutMs ? { timeoutMs: input.runtime.timeoutMs } : {}),
    ...(input.runtime.memoryLimitMb ? { memoryLimitMb: input.runtime.memoryLimitMb } : {}),
    ...(input.runtime.latencyRuns !== undefined ? { latencyRuns: input.runtime.latencyRuns } : {}),
    ...(input.runtime.determinism ? { determinism: input.runtime.determinism } : {}),
  });
  return { outcome, runtime };
}

/** Annotations and SARIF results point into the repository: name files relative to the checkout. */
function withRelativeFile(f: Finding, workspace: string): Finding {
  if (!f.file || !isAbsolute(f.file)) return f;
  const rel = relative(workspace, f.file);
  if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) return f;
  return { ...f, file: rel.split(sep).join("/") };
}

/** A model card path (relative, `/`-separated) inside the artifact root. */
function inRoot(root: string, relative: string): string {
  return [root, ...relative.split("/")].join("/");
}

/**
 * Prove a model artifact is complete, safe to deserialize, true to its model card, loadable and
 * within its budgets: one report with a check per policy item and per budget.
 */
export async function runValidateArtifact(input: ValidateArtifactInput): Promise<Report> {
  const hasher = new FileHasher();
  try {
    return await validate(input, hasher);
  } finally {
    await hasher.close();
  }
}

async function validate(input: ValidateArtifactInput, hasher: FileHasher): Promise<Report> {
  const started = Date.now();
  const located = await locateArtifact(input.model, input.manifest);
  const card = located.manifest ? await loadModelCard(located.manifest) : undefined;
  const profile = chooseProfile(card, input.profile, located.manifest);
  const inventory = await takeInventory(located, input, hasher);
  const { models } = inventory;
  const notes: string[] = [];

  // The model card: files with their hashes, required metadata.
  let files = inventory.present;
  const cardParts: Outcome[] = [];
  if (card && located.manifest) {
    if (card.files) {
      const checked = await checkManifestFiles({
        root: located.root,
        declared: card.files,
        present: inventory.present,
        manifestFile: located.manifest,
        hasher,
      });
      files = checked.files;
      cardParts.push(checked.outcome);
    } else {
      cardParts.push({
        checks: [skipped("files match the manifest", "the model card lists no files")],
        findings: [],
        metrics: {},
      });
    }
    cardParts.push(manifestChecks(card, located.manifest, input));
  } else {
    notes.push(
      "No model card: file hashes, metadata, the declared signature and budgets were not checked. Add a model-card.yml beside the model (or pass --manifest).",
    );
  }
  await hashArtifactFiles(files, hasher);

  const primary = primaryModel(models, located, card);
  const declared = card ? declaredSignature(card) : undefined;
  const signatureParts: Outcome[] = [];
  if (card?.model && !primary) {
    const finding: Finding = {
      rule: "manifest.model-missing",
      level: "fail",
      message: `the model card names ${card.model} as the model, but it is not a model file of the artifact`,
      ...(located.manifest ? { file: located.manifest } : {}),
    };
    signatureParts.push({
      checks: [checkFrom("the model card's model exists", [finding])],
      findings: [finding],
      metrics: {},
    });
  }
  const actualSignature = primary?.onnx ? signatureOf(primary.onnx) : undefined;
  if (declared) {
    const name = `${primary ? basename(primary.path) : "model"} matches the declared signature`;
    if (actualSignature) {
      const found = compareSignature(declared, actualSignature, {
        against: "the model file",
        file: primary!.path,
      });
      signatureParts.push({
        checks: [
          checkFrom(name, found, {
            actual: `${actualSignature.inputs.length} in, ${actualSignature.outputs.length} out`,
            expected: `${declared.inputs.length} in, ${declared.outputs.length} out`,
          }),
        ],
        findings: found,
        metrics: {},
      });
    } else {
      signatureParts.push({
        checks: [
          skipped(
            name,
            primary ? `${primary.format} files carry no signature to compare` : "no single model to compare",
          ),
        ],
        findings: [],
        metrics: {},
      });
    }
  }

  const run = await runtimeOutcome(primary, input, located, card, declared);
  if (run.runtime)
    notes.push(`ONNX Runtime: onnxruntime-node ${run.runtime.version} (${run.runtime.source}).`);

  // Sizes and parameters; the runtime adds load time, latency and memory.
  const modelBytes = new Set(models.flatMap((m) => [m.path, ...m.externalFiles]));
  const metrics: Record<string, Metric> = {
    file_size: {
      value: files.filter((f) => modelBytes.has(f.absolute)).reduce((n, f) => n + f.bytes, 0),
      dimension: "bytes",
      description: "model file(s), external data included",
    },
  };
  if (located.kind === "directory") {
    metrics.artifact_size = {
      value: files.reduce((n, f) => n + f.bytes, 0),
      dimension: "bytes",
      description: "every file of the artifact",
    };
  }
  const counted = models.filter((m) => m.parameters !== undefined);
  if (counted.length > 0) {
    metrics.parameters = {
      value: counted.reduce((n, m) => n + (m.parameters ?? 0), 0),
      dimension: "count",
      description: "elements in the weight tensors",
    };
  }
  Object.assign(metrics, run.outcome.metrics);

  const unmeasured = run.why ?? "the model was not loaded into a runtime";
  const budgetChecks: Check[] = [];
  if (profile && card?.budgets?.[profile]) {
    budgetChecks.push(...checkBudgets(card.budgets[profile], metrics, { profile, unmeasured }));
  }
  if (input.gates.length > 0) budgetChecks.push(...checkBudgets(input.gates, metrics, { unmeasured }));

  const all = mergeOutcomes(
    inventory.walk,
    ...cardParts,
    ...models.map((m) => ({ ...m.outcome, metrics: {} })),
    ...signatureParts,
    { ...run.outcome, metrics: {} },
    { checks: budgetChecks, findings: [], metrics: {} },
  );
  const verdict = verdictOf(all.findings, all.checks);
  const sha256 =
    located.kind === "file"
      ? (files.find((f) => f.absolute === located.target)?.sha256 ?? "")
      : sha256OfListing(files.map((f) => ({ path: f.path, sha256: f.sha256 ?? "" })));
  const signature = actualSignature ?? declared;
  const format = [...new Set(models.map((m) => m.format))].join(",");
  return makeReport({
    gate: VALIDATE_ARTIFACT,
    verdict,
    findings: input.workspace ? all.findings.map((f) => withRelativeFile(f, input.workspace!)) : all.findings,
    headline: headlineOf(verdict, all.checks, {
      label: located.kind === "directory" ? `${basename(located.target)}/` : basename(located.target),
      format,
      profile,
      metrics,
    }),
    checks: all.checks,
    metrics,
    outputs: {
      sha256,
      format,
      ...(signature ? { signature: JSON.stringify(signature) } : {}),
      ...(profile ? { profile } : {}),
      ...(run.runtime ? { runtime: `onnxruntime-node ${run.runtime.version} (${run.runtime.source})` } : {}),
    },
    notes,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  });
}
