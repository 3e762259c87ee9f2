import { oneLine } from "./sanitize.js";

/**
 * Make arbitrary text safe as inline GitHub-flavoured markdown, including inside a table cell.
 * `<`, `>` and `&` become entities, so the text can neither open HTML nor contain `<!--`/`-->`
 * (which would forge or close the hidden comment marker); `|` cannot split a cell; newlines collapse.
 */
export function escapeMarkdown(text: string): string {
  return (
    oneLine(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/[\\`*_[\]|~$]/g, "\\$&")
      // A zero-width space keeps `@user` and `#123` from pinging people or cross-linking issues.
      .replace(/@(?=[A-Za-z0-9])|#(?=\d)/g, "$&&#8203;")
  );
}

/** `escapeMarkdown` for text that opens a line, where `#`, `-`, `+`, `=` or `1.` would start a block. */
export function escapeMarkdownBlock(text: string): string {
  return escapeMarkdown(text)
    .replace(/^(\s*)([#+\-=])/, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/, "$1\\$2");
}
