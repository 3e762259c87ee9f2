import type { Check, Finding } from "@mlgate/core";
import type { OnnxModel, OnnxType } from "@mlgate/onnx";
import { checkFrom } from "../outcome.js";

/** Why a value type cannot be fed or read by a client, or undefined when it is fully typed. */
function untyped(type: OnnxType): string | undefined {
  switch (type.kind) {
    case "tensor":
    case "sparse_tensor":
      return type.dtype === "undefined" || type.dtype.startsWith("dtype(")
        ? `has no element type (${type.dtype})`
        : undefined;
    case "sequence":
    case "optional":
      return untyped(type.elem);
    case "map":
      return type.key === "undefined" ? "is a map without a key type" : untyped(type.value);
    case "unknown":
      return "has no type";
  }
}

/** Every graph input and output carries a type a client can build or read. */
export function checkIoTypes(
  model: OnnxModel,
  file: string,
  label: string,
): { check: Check; findings: Finding[] } {
  const constants = new Set(model.graph.initializers.map((t) => t.name));
  const findings: Finding[] = [];
  const visit = (kind: "input" | "output", name: string, type: OnnxType) => {
    const why = untyped(type);
    if (why) {
      findings.push({
        rule: "onnx.untyped-io",
        level: "fail",
        message: `graph ${kind} "${name}" of ${label} ${why}`,
        file,
      });
    }
  };
  const inputs = model.graph.inputs.filter((v) => !constants.has(v.name));
  for (const v of inputs) visit("input", v.name, v.type);
  for (const v of model.graph.outputs) visit("output", v.name, v.type);
  if (model.graph.outputs.length === 0) {
    findings.push({ rule: "onnx.no-outputs", level: "fail", message: `${label} has no graph outputs`, file });
  }
  return {
    check: checkFrom(`inputs and outputs of ${label} are typed`, findings, {
      actual: `${inputs.length} in, ${model.graph.outputs.length} out`,
    }),
    findings,
  };
}
