import { basename } from "node:path";
import type { Finding, Metric } from "@mlgate/core";
import type { OnnxModel } from "@mlgate/onnx";
import { capFindings, type Outcome } from "../outcome.js";
import { checkDomains } from "./domains.js";
import { checkExternalData } from "./external-data.js";
import { allGraphs } from "./graphs.js";
import { checkInitializerValues } from "./initializers.js";
import { checkIoTypes } from "./io-types.js";
import { type OnnxPolicy, resolveOnnxPolicy } from "./policy.js";
import { checkIrVersion, checkOpsets } from "./versions.js";

export interface OnnxPolicyResult extends Outcome {
  /** External data files the model reads, inside its directory (paths as joined, not resolved). */
  externalFiles: string[];
  /** Elements in every initializer, subgraphs included. */
  parameters: number;
}

/** Elements of every dense and sparse initializer in every graph. */
export function countParameters(model: OnnxModel): number {
  let n = 0;
  for (const graph of allGraphs(model.graph)) {
    for (const t of graph.initializers) n += t.elementCount;
    for (const t of graph.sparseInitializers) n += t.dims.reduce((a, d) => a * d, 1);
  }
  return n;
}

/** Judge a decoded ONNX model against the policy: versions, domains, external data, weights, I/O types. */
export async function checkOnnxPolicy(
  model: OnnxModel,
  modelPath: string,
  given: Partial<OnnxPolicy> = {},
): Promise<OnnxPolicyResult> {
  const policy = resolveOnnxPolicy(given);
  const label = basename(modelPath);
  const parts = [
    checkIrVersion(model, policy, modelPath, label),
    checkOpsets(model, policy, modelPath, label),
    checkDomains(model, policy, modelPath, label),
    checkIoTypes(model, modelPath, label),
  ];
  const external = await checkExternalData(model, modelPath, label);
  const values = await checkInitializerValues(model, external.regions, policy.nonFinite, modelPath, label);
  const all = [...parts, external, values];
  const findings: Finding[] = capFindings(all.flatMap((p) => p.findings));
  const parameters = countParameters(model);
  const metrics: Record<string, Metric> = {
    parameters: {
      value: parameters,
      dimension: "count",
      description: "elements in the model's weight tensors",
    },
  };
  return {
    checks: all.map((p) => p.check),
    findings,
    metrics,
    externalFiles: external.files,
    parameters,
  };
}
