import { isUtf8 } from "node:buffer";
import { GateError } from "@mlgate/core";

/** 1-based line and column of a UTF-16 offset, from a precomputed table of line starts. */
export class LineIndex {
  /** `starts`: the offset at which each line starts, ascending, the first being 0. */
  constructor(private readonly starts: ArrayLike<number>) {}

  static of(text: string): LineIndex {
    const starts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    return new LineIndex(starts);
  }

  at(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

// C0/C1 controls that YAML and JSON both forbid in a document (tab, LF, CR and NEL are fine).
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]/;

/** Bytes to text: UTF-8 only (a BOM is kept; callers drop it). */
export function decodeContractText(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new GateError(`${file} is UTF-16 encoded; contracts must be UTF-8`, {
      location: { file },
      hint: "re-save the file as UTF-8",
    });
  }
  if (!isUtf8(bytes)) {
    throw new GateError(`${file} is not UTF-8 text (is it a binary file?)`, { location: { file } });
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/** Refuse the control characters no contract holds (a binary file, most likely), naming where. */
export function checkControlCharacters(text: string, file: string): void {
  const bad = FORBIDDEN.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    const at = LineIndex.of(text).at(bad.index);
    throw new GateError(
      `${code === "0000" ? "a NUL byte" : `control character U+${code}`} is not allowed in a contract (is it a binary file?)`,
      { location: { file, ...at } },
    );
  }
}
