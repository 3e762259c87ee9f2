import type { Check, Finding } from "@mlgate/core";
import type { OnnxModel } from "@mlgate/onnx";
import { checkFrom } from "../outcome.js";
import { allNodes } from "./graphs.js";
import { canonicalDomain, type OnnxPolicy } from "./policy.js";

const MAX_LISTED_OPS = 8;

/**
 * Every node's operator domain must be allowed. Contrib (`com.microsoft`) and custom domains tie the
 * model to one runtime build or to native code shipped beside it, so they fail unless listed.
 */
export function checkDomains(
  model: OnnxModel,
  policy: OnnxPolicy,
  file: string,
  label: string,
): { check: Check; findings: Finding[] } {
  const allowed = new Set(policy.domains);
  const local = new Set(model.functions.map((f) => `${canonicalDomain(f.domain)}::${f.name}`));
  const used = new Map<string, Map<string, number>>();
  for (const node of allNodes(model.graph)) {
    const domain = canonicalDomain(node.domain);
    const ops = used.get(domain) ?? new Map<string, number>();
    ops.set(node.opType, (ops.get(node.opType) ?? 0) + 1);
    used.set(domain, ops);
  }
  const findings: Finding[] = [];
  for (const [domain, ops] of used) {
    if (allowed.has(domain)) continue;
    const names = [...ops.keys()];
    const localOnly = names.every((op) => local.has(`${domain}::${op}`));
    const listed = names
      .slice(0, MAX_LISTED_OPS)
      .map((op) => `${op}${(ops.get(op) ?? 0) > 1 ? ` ×${ops.get(op)}` : ""}`)
      .join(", ");
    const more = names.length > MAX_LISTED_OPS ? `, and ${names.length - MAX_LISTED_OPS} more` : "";
    const kind =
      domain === "com.microsoft"
        ? "ONNX Runtime contrib operators"
        : localOnly
          ? "functions defined in the model"
          : "custom operators";
    findings.push({
      rule: "onnx.domain",
      level: "fail",
      message: `${label} uses ${kind} from domain "${domain}" (${listed}${more}), which the policy does not allow`,
      file,
      properties: { domain, operators: names },
    });
  }
  const actual = [...used.keys()].sort().join(", ") || "no nodes";
  return {
    check: checkFrom(`operator domains of ${label}`, findings, { actual, expected: [...allowed].join(", ") }),
    findings,
  };
}
