import type { Finding } from "@mlgate/core";
import type { SafetensorsTensor } from "./types.js";

/**
 * The data section must be exactly the tensors laid end to end: the first starts at 0, each next
 * one where the previous ended, and the last ends at the end of the file. Anything else is either
 * two tensors sharing bytes (overlap), bytes nobody owns (gap, trailing bytes), or a tensor reaching
 * past the end of the file.
 */
export function checkLayout(tensors: SafetensorsTensor[], dataLength: number, file: string): Finding[] {
  const findings: Finding[] = [];
  const fail = (rule: string, message: string) =>
    findings.push({ rule: `safetensors.${rule}`, level: "fail", message, file });
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: SafetensorsTensor | undefined;
  for (const t of sorted) {
    if (t.begin < cursor && previous) {
      fail(
        "overlap",
        `tensors ${JSON.stringify(previous.name)} [${previous.begin}, ${previous.end}) and ${JSON.stringify(t.name)} [${t.begin}, ${t.end}) share bytes`,
      );
    } else if (t.begin > cursor) {
      fail(
        "gap",
        `bytes [${cursor}, ${t.begin}) of the data section belong to no tensor (before ${JSON.stringify(t.name)})`,
      );
    }
    if (t.end >= cursor) {
      cursor = t.end;
      previous = t;
    }
  }
  if (cursor > dataLength) {
    const last = previous ? ` (${JSON.stringify(previous.name)} ends at ${cursor})` : "";
    fail(
      "offset-past-eof",
      `tensor data reaches past the end of the file: the data section is ${dataLength} bytes${last}`,
    );
  } else if (cursor < dataLength) {
    fail(
      "trailing-bytes",
      `${dataLength - cursor} bytes after the last tensor belong to no tensor (data section is ${dataLength} bytes, tensors end at ${cursor})`,
    );
  }
  return findings;
}
