import { GateError } from "@mlgate/core";
import type { Dim, SessionIO } from "@mlgate/onnx";
import { showShape } from "./input-plan.js";
import type { ModelOutputs, ModelTask } from "./types.js";

/** The outputs read from each run, by role. */
export interface OutputRoles {
  label?: SessionIO;
  /** Class probabilities [N, C]; or [N] / [N, 1], the probability of class 1. */
  probabilities?: SessionIO;
  /** One value per row: a regression prediction, or a binary probability. */
  score?: SessionIO;
}

const INTEGER = new Set(["int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8"]);
const FLOAT = new Set(["float32", "float64"]);

export const OUTPUT_HINT =
  "name the outputs to read with --model-output label=NAME, --model-output probabilities=NAME or --model-output score=NAME";

/** One value per row: [N] or [N, 1] (or a rank the runtime does not know). */
function perRow(shape: readonly Dim[] | undefined): boolean {
  return shape === undefined || shape.length === 1 || (shape.length === 2 && shape[1] === 1);
}

/** [N, C] with C not known to be 1. */
function perClass(shape: readonly Dim[] | undefined): boolean {
  return shape !== undefined && shape.length === 2 && shape[1] !== 1;
}

const isLabel = (o: SessionIO) =>
  o.dtype !== undefined && (INTEGER.has(o.dtype) || o.dtype === "string") && perRow(o.shape);
const isProbabilities = (o: SessionIO) => o.dtype !== undefined && FLOAT.has(o.dtype) && perClass(o.shape);
const isScore = (o: SessionIO) => o.dtype !== undefined && FLOAT.has(o.dtype) && perRow(o.shape);

export function describeOutputs(outputs: readonly SessionIO[]): string {
  return outputs
    .map((o) => `"${o.name}" ${o.dtype ?? "non-tensor"} ${o.dtype ? showShape(o.shape) : ""}`.trim())
    .join(", ");
}

/**
 * Pick the outputs to read: those named, or, when unambiguous, an integer or string label [N] with
 * class probabilities [N, C], or a single float output ([N, C] probabilities, [N] / [N, 1] a score).
 */
export function chooseOutputs(
  outputs: readonly SessionIO[],
  given: ModelOutputs | undefined,
  task: ModelTask | undefined,
  model: string,
): OutputRoles {
  const nonTensor = outputs.filter((o) => o.dtype === undefined);
  if (nonTensor.length > 0) {
    throw new GateError(
      `model output ${nonTensor.map((o) => `"${o.name}"`).join(", ")} is not a tensor (a sequence or map, such as scikit-learn's ZipMap), which onnxruntime-node cannot return`,
      {
        location: { file: model },
        hint: "convert the model without it (skl2onnx: options={'zipmap': False}), so probabilities come as a [N, C] tensor",
      },
    );
  }
  if (given && (given.label || given.probabilities || given.score)) return named(outputs, given, model);

  const labels = outputs.filter(isLabel);
  const probabilities = outputs.filter(isProbabilities);
  const scores = outputs.filter(isScore);
  const label = labels.length === 1 ? { label: labels[0]! } : {};
  if (labels.length <= 1 && probabilities.length === 1 && scores.length === 0) {
    return { ...label, probabilities: probabilities[0]! };
  }
  if (labels.length <= 1 && probabilities.length === 0 && scores.length === 1) {
    // Beside a predicted class, a single float is the probability of class 1.
    return labels.length === 1 || task === "classification"
      ? { ...label, probabilities: scores[0]! }
      : { score: scores[0]! };
  }
  if (labels.length === 1 && probabilities.length === 0 && scores.length === 0) return label;
  const why =
    labels.length + probabilities.length + scores.length === 0
      ? "none of them is a class label [N], class probabilities [N, C] or a score [N, 1]"
      : "more than one could be the prediction";
  throw new GateError(
    `cannot tell which output of the model to read: ${why}; outputs: ${describeOutputs(outputs)}`,
    {
      location: { file: model },
      hint: OUTPUT_HINT,
    },
  );
}

function named(outputs: readonly SessionIO[], given: ModelOutputs, model: string): OutputRoles {
  const find = (role: keyof ModelOutputs, fits: (o: SessionIO) => boolean, expected: string) => {
    const name = given[role];
    if (name === undefined) return undefined;
    const output = outputs.find((o) => o.name === name);
    if (!output) {
      throw new GateError(
        `the model has no output "${name}" (--model-output ${role}); outputs: ${describeOutputs(outputs)}`,
        {
          location: { file: model },
          hint: OUTPUT_HINT,
        },
      );
    }
    if (!fits(output)) {
      throw new GateError(
        `model output "${name}" is ${output.dtype} ${showShape(output.shape)}, but a ${role} output must be ${expected}`,
        { location: { file: model }, hint: OUTPUT_HINT },
      );
    }
    return output;
  };
  const label = find("label", isLabel, "integer or string, [N] or [N, 1]");
  const probabilities = find(
    "probabilities",
    (o) => isProbabilities(o) || isScore(o),
    "float32 or float64, [N, C] (or [N, 1]: the probability of class 1)",
  );
  const score = find("score", isScore, "float32 or float64, [N] or [N, 1]");
  if (score && (label || probabilities)) {
    throw new GateError(
      "a score output is read alone: it is a regression prediction or the probability of class 1",
      {
        hint: "name either a score output, or class label and probabilities outputs",
      },
    );
  }
  return {
    ...(label ? { label } : {}),
    ...(probabilities ? { probabilities } : {}),
    ...(score ? { score } : {}),
  };
}

/** The names used, for the summary. */
export function outputNames(roles: OutputRoles): ModelOutputs {
  return {
    ...(roles.label ? { label: roles.label.name } : {}),
    ...(roles.probabilities ? { probabilities: roles.probabilities.name } : {}),
    ...(roles.score ? { score: roles.score.name } : {}),
  };
}
