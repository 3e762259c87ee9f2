import {
  GateError,
  gateSection,
  loadGateSection,
  type ReportSettings,
  reportSettingsOf,
  resolveFrom,
} from "@mlgate/core";
import { z } from "zod";
import { budgetList } from "../manifest/budgets.js";
import type { AllowEntry } from "../pickle/policy.js";
import type { ValidateArtifactInput } from "./input.js";

export const VALIDATE_ARTIFACT = "validate-artifact";

const versionRange = z
  .strictObject({
    min: z.int().min(0).optional().describe("Lowest accepted version."),
    max: z.int().min(0).optional().describe("Highest accepted version."),
  })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
    message: "min is above max",
  });

const onDefect = z.enum(["fail", "warn", "off"]);

/** The `validate-artifact:` section of mlgate.yml. Paths are relative to the config file. */
export const validateArtifactSection = gateSection({
  gates: budgetList
    .optional()
    .describe(
      "Thresholds over the measured metrics, besides the profile's budgets: file_size, artifact_size, parameters, load_time, latency_p50, latency_p95, latency_p99, peak_rss.",
    ),
  model: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The model: an .onnx, .safetensors, pickle-based (.pt, .pth, .bin, .pkl, .joblib) or .keras file, or a directory holding one with its data, tokenizer and other files.",
    ),
  manifest: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The model card (YAML or JSON) listing files with their SHA-256, metadata, signature, budgets and samples. Default: model-card.yml in the model's directory, when present.",
    ),
  profile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Which of the model card's budget profiles applies (server, edge, ...). Default: the first one listed.",
    ),
  samples: z
    .string()
    .min(1)
    .optional()
    .describe("Sample inputs with golden outputs (JSON or JSONL); overrides the model card's samples.file."),
  "required-metadata": z
    .array(z.string().min(1))
    .optional()
    .describe("Metadata keys the model card must fill in (default: version, owner, license)."),
  onnx: z
    .strictObject({
      "ir-version": versionRange.optional().describe("Accepted IR versions (default 3–11)."),
      opsets: z
        .record(z.string(), versionRange)
        .optional()
        .describe(
          'Accepted opset versions per domain, e.g. {"ai.onnx": {min: 13, max: 21}} (default ai.onnx 7–23, ai.onnx.ml 1–5).',
        ),
      domains: z
        .array(z.string())
        .optional()
        .describe(
          'Operator domains nodes may use (default ai.onnx and ai.onnx.ml); add "com.microsoft" to allow ONNX Runtime contrib operators.',
        ),
    })
    .optional()
    .describe("What ONNX models may be."),
  "non-finite": onDefect
    .optional()
    .describe(
      "What NaN or infinite weights do (ONNX initializers, safetensors tensors): fail (default), warn or off.",
    ),
  "allow-globals": z
    .array(
      z.strictObject({
        module: z.string().min(1).describe("A module, or `pkg.*` for a package and its submodules."),
        name: z.string().min(1).describe("An attribute of the module, or `*`."),
        reason: z.string().min(1).describe("Why importing it is safe; shown in the report."),
      }),
    )
    .optional()
    .describe("Globals pickle-based files may import beyond the built-in allowlist, each with a reason."),
  runtime: z
    .strictObject({
      enabled: z.boolean().optional().describe("Load and run ONNX models in ONNX Runtime (default true)."),
      install: z
        .boolean()
        .optional()
        .describe("Install onnxruntime-node into the tool cache when the workspace has none (default true)."),
      version: z
        .string()
        .min(1)
        .optional()
        .describe("onnxruntime-node version to install (default the pinned one)."),
      "timeout-ms": z
        .int()
        .min(1)
        .optional()
        .describe("Bound on loading and on each inference (default 120000)."),
      "memory-limit-mb": z
        .int()
        .min(16)
        .optional()
        .describe(
          "Stop the runtime process past this resident memory, in MiB (default 8192; budgets such as peak_rss < 512MB judge what it used).",
        ),
      "latency-runs": z
        .int()
        .min(0)
        .max(100_000)
        .optional()
        .describe("Timed single-request inferences (default 20)."),
      determinism: onDefect
        .optional()
        .describe("What differing outputs of two identical runs do (default fail)."),
    })
    .optional()
    .describe("Loading and running the model."),
  tolerance: z
    .strictObject({
      atol: z.number().min(0).optional(),
      rtol: z.number().min(0).optional(),
      "top-k": z.record(z.string().min(1), z.int().min(1).max(1000)).optional(),
    })
    .optional()
    .describe(
      "How close outputs must be to the golden ones (default atol 1e-5, rtol 1e-4); the model card's samples block wins.",
    ),
});

export type ValidateArtifactSection = z.output<typeof validateArtifactSection>;

/** What the command line or the action inputs say; these win over the config file. */
export interface ValidateArtifactOverrides {
  model?: string;
  manifest?: string;
  profile?: string;
  samples?: string;
  gates?: string[];
  /** `module.name=reason` pairs. */
  allowGlobals?: AllowEntry[];
  runtime?: boolean;
}

export interface ResolvedValidateArtifact {
  input: ValidateArtifactInput;
  report: ReportSettings;
}

/** `module.name=reason`, e.g. `sklearn.linear_model.LogisticRegression=our own classifier`. */
export function parseAllowGlobal(text: string): AllowEntry {
  const eq = text.indexOf("=");
  const target = (eq < 0 ? text : text.slice(0, eq)).trim();
  const reason = eq < 0 ? "" : text.slice(eq + 1).trim();
  const dot = target.lastIndexOf(".");
  if (dot <= 0 || dot === target.length - 1 || reason === "") {
    throw new GateError(`allowed global "${text}" is not MODULE.NAME=REASON`, {
      hint: "e.g. --allow-global 'sklearn.linear_model._logistic.LogisticRegression=our classifier'",
    });
  }
  return { module: target.slice(0, dot), name: target.slice(dot + 1), reason };
}

/** Merge the config file's section with overrides into the gate's input. */
export async function resolveValidateArtifact(
  overrides: ValidateArtifactOverrides,
  source: { configPath?: string; cwd: string },
): Promise<ResolvedValidateArtifact> {
  const loaded = await loadGateSection(VALIDATE_ARTIFACT, validateArtifactSection, source);
  const file = loaded.section ?? {};
  const inFile = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(loaded.baseDir, p));
  const inCwd = (p: string | undefined) => (p === undefined ? undefined : resolveFrom(source.cwd, p));
  const model = inCwd(overrides.model) ?? inFile(file.model);
  if (!model) {
    throw new GateError("no model to validate", {
      hint: "pass the model's path (mlgate validate-artifact MODEL, action input `model`) or set validate-artifact.model in mlgate.yml",
    });
  }
  const manifest = inCwd(overrides.manifest) ?? inFile(file.manifest);
  const samples = inCwd(overrides.samples) ?? inFile(file.samples);
  const profile = overrides.profile ?? file.profile;
  const onnx = file.onnx;
  const runtime = file.runtime ?? {};
  const input: ValidateArtifactInput = {
    model,
    workspace: source.cwd,
    ...(manifest ? { manifest } : {}),
    ...(samples ? { samples } : {}),
    ...(profile ? { profile } : {}),
    gates: overrides.gates ?? file.gates ?? [],
    ...(file["required-metadata"] ? { requiredMetadata: file["required-metadata"] } : {}),
    onnxPolicy: {
      ...(onnx?.["ir-version"]
        ? {
            irVersion: {
              min: onnx["ir-version"].min ?? 0,
              max: onnx["ir-version"].max ?? Number.MAX_SAFE_INTEGER,
            },
          }
        : {}),
      ...(onnx?.opsets ? { opsets: onnx.opsets } : {}),
      ...(onnx?.domains ? { domains: onnx.domains } : {}),
      ...(file["non-finite"] ? { nonFinite: file["non-finite"] } : {}),
    },
    ...(file["non-finite"] ? { nonFinite: file["non-finite"] } : {}),
    allowGlobals: [...(file["allow-globals"] ?? []), ...(overrides.allowGlobals ?? [])],
    runtime: {
      enabled: overrides.runtime ?? runtime.enabled ?? true,
      install: runtime.install ?? true,
      cwd: source.cwd,
      ...(runtime.version ? { version: runtime.version } : {}),
      ...(runtime["timeout-ms"] ? { timeoutMs: runtime["timeout-ms"] } : {}),
      ...(runtime["memory-limit-mb"] ? { memoryLimitMb: runtime["memory-limit-mb"] } : {}),
      ...(runtime["latency-runs"] !== undefined ? { latencyRuns: runtime["latency-runs"] } : {}),
      ...(runtime.determinism ? { determinism: runtime.determinism } : {}),
    },
    ...(file.tolerance
      ? {
          tolerance: {
            ...(file.tolerance.atol !== undefined ? { atol: file.tolerance.atol } : {}),
            ...(file.tolerance.rtol !== undefined ? { rtol: file.tolerance.rtol } : {}),
            ...(file.tolerance["top-k"] ? { topK: file.tolerance["top-k"] } : {}),
          },
        }
      : {}),
  };
  return { input, report: reportSettingsOf(file.report, loaded.baseDir) };
}
