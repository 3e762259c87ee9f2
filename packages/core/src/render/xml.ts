import { cleanText } from "./sanitize.js";

// Code points outside XML 1.0's Char production; cleanText has already replaced lone surrogates.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Element content for XML 1.0: illegal characters removed, markup characters escaped. */
export function escapeXml(text: unknown): string {
  return cleanText(String(text ?? ""))
    .replace(NOT_XML_CHAR, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** Attribute content: as `escapeXml`, with whitespace kept as references (parsers turn raw ones into spaces). */
export function escapeXmlAttr(text: unknown): string {
  return escapeXml(text).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** ` name="value"` pairs, skipping undefined values. */
export function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXmlAttr(v)}"`)
    .join("");
}
