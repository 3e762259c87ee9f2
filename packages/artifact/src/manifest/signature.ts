import type { Finding, FindingLevel } from "@mlgate/core";
import type { Dim, ModelSignature, TensorSpec } from "@mlgate/onnx";

/** `float` and `FLOAT` are float32, `double` float64: compare names as ONNX would. */
function canonicalDtype(dtype: string): string {
  const lower = dtype.toLowerCase();
  const aliases: Record<string, string> = {
    float: "float32",
    double: "float64",
    half: "float16",
    boolean: "bool",
  };
  return aliases[lower] ?? lower;
}

function formatShape(shape: readonly Dim[] | null | undefined): string {
  if (!shape) return "unknown rank";
  return `[${shape.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}

/**
 * How a declared dimension and the model's agree. The model may be more general than the declaration
 * (a symbolic batch where 1 was declared) but not narrower: a fixed 1 where clients were promised any
 * batch size breaks them.
 */
function compareDim(declared: Dim, actual: Dim): "ok" | "narrower" | "different" {
  if (declared === null || actual === null) return "ok";
  if (typeof declared === "number" && typeof actual === "number")
    return declared === actual ? "ok" : "different";
  if (typeof declared === "string" && typeof actual === "number") return "narrower";
  return "ok";
}

export interface SignatureComparison {
  /** `the model file` or `the loaded session`, for messages. */
  against: string;
  file?: string;
  /** Outputs the model has beyond the declared ones; default warn. */
  extraOutputs?: FindingLevel;
}

/** Compare the declared signature with the model's: names, element types, ranks and dimensions. */
export function compareSignature(
  declared: ModelSignature,
  actual: ModelSignature,
  options: SignatureComparison,
): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, level: FindingLevel, message: string) =>
    findings.push({
      rule: `signature.${rule}`,
      level,
      message,
      ...(options.file ? { file: options.file } : {}),
    });
  const side = (kind: "input" | "output", want: readonly TensorSpec[], have: readonly TensorSpec[]) => {
    const byName = new Map(have.map((t) => [t.name, t]));
    for (const d of want) {
      const a = byName.get(d.name);
      if (!a) {
        add(
          `missing-${kind}`,
          "fail",
          `declared ${kind} "${d.name}" is not in ${options.against} (it has ${have.map((t) => `"${t.name}"`).join(", ") || "none"})`,
        );
        continue;
      }
      if (canonicalDtype(d.dtype) !== canonicalDtype(a.dtype)) {
        add("dtype", "fail", `${kind} "${d.name}" is ${a.dtype} in ${options.against}, declared ${d.dtype}`);
      }
      if (!d.shape || !a.shape) continue;
      if (d.shape.length !== a.shape.length) {
        add(
          "rank",
          "fail",
          `${kind} "${d.name}" has shape ${formatShape(a.shape)} in ${options.against}, declared ${formatShape(d.shape)}`,
        );
        continue;
      }
      d.shape.forEach((dim, i) => {
        const verdict = compareDim(dim, a.shape![i] ?? null);
        if (verdict === "ok") return;
        const how =
          verdict === "narrower"
            ? `fixed to ${a.shape![i]} where the declaration allows any size ("${dim}")`
            : `${a.shape![i]} where ${dim} is declared`;
        add(
          "dim",
          "fail",
          `${kind} "${d.name}" dimension ${i} is ${how} (${formatShape(a.shape)} vs ${formatShape(d.shape)})`,
        );
      });
    }
    const declaredNames = new Set(want.map((t) => t.name));
    for (const a of have) {
      if (declaredNames.has(a.name)) continue;
      if (kind === "input") {
        add(
          "unexpected-input",
          "fail",
          `${options.against} requires input "${a.name}", which the signature does not declare`,
        );
      } else {
        add(
          "extra-output",
          options.extraOutputs ?? "warn",
          `${options.against} has output "${a.name}", which the signature does not declare`,
        );
      }
    }
  };
  side("input", declared.inputs, actual.inputs);
  side("output", declared.outputs, actual.outputs);
  return findings;
}

/** The declared signature from a model card, with unknown shapes as null. */
export function declaredSignature(card: {
  signature?:
    | {
        inputs: { name: string; dtype: string; shape?: Dim[] | null | undefined }[];
        outputs: { name: string; dtype: string; shape?: Dim[] | null | undefined }[];
      }
    | undefined;
}): ModelSignature | undefined {
  if (!card.signature) return undefined;
  const spec = (t: { name: string; dtype: string; shape?: Dim[] | null | undefined }): TensorSpec => ({
    name: t.name,
    dtype: t.dtype,
    shape: t.shape ?? null,
  });
  return { inputs: card.signature.inputs.map(spec), outputs: card.signature.outputs.map(spec) };
}
