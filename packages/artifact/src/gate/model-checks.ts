import { basename } from "node:path";
import { type Finding, isGateError } from "@mlgate/core";
import { type OnnxModel, readOnnxModel } from "@mlgate/onnx";
import { checkOnnxPolicy } from "../onnx-policy/check.js";
import type { OnnxPolicy } from "../onnx-policy/policy.js";
import { checkFrom, type Outcome } from "../outcome.js";
import type { AllowEntry } from "../pickle/policy.js";
import { scanModelFile } from "../pickle/scan-file.js";
import { inspectSafetensors } from "../safetensors/inspect.js";

/** The static verdict on one model file. */
export interface ModelFileResult {
  path: string;
  format: string;
  outcome: Outcome;
  parameters?: number;
  /** The decoded model, for ONNX files that decoded. */
  onnx?: OnnxModel;
  /** External data files an ONNX model reads, inside its directory. */
  externalFiles: string[];
  /** Any failing finding: such a file is never loaded into a runtime. */
  failed: boolean;
}

function result(
  path: string,
  format: string,
  outcome: Outcome,
  extra: Partial<ModelFileResult> = {},
): ModelFileResult {
  return {
    path,
    format,
    outcome,
    externalFiles: [],
    failed:
      outcome.findings.some((f) => f.level === "fail") || outcome.checks.some((c) => c.status === "fail"),
    ...extra,
  };
}

export async function checkOnnxFile(path: string, policy: Partial<OnnxPolicy>): Promise<ModelFileResult> {
  const label = basename(path);
  let model: OnnxModel;
  try {
    model = await readOnnxModel(path);
  } catch (e) {
    if (!isGateError(e)) throw e;
    // A file that does not decode is evidence against the model, not a reason the gate cannot judge.
    const finding: Finding = {
      rule: "onnx.invalid",
      level: "fail",
      message: `${label} is not a readable ONNX model: ${e.message}`,
      file: path,
    };
    return result(path, "onnx", {
      checks: [checkFrom(`${label} decodes as ONNX`, [finding])],
      findings: [finding],
      metrics: {},
    });
  }
  const policyResult = await checkOnnxPolicy(model, path, policy);
  return result(path, "onnx", policyResult, {
    parameters: policyResult.parameters,
    onnx: model,
    externalFiles: policyResult.externalFiles,
  });
}

export async function checkSafetensorsFile(
  path: string,
  nonFinite: "fail" | "warn" | "off",
): Promise<ModelFileResult> {
  const label = basename(path);
  const inspection = await inspectSafetensors(path, { nonFinite });
  const structural = inspection.findings.filter((f) => f.rule !== "safetensors.non-finite");
  const values = inspection.findings.filter((f) => f.rule === "safetensors.non-finite");
  const checks = [
    checkFrom(`${label} is well-formed safetensors`, structural, {
      actual: `${inspection.tensors.length} tensor(s), header ${inspection.headerLength ?? "?"} bytes`,
    }),
    nonFinite === "off"
      ? {
          name: `tensors of ${label} are finite`,
          status: "skip" as const,
          message: "the policy turns the NaN/Inf scan off",
        }
      : checkFrom(`tensors of ${label} are finite`, values),
  ];
  return result(
    path,
    "safetensors",
    { checks, findings: inspection.findings, metrics: {} },
    { parameters: inspection.parameters },
  );
}

export async function checkScannedFile(path: string, allow: AllowEntry[]): Promise<ModelFileResult> {
  const label = basename(path);
  const scan = await scanModelFile(path, { allow });
  const imported = scan.globals.length;
  const check = checkFrom(`${label} imports only allowed globals`, scan.findings, {
    actual: `${imported} distinct global(s) in ${scan.members} stream(s)`,
  });
  return result(path, scan.format, { checks: [check], findings: scan.findings, metrics: {} });
}
