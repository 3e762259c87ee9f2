import { open } from "node:fs/promises";
import { type Check, type Finding, isGateError } from "@mlgate/core";
import { countNonFinite, dtypeInfo, type OnnxModel, rawValues } from "@mlgate/onnx";
import { checkFrom, skipped } from "../outcome.js";
import type { ExternalRegion } from "./external-data.js";
import { allGraphs } from "./graphs.js";

/** Read external data in chunks of this many bytes (a multiple of every element width). */
const CHUNK = 8 * 1024 * 1024;

interface Count {
  nan: number;
  infinity: number;
}

function isFloat(dtype: string): boolean {
  const kind = dtypeInfo(dtype)?.kind;
  return kind === "float" || kind === "complex";
}

async function countExternal(region: ExternalRegion, buffer: Uint8Array): Promise<Count> {
  const total = { nan: 0, infinity: 0 };
  const handle = await open(region.path, "r");
  try {
    for (let done = 0; done < region.length; ) {
      const want = Math.min(buffer.byteLength, region.length - done);
      const { bytesRead } = await handle.read(buffer, 0, want, region.offset + done);
      if (bytesRead === 0) break;
      const values = rawValues(region.tensor.dtype, buffer.subarray(0, bytesRead));
      if (values) {
        const c = countNonFinite(region.tensor.dtype, values);
        total.nan += c.nan;
        total.infinity += c.infinity;
      }
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
      if (tensor.dataLocation === "external" || tensor.dataLocation === "empty" || !isFloat(tensor.dtype))
        continue;
      try {
        const values = tensor.values();
        if (!values) continue;
        scanned++;
        report(tensor.name, countNonFinite(tensor.dtype, values), file);
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
    if (!isFloat(region.tensor.dtype)) continue;
    scanned++;
    report(region.tensor.name, await countExternal(region, buffer), region.path);
  }
  return { check: checkFrom(name, findings, { actual: `${scanned} float tensor(s) scanned` }), findings };
}
