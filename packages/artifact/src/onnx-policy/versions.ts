import type { Check, Finding } from "@mlgate/core";
import type { OnnxModel } from "@mlgate/onnx";
import { checkFrom } from "../outcome.js";
import { allNodes } from "./graphs.js";
import { canonicalDomain, formatRange, inRange, type OnnxPolicy } from "./policy.js";

export function checkIrVersion(
  model: OnnxModel,
  policy: OnnxPolicy,
  file: string,
  label: string,
): { check: Check; findings: Finding[] } {
  const findings: Finding[] = [];
  const expected = formatRange(policy.irVersion);
  if (!inRange(model.irVersion, policy.irVersion)) {
    findings.push({
      rule: "onnx.ir-version",
      level: "fail",
      message: `${label} has IR version ${model.irVersion}; the policy accepts ${expected}`,
      file,
    });
  }
  return {
    check: checkFrom(`IR version of ${label}`, findings, { actual: String(model.irVersion), expected }),
    findings,
  };
}

/**
 * Every opset import within its domain's range, and every domain a node uses imported (a node in a
 * domain without an opset import cannot be resolved by any runtime).
 */
export function checkOpsets(
  model: OnnxModel,
  policy: OnnxPolicy,
  file: string,
  label: string,
): { check: Check; findings: Finding[] } {
  const findings: Finding[] = [];
  const imported = new Map<string, number>();
  for (const op of model.opsetImports) {
    const domain = canonicalDomain(op.domain);
    if (imported.has(domain)) {
      findings.push({
        rule: "onnx.opset-duplicate",
        level: "fail",
        message: `${label} imports domain "${domain}" twice`,
        file,
      });
    }
    imported.set(domain, op.version);
    const range = policy.opsets[domain];
    if (range && !inRange(op.version, range)) {
      findings.push({
        rule: "onnx.opset",
        level: "fail",
        message: `${label} imports ${domain} opset ${op.version}; the policy accepts ${formatRange(range)}`,
        file,
      });
    }
  }
  const functionDomains = new Set(model.functions.map((f) => canonicalDomain(f.domain)));
  const unimported = new Set<string>();
  for (const node of allNodes(model.graph)) {
    const domain = canonicalDomain(node.domain);
    if (!imported.has(domain) && !functionDomains.has(domain)) unimported.add(domain);
  }
  for (const domain of unimported) {
    findings.push({
      rule: "onnx.opset-missing",
      level: "fail",
      message: `${label} has nodes in domain "${domain}" but no opset import for it`,
      file,
    });
  }
  const actual = [...imported].map(([d, v]) => `${d} ${v}`).join(", ");
  const expected = Object.entries(policy.opsets)
    .map(([d, r]) => `${d} ${formatRange(r)}`)
    .join(", ");
  return { check: checkFrom(`opsets of ${label}`, findings, { actual, expected }), findings };
}
