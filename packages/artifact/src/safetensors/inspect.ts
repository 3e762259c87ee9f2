import { type Finding, GateError } from "@mlgate/core";
import { describeNonFinite } from "../non-finite.js";
import { capFindings } from "../outcome.js";
import { type ByteSource, fileSource } from "./byte-source.js";
import { readHeader } from "./header.js";
import { checkLayout } from "./layout.js";
import { scanNonFinite } from "./non-finite.js";
import { DEFAULT_SAFETENSORS_LIMITS, type SafetensorsInspection, type SafetensorsLimits } from "./types.js";

export interface SafetensorsOptions {
  limits?: Partial<SafetensorsLimits>;
  /** Read every float tensor and count NaN/Inf values (`off` reads the header only). Default `off`. */
  nonFinite?: "fail" | "warn" | "off";
}

function resolveLimits(given: Partial<SafetensorsLimits> | undefined): SafetensorsLimits {
  const limits = { ...DEFAULT_SAFETENSORS_LIMITS };
  for (const [key, value] of Object.entries(given ?? {}) as [keyof SafetensorsLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new GateError(`safetensors limit ${key} must be a positive integer, got ${value}`);
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * Check a safetensors file's structure from its header and size alone (the tensor data is read
 * only for the optional NaN/Inf scan), so multi-gigabyte files cost a few reads.
 * A malformed file yields findings; only an unreadable one throws (a GateError).
 */
export async function inspectSafetensors(
  path: string,
  options: SafetensorsOptions = {},
): Promise<SafetensorsInspection> {
  let source: ByteSource;
  try {
    source = await fileSource(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateError(
      code === "ENOENT"
        ? `safetensors file not found: ${path}`
        : `cannot read safetensors file ${path}: ${code ?? String(e)}`,
      { location: { file: path }, cause: e },
    );
  }
  try {
    return await inspectSafetensorsSource(source, options);
  } finally {
    await source.close();
  }
}

export async function inspectSafetensorsSource(
  source: ByteSource,
  options: SafetensorsOptions = {},
): Promise<SafetensorsInspection> {
  const limits = resolveLimits(options.limits);
  const header = await readHeader(source, limits);
  const findings: Finding[] = [...header.findings];
  const broken = findings.some((f) => f.level === "fail");
  if (header.dataStart !== undefined && !broken) {
    findings.push(...checkLayout(header.tensors, source.size - header.dataStart, source.name));
  }
  const result: SafetensorsInspection = {
    file: source.name,
    byteLength: source.size,
    ...(header.headerLength === undefined ? {} : { headerLength: header.headerLength }),
    metadata: header.metadata,
    tensors: [...header.tensors].sort((a, b) => a.begin - b.begin),
    parameters: header.tensors.reduce((n, t) => n + t.elementCount, 0),
    findings,
  };
  const mode = options.nonFinite ?? "off";
  if (mode !== "off" && header.dataStart !== undefined && !findings.some((f) => f.level === "fail")) {
    const counts = await scanNonFinite(source, header.dataStart, result.tensors);
    result.nonFinite = counts;
    for (const c of counts) {
      findings.push({
        rule: "safetensors.non-finite",
        level: mode,
        message: `tensor ${JSON.stringify(c.tensor)} holds ${describeNonFinite(c)}`,
        file: source.name,
        properties: { tensor: c.tensor, nan: c.nan, inf: c.inf },
      });
    }
  }
  result.findings = capFindings(findings);
  return result;
}
