import { createHash } from "node:crypto";
import type { Finding, FindingLevel } from "@mlgate/core";
import type { ChangeLevel, SourceLocation } from "../change.js";
import type { AcceptedChange } from "../exceptions.js";

export type FailOn = "breaking" | "dangerous";

const MAX_USED_BY = 20;

/** Stable across runs and edits elsewhere in the file: from the rule and the change's path only. */
export function fingerprintOf(rule: string, path: string): string {
  return createHash("sha256").update(`${rule}\u0000${path}`).digest("hex").slice(0, 32);
}

export function findingLevel(level: ChangeLevel, failOn: FailOn, accepted: boolean): FindingLevel {
  if (accepted) return "info";
  if (level === "breaking") return "fail";
  if (level === "dangerous") return failOn === "dangerous" ? "fail" : "warn";
  return "info";
}

export function showLocation(loc: SourceLocation | undefined): string | undefined {
  if (!loc) return undefined;
  return loc.line === undefined
    ? loc.file
    : `${loc.file}:${loc.line}${loc.column === undefined ? "" : `:${loc.column}`}`;
}

/** A payload in one line, short enough for a message. */
export function compactPayload(payload: unknown, max = 160): string {
  const text = JSON.stringify(payload) ?? "undefined";
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The change in one line with its group first: `POST /predict: request body: …`. */
export function withGroup(change: Pick<AcceptedChange, "group" | "message">): string {
  if (!change.group || change.message.startsWith(change.group)) return change.message;
  return `${change.group}: ${change.message}`;
}

/** One change as a report finding, anchored where a reviewer can act on it. */
export function changeFinding(change: AcceptedChange & { usedBy?: string[] }, failOn: FailOn): Finding {
  const anchor = change.head ?? change.base;
  const level = findingLevel(change.level, failOn, change.accepted !== undefined);
  let message = withGroup(change);
  if (change.usedBy && change.usedBy.length > 1)
    message += ` (also in ${change.usedBy.length - 1} other operation${change.usedBy.length > 2 ? "s" : ""})`;
  if (change.counterExample) {
    const cx = change.counterExample;
    message += ` — e.g. ${compactPayload(cx.payload)} ${cx.direction === "request" ? "was accepted, is now rejected" : "may now be returned, was not allowed"}`;
  }
  if (change.accepted) {
    const e = change.accepted;
    message = `accepted until ${e.expires}${e.by ? ` by ${e.by}` : ""} (${e.reason}): ${message}`;
  }
  const base = showLocation(change.base);
  return {
    rule: change.rule,
    level,
    message,
    ...(anchor?.file ? { file: anchor.file } : {}),
    ...(anchor?.line !== undefined ? { line: anchor.line } : {}),
    ...(anchor?.column !== undefined ? { column: anchor.column } : {}),
    properties: {
      change: change.level,
      path: change.path,
      group: change.group,
      fingerprint: fingerprintOf(change.rule, change.path),
      // Densely linked descriptions reach hundreds of operations: list a few, count all.
      ...(change.usedBy && change.usedBy.length > 1
        ? { usedBy: change.usedBy.slice(0, MAX_USED_BY), usedByCount: change.usedBy.length }
        : {}),
      ...(base ? { base } : {}),
      ...(change.counterExample ? { counterExample: change.counterExample } : {}),
      ...(change.accepted ? { accepted: { ...change.accepted } } : {}),
    },
  };
}

const MARK: Record<ChangeLevel, string> = {
  breaking: "✗ breaking ",
  dangerous: "! dangerous",
  safe: "· safe     ",
};

/** The changes grouped by endpoint (or message, RPC, signature), as preformatted text. */
export function groupedText(
  changes: readonly (AcceptedChange & { usedBy?: string[] })[],
  maxLines = 120,
): string {
  const groups = new Map<string, AcceptedChange[]>();
  for (const c of changes) {
    const list = groups.get(c.group) ?? [];
    list.push(c);
    groups.set(c.group, list);
  }
  const lines: string[] = [];
  let omitted = 0;
  for (const [group, list] of groups) {
    if (lines.length >= maxLines) {
      omitted += list.length;
      continue;
    }
    lines.push(group);
    for (const c of list) {
      if (lines.length >= maxLines) {
        omitted++;
        continue;
      }
      const text = c.message.startsWith(`${group}: `) ? c.message.slice(group.length + 2) : c.message;
      lines.push(`  ${c.accepted ? "✓ accepted " : MARK[c.level]}  ${text}  [${c.rule}]`);
    }
  }
  if (omitted > 0)
    lines.push(
      `… and ${omitted} more change${omitted === 1 ? "" : "s"} (see the JSON report or the changelog)`,
    );
  return lines.join("\n");
}
