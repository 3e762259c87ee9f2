import { dtypeInfo } from "@mlgate/onnx";

/** The KServe / Triton v2 protocol's datatype names that differ from numpy's. */
const V2_DATATYPES: Record<string, string> = {
  fp16: "float16",
  fp32: "float32",
  fp64: "float64",
  bf16: "bfloat16",
  bytes: "string",
};

/**
 * One spelling per element type, so a manifest, an ONNX graph and a serving config compare equal
 * when they mean the same type: `float`, `FLOAT`, `tensor(float)` (ONNX Runtime's spelling) and
 * `FP32` (KServe v2) are all `float32`. Types ONNX does not name (`sequence<float32>`) are kept,
 * lower-cased.
 */
export function normalizeDType(dtype: string): string {
  const trimmed = dtype.trim();
  const inner = /^tensor\((.+)\)$/i.exec(trimmed)?.[1] ?? trimmed;
  const lower = inner.toLowerCase();
  return dtypeInfo(V2_DATATYPES[lower] ?? inner)?.name ?? lower;
}
