import { open } from "node:fs/promises";
import { type Check, type Finding, isGateError } from "@mlgate/core";
import { dtypeInfo, type OnnxModel, type TensorValues } from "@mlgate/onnx";
import { countNonFinite, type FloatEncoding } from "../non-finite.js";
import { checkFrom, skipped } from "../outcome.js";
import type { ExternalRegion } from "./external-data.js";
import { allGraphs } from "./graphs.js";

/** Read external data in chunks of this many bytes (a multiple of every element width). */
const CHUNK = 8 * 1024 * 1024;

interface Count {
  nan: number;
  infinity: number;
}

/** How NaN and infinity look in an ONNX element type; undefined for types without them. */
function encodingOf(dtype: string): FloatEncoding | undefined {
  switch (dtypeInfo(dtype)?.name) {
    case "float32":
    case "complex64":
      return "f32";
    case "float64":
    case "complex128":
      return "f64";
    case "float16":
      return "f16";
    case "bfloat16":
      return "bf16";
    case "float8e4m3fn":
      return "f8e4m3fn";
    case "float8e5m2":
      return "f8e5m2";
    case "float8e4m3fnuz":
    case "float8e5m2fnuz":
      return "f8fnuz";
    default:
      return undefined;
  }
}

function countBytes(encoding: FloatEncoding, bytes: Uint8Array): Count {
  const c = countNonFinite(encoding, bytes);
  return { nan: c.nan, infinity: c.inf };
}

function bytesOf(values: TensorValues): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

async function countExternal(
  region: ExternalRegion,
  encoding: FloatEncoding,
  buffer: Uint8Array,
): Promise<Count> {
  const total = { nan: 0, infinity: 0 };
  const handle = await open(region.path, "r");
  try {
    for (let done = 0; done < region.length; ) {
      const want = Math.min(buffer.byteLength, region.length - done);
      const { bytesRead } = await handle.read(buffer, 0, want, region.offset + done);
      if (bytesRead === 0) break;
      const c = countBytes(encoding, buffer.subarray(0, bytesRead));
      total.nan += c.nan;
      total.infinity += c.infinity;
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return total;
}

function describe(c: Count): string {
  const parts = [];
  if (c.nan > 0) parts.push(`${c.nan} NaN value(s)`);
  if (c.infinity > 0) parts.push(`${c.infinity} infinite value(s)`);
  return parts.join(" and ");
}

/**
 * NaN or infinite weights make every prediction that touches them NaN: scan each float initializer,
 * in the file through the decoded views and external data streamed chunk by chunk.
 */
export async function checkInitializerValues(
  model: OnnxModel,
  regions: readonly ExternalRegion[],
  level: "fail" | "warn" | "off",
  file: string,
  label: string,
): Promise<{ check: Check; findings: Finding[] }> {
  const name = `initializers of ${label} are finite`;
  if (level === "off") return { check: skipped(name, "the policy turns the NaN/Inf scan off"), findings: [] };
  const findings: Finding[] = [];
  let scanned = 0;
  const report = (tensor: string, c: Count, where: string) => {
    if (c.nan + c.infinity === 0) return;
    findings.push({
      rule: "onnx.non-finite-initializer",
      level,
      message: `initializer "${tensor}" of ${label} holds ${describe(c)}`,
      file: where,
      properties: { tensor, nan: c.nan, infinity: c.infinity },
    });
  };
  for (const graph of allGraphs(model.graph)) {
    for (const tensor of graph.initializers) {
      const encoding = encodingOf(tensor.dtype);
      if (tensor.dataLocation === "external" || tensor.dataLocation === "empty" || !encoding) continue;
      try {
        const values = tensor.values();
        if (!values) continue;
        scanned++;
        report(tensor.name, countBytes(encoding, bytesOf(values)), file);
      } catch (e) {
        if (!isGateError(e)) throw e;
        findings.push({
          rule: "onnx.initializer-invalid",
          level: "fail",
          message: `initializer "${tensor.name}" of ${label}: ${e.message}`,
          file,
        });
      }
    }
  }
  const buffer = new Uint8Array(new ArrayBuffer(CHUNK));
  for (const region of regions) {
    const encoding = encodingOf(region.tensor.dtype);
    if (!encoding) continue;
    scanned++;
    report(region.tensor.name, await countExternal(region, encoding, buffer), region.path);
  }
  return { check: checkFrom(name, findings, { actual: `${scanned} float tensor(s) scanned` }), findings };
}
