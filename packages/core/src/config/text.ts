import { GateError } from "../errors.js";

/** 1-based line and column of a UTF-16 offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const end = Math.min(Math.max(offset, 0), text.length);
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** Bytes to text: UTF-8 only, so a binary or UTF-16 file fails here instead of as a puzzling syntax error. */
export function decodeConfigBytes(bytes: Uint8Array, file: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new GateError(`${file} is UTF-16 encoded; config files must be UTF-8`, {
      location: { file },
      hint: "re-save the file as UTF-8",
    });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (e) {
    throw new GateError(`${file} is not UTF-8 text (is it a binary file?)`, { location: { file }, cause: e });
  }
}

// C0/C1 controls that YAML and JSON both forbid in a document (tab, LF, CR and NEL are fine).
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]/;

/** Reject text that cannot be a config before any parser sees it; returns it without a BOM. */
export function checkConfigText(text: string, file: string): string {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const bad = FORBIDDEN.exec(body);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    const at = lineColumn(body, bad.index);
    throw new GateError(
      `${code === "0000" ? "a NUL byte" : `control character U+${code}`} is not allowed in a config file (is it a binary file?)`,
      { location: { file, ...at } },
    );
  }
  return body;
}
