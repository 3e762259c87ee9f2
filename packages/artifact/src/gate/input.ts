import type { OnnxPolicy } from "../onnx-policy/policy.js";
import type { AllowEntry } from "../pickle/policy.js";

export interface RuntimeSettings {
  /** Load and run ONNX models (default true). */
  enabled: boolean;
  /** Install onnxruntime-node into the tool cache when nothing provides it. */
  install: boolean;
  /** The user's workspace, searched first for onnxruntime-node. */
  cwd: string;
  version?: string;
  toolCacheDir?: string;
  timeoutMs?: number;
  memoryLimitMb?: number;
  latencyRuns?: number;
  determinism?: "fail" | "warn" | "off";
  /** Progress lines (resolving or installing the runtime). */
  log?: (line: string) => void;
}

/** Everything validate-artifact needs, with paths already absolute. */
export interface ValidateArtifactInput {
  /** A model file, or a directory holding the model and its companions. */
  model: string;
  /** The model card; default model-card.yml (or .yaml, .json) in the model's directory. */
  manifest?: string;
  /** Which budget profile of the model card applies; default its first. */
  profile?: string;
  /** Sample inputs with golden outputs; default the model card's samples.file. */
  samples?: string;
  /** Extra thresholds over the measured metrics (file_size, parameters, load_time, latency_p95, peak_rss, ...). */
  gates: string[];
  /** Metadata keys the model card must fill in; default version, owner, license. */
  requiredMetadata?: string[];
  onnxPolicy?: Partial<OnnxPolicy>;
  /** NaN/Inf weights in safetensors files (ONNX initializers follow onnxPolicy.nonFinite). */
  nonFinite?: "fail" | "warn" | "off";
  /** Globals pickle-based files may import beyond the built-in allowlist. */
  allowGlobals?: AllowEntry[];
  runtime: RuntimeSettings;
  tolerance?: { atol?: number; rtol?: number; topK?: Record<string, number> };
  /** Findings name files relative to this directory (the repository checkout) when inside it. */
  workspace?: string;
}
