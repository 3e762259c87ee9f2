import type { ChangeLevel } from "../change.js";
import type { AcceptedChange } from "../exceptions.js";
import { showLocation } from "./report.js";

const BADGE: Record<ChangeLevel, string> = {
  breaking: "❌ breaking",
  dangerous: "⚠️ dangerous",
  safe: "✅ safe",
};
const MAX_PAYLOAD = 2000;

/** Text that cannot open HTML, a table cell or emphasis by accident; `code` spans in messages stay code. */
function md(text: string): string {
  return text
    .split(/(`[^`\n]+`)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(/[\\`*_[\]<>|]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`)),
    )
    .join("");
}

/** Inline code that no backtick inside can close. */
function code(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${longest > 0 ? " " : ""}${text}${longest > 0 ? " " : ""}${fence}`;
}

/**
 * The changes as a markdown changelog, grouped by endpoint (or RPC, message, signature), most
 * severe first, with counter-examples, ready for release notes.
 */
export function renderChangelog(
  changes: readonly (AcceptedChange & { usedBy?: string[] })[],
  title: { base: string; head: string },
): string {
  const lines = [`## Contract changes: ${md(title.base)} → ${md(title.head)}`, ""];
  if (changes.length === 0) {
    lines.push("No changes to the contract.", "");
    return lines.join("\n");
  }
  const counts = { breaking: 0, dangerous: 0, safe: 0 };
  for (const c of changes) counts[c.level]++;
  lines.push(`${counts.breaking} breaking, ${counts.dangerous} dangerous, ${counts.safe} safe.`, "");
  const groups = new Map<string, AcceptedChange[]>();
  for (const c of changes) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  for (const [group, list] of groups) {
    lines.push(`### ${md(group)}`, "");
    for (const c of list) {
      const text = c.message.startsWith(`${group}: `) ? c.message.slice(group.length + 2) : c.message;
      const where = showLocation(c.head ?? c.base);
      const accepted = c.accepted ? ` — accepted until ${c.accepted.expires}: ${md(c.accepted.reason)}` : "";
      lines.push(
        `- ${BADGE[c.level]} ${md(text)} (${code(c.rule)}${where ? `, ${md(where)}` : ""})${accepted}`,
      );
      if (c.counterExample) {
        const cx = c.counterExample;
        let json = JSON.stringify(cx.payload);
        if (json.length > MAX_PAYLOAD) json = `${json.slice(0, MAX_PAYLOAD - 1)}…`;
        const verdict =
          cx.direction === "request"
            ? "accepted before, rejected now"
            : "may be returned now, was not allowed before";
        lines.push(`  - ${md(cx.describes)}, ${verdict}: ${code(json)}`);
      }
    }
    lines.push("");
  }
  return lines.join("\n");
}
