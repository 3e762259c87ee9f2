import type { Change } from "../../src/change.js";

export type Expectation = [rule: string, level: string, path?: string];

/**
 * Compare reported changes with a labelled expectation as multisets: every expected entry must
 * match one change (rule, level, and path when given), and no change may be left over.
 * Returns a readable description of the difference, or "" when they agree.
 */
export function mismatch(actual: readonly Change[], expected: readonly Expectation[]): string {
  const left = [...actual];
  const missing: Expectation[] = [];
  for (const want of expected) {
    const at = left.findIndex(
      (c) => c.rule === want[0] && c.level === want[1] && (want[2] === undefined || c.path === want[2]),
    );
    if (at === -1) missing.push(want);
    else left.splice(at, 1);
  }
  if (missing.length === 0 && left.length === 0) return "";
  const lines = [
    ...missing.map((m) => `missing: ${m.join(" ")}`),
    ...left.map((c) => `unexpected: ${c.rule} ${c.level} ${c.path} — ${c.message}`),
  ];
  return lines.join("\n");
}
