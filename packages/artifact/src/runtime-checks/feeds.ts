import { GateError, type SourceLocation } from "@mlgate/core";
import {
  dtypeInfo,
  rawByteLength,
  rawValues,
  type SessionIO,
  type TensorData,
  toTypedArray,
} from "@mlgate/onnx";
import type { NestedTensor } from "./nested.js";

/** Element types a sample file can spell as JSON numbers, booleans or strings. */
function feedable(dtype: string): boolean {
  const info = dtypeInfo(dtype);
  if (!info) return false;
  if (info.kind === "string" || info.kind === "bool" || info.kind === "int" || info.kind === "uint")
    return info.bits !== 4;
  return info.name === "float32" || info.name === "float64";
}

/** A sample's nested list as a tensor of the session's element type. */
export function toTensorData(
  dtype: string,
  tensor: NestedTensor,
  what: string,
  location: SourceLocation,
): TensorData {
  if (!feedable(dtype)) {
    throw new GateError(`${what}: the model takes ${dtype}, which sample files cannot spell`, {
      location,
      hint: "samples work for float32, float64, integer, bool and string inputs",
    });
  }
  const info = dtypeInfo(dtype)!;
  if (info.kind === "string") {
    return { dtype: info.name, dims: tensor.dims, data: tensor.values.map(String) };
  }
  const numbers = tensor.values.map((v, i) => {
    const n = typeof v === "boolean" ? Number(v) : typeof v === "number" ? v : Number.NaN;
    if (Number.isNaN(n) && info.kind !== "float") {
      throw new GateError(`${what}[${i}] is ${JSON.stringify(v)}; ${dtype} needs a number`, { location });
    }
    if ((info.kind === "int" || info.kind === "uint" || info.kind === "bool") && !Number.isInteger(n)) {
      throw new GateError(`${what}[${i}] is ${v}; ${dtype} needs a whole number`, { location });
    }
    return n;
  });
  return { dtype: info.name, dims: tensor.dims, data: toTypedArray(info.name, numbers) };
}

/**
 * Inputs of zeros shaped as the session declares (symbolic dimensions as 1), for timing a model
 * when no sample inputs are given. Undefined when an input has no tensor type to build.
 */
export function syntheticFeeds(inputs: readonly SessionIO[]): Record<string, TensorData> | undefined {
  const feeds: Record<string, TensorData> = {};
  for (const input of inputs) {
    if (!input.dtype || !input.shape || !feedable(input.dtype)) return undefined;
    const dims = input.shape.map((d) => (typeof d === "number" && d >= 0 ? d : 1));
    const count = dims.reduce((n, d) => n * d, 1);
    if (count > 10_000_000) return undefined;
    const info = dtypeInfo(input.dtype)!;
    feeds[input.name] =
      info.kind === "string"
        ? { dtype: info.name, dims, data: new Array<string>(count).fill("") }
        : {
            dtype: info.name,
            dims,
            data: rawValues(info.name, new Uint8Array(rawByteLength(info.name, count) ?? 0))!,
          };
  }
  return feeds;
}
