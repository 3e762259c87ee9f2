/**
 * Text hygiene shared by every renderer. Report strings come from metric files, config and model
 * artifacts, so they may hold anything: terminal escapes, bidi overrides, lone surrogates.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0/C1 controls except tab and line breaks, plus bidi overrides that can make text read differently.
const CONTROL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\u202A-\u202E\u2066-\u2069]/g;
const LINE_BREAKS = /\s*(?:\r\n|[\r\n\u0085\u2028\u2029])\s*/g;

/** Replace lone surrogates (they cannot be encoded as UTF-8) and drop control characters. */
export function cleanText(text: string): string {
  return String(text).replace(LONE_SURROGATE, "\uFFFD").replace(CONTROL, "");
}

/** `cleanText` folded onto one line: line breaks and tabs become single spaces. */
export function oneLine(text: string): string {
  return cleanText(text).replace(LINE_BREAKS, " ").replace(/\t/g, " ");
}

/** Shorten to at most `max` code points, marking the cut with an ellipsis; never splits a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  if (max <= 0) return "";
  return `${points.slice(0, max - 1).join("")}…`;
}
