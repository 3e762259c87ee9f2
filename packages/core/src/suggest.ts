/**
 * Edit distance with adjacent transpositions (optimal string alignment): `p59` is one edit from `p95`.
 * Gives up early with `cap + 1` once every alignment costs more than `cap`.
 */
export function editDistance(a: string, b: string, cap = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > cap) return cap + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** Last segment of a namespaced name: `eval/accuracy` -> `accuracy`. */
function lastSegment(name: string): string {
  const parts = name.split(/[/.:]/);
  return parts[parts.length - 1] ?? name;
}

/**
 * Candidates a person probably meant, best first: case-insensitive near misses and names whose last
 * segment matches (`accuracy` -> `eval/accuracy`). Empty when nothing is close enough to be useful.
 */
export function closestMatches(query: string, candidates: Iterable<string>, max = 3): string[] {
  const q = query.toLowerCase();
  const limit = Math.max(1, Math.round(q.length * 0.4));
  const scored: { name: string; score: number }[] = [];
  for (const name of candidates) {
    if (name === query) continue;
    const n = name.toLowerCase();
    let score = editDistance(q, n);
    if (score > 0 && q.length > 1 && lastSegment(n) === q) score = 0.5;
    if (score <= limit) scored.push({ name, score });
  }
  scored.sort((x, y) => x.score - y.score || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}

/** `did you mean "a" or "b"?`, or undefined when there is nothing to suggest. */
export function didYouMean(suggestions: readonly string[]): string | undefined {
  if (suggestions.length === 0) return undefined;
  const quoted = suggestions.map((s) => `"${s}"`);
  const last = quoted.pop()!;
  return `did you mean ${quoted.length > 0 ? `${quoted.join(", ")} or ${last}` : last}?`;
}
