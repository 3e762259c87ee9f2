import { GateError } from "@mlgate/core";
import type { ModelOutputs } from "./types.js";

const NAME_LIST = /^[^,]+(,[^,]+)*$/;

function names(text: string): string[] {
  return text.split(",").map((s) => s.trim());
}

/**
 * `--feature-columns` values: `a,b,c` (the columns of a single-input model, in its order; repeated
 * flags append) or `INPUT=a,b,c` (one input of a multi-input model).
 */
export function parseFeatureColumns(values: readonly string[]): {
  features?: string[];
  inputs?: Record<string, string[]>;
} {
  const features: string[] = [];
  const inputs: Record<string, string[]> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    const list = eq < 0 ? value : value.slice(eq + 1);
    const cols = names(list);
    if (!NAME_LIST.test(list) || cols.some((c) => c === "")) {
      throw new GateError(`feature columns "${value}" are not a comma-separated list of column names`, {
        hint: "e.g. --feature-columns age,income,visits, or --feature-columns input_ids=ids for one input of several",
      });
    }
    if (eq < 0) {
      features.push(...cols);
      continue;
    }
    const input = value.slice(0, eq).trim();
    if (input === "") throw new GateError(`feature columns "${value}" name no model input before "="`);
    if (inputs[input]) throw new GateError(`model input "${input}" is given feature columns twice`);
    inputs[input] = cols;
  }
  return {
    ...(features.length > 0 ? { features } : {}),
    ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
  };
}

const ROLES = ["label", "probabilities", "score"] as const;

/** `--model-output ROLE=NAME` values, ROLE one of label, probabilities, score. */
export function parseModelOutputs(values: readonly string[]): ModelOutputs {
  const out: ModelOutputs = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    const role = value.slice(0, Math.max(eq, 0)).trim() as (typeof ROLES)[number];
    const name = value.slice(eq + 1).trim();
    if (eq < 1 || name === "" || !ROLES.includes(role)) {
      throw new GateError(`model output "${value}" is not ROLE=NAME with ROLE one of ${ROLES.join(", ")}`, {
        hint: "e.g. --model-output probabilities=output_probability --model-output label=output_label",
      });
    }
    if (out[role] !== undefined) throw new GateError(`the ${role} output is named twice`);
    out[role] = name;
  }
  return out;
}

/** `--class-labels stay,churn`: class names in the model's index order. */
export function parseClassLabels(value: string): string[] {
  const labels = names(value);
  if (labels.some((l) => l === "")) {
    throw new GateError(`class labels "${value}" are not a comma-separated list`, {
      hint: "e.g. --class-labels stay,churn (in the model's index order)",
    });
  }
  return labels;
}

/** `--batch-size N`. */
export function parseBatchSize(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < 1 || n > 1_000_000) {
    throw new GateError(`--batch-size ${value}: expected a whole number from 1 to 1000000`);
  }
  return n;
}
