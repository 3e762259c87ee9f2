/**
 * Exceptions as code: a change the team has decided to ship, named by rule and path, with a
 * reason and an expiry date. A matching exception turns the change into an accepted one (shown,
 * not failing); an expired one no longer applies and fails the gate until it is renewed or removed.
 */
import type { Change } from "./change.js";

export interface ContractException {
  /** Rule id (`schema.request-required-property-added`); `*` globs allowed. */
  rule: string;
  /** Change path: a JSON pointer, `file#pointer`, or a proto path; `*` (one segment) and `**` (any) globs allowed. */
  path: string;
  reason: string;
  /** YYYY-MM-DD: the last day it applies. */
  expires: string;
  by?: string;
}

export interface AcceptedChange extends Change {
  accepted?: ContractException;
}

export interface ExceptionOutcome {
  changes: AcceptedChange[];
  /** Exceptions past their date (they no longer apply). */
  expired: ContractException[];
  /** Live exceptions that matched no change (probably stale). */
  unused: ContractException[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** A glob as an anchored regex: `**` matches anything, `*` anything but a separator. */
export function globRegex(glob: string, separators = "/"): RegExp {
  const sep = escapeRegex(separators);
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      out += ".*";
      i++;
    } else if (c === "*") out += `[^${sep}]*`;
    else out += escapeRegex(c);
  }
  return new RegExp(`^${out}$`);
}

export function exceptionMatches(e: ContractException, change: Pick<Change, "rule" | "path">): boolean {
  return globRegex(e.rule, "").test(change.rule) && globRegex(e.path, "/").test(change.path);
}

/** Today as YYYY-MM-DD in UTC (expiry dates are days, compared as text). */
export function isoDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function applyExceptions(
  changes: readonly Change[],
  exceptions: readonly ContractException[],
  now: Date = new Date(),
): ExceptionOutcome {
  const today = isoDay(now);
  const expired = exceptions.filter((e) => e.expires < today);
  const live = exceptions.filter((e) => e.expires >= today);
  const used = new Set<ContractException>();
  const out = changes.map((change): AcceptedChange => {
    const match = live.find((e) => exceptionMatches(e, change));
    if (!match) return { ...change };
    used.add(match);
    return { ...change, accepted: match };
  });
  return { changes: out, expired, unused: live.filter((e) => !used.has(e)) };
}
