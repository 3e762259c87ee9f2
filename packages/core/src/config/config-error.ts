import { formatLocation, GateError } from "../errors.js";
import { formatPath, type KeyPath } from "./paths.js";

/** One problem in a config file, in the user's terms. */
export interface ConfigIssue {
  /** Key path of the offending value (`[]` for the file as a whole). */
  path: KeyPath;
  /** What is wrong, without the path or location in front. */
  message: string;
  line?: number;
  column?: number;
  /** Extra lines (a caret under a bad threshold, a YAML code frame), shown when this is the only issue. */
  detail?: string[];
}

/** Enough to read, not so many that the one real mistake scrolls away. */
export const MAX_LISTED_ISSUES = 20;

/** Every problem found in one config file; the first one (in file order) is the error's location. */
export class ConfigError extends GateError {
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(
    file: string,
    issues: readonly ConfigIssue[],
    options: { hint?: string; cause?: unknown } = {},
  ) {
    const sorted = sortIssues(issues);
    const first = sorted[0];
    super(formatIssues(file, sorted), {
      ...options,
      location: first?.line === undefined ? { file } : { file, line: first.line, column: first.column },
    });
    this.name = "ConfigError";
    this.file = file;
    this.issues = sorted;
  }
}

/** `eval-gate.gates[1]: invalid threshold …`, or just the message for the top level. */
export function issueLine(issue: ConfigIssue): string {
  const label = formatPath(issue.path);
  return label ? `${label}: ${issue.message}` : issue.message;
}

function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((i) => {
    const key = `${i.line}:${i.column}:${issueLine(i)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (i: ConfigIssue) => (i.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (i.column ?? 0);
  return unique
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || a.index - b.index)
    .map((x) => x.issue);
}

/**
 * The first issue goes bare (the error's location already names its spot, and `describeError`
 * prints it in front); the rest carry their own `file:line:col` so every line reads the same.
 */
function formatIssues(file: string, issues: readonly ConfigIssue[]): string {
  const [first, ...rest] = issues;
  if (!first) return `invalid config file ${file}`;
  if (rest.length === 0) return [issueLine(first), ...(first.detail ?? [])].join("\n");
  const lines = [issueLine(first)];
  for (const issue of rest.slice(0, MAX_LISTED_ISSUES - 1)) {
    lines.push(`${formatLocation({ file, line: issue.line, column: issue.column })}: ${issueLine(issue)}`);
  }
  const more = issues.length - MAX_LISTED_ISSUES;
  if (more > 0) lines.push(`… and ${more} more problem${more === 1 ? "" : "s"}`);
  return lines.join("\n");
}
