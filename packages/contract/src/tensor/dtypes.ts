import { dtypeInfo } from "@mlgate/onnx";

/**
 * One spelling per element type (`float` and `FLOAT` are `float32`, `double` is `float64`), so a
 * manifest and an ONNX graph compare equal when they mean the same type. Types ONNX does not name
 * (`sequence<float32>`, framework-specific names) are kept, lower-cased.
 */
export function normalizeDType(dtype: string): string {
  const trimmed = dtype.trim();
  return dtypeInfo(trimmed)?.name ?? trimmed.toLowerCase();
}
