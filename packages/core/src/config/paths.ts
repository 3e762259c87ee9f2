/** A key path inside the config, as zod reports it. */
export type KeyPath = readonly PropertyKey[];

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `eval-gate.gates[1]`, the way a user would point at the spot; `""` for the top level. */
export function formatPath(path: KeyPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else {
      const key = String(seg);
      out += PLAIN_KEY.test(key) ? `${out ? "." : ""}${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** Case, `-` and `_` differences are the commonest typos in keys (`baseLine`, `base_line`). */
function normalize(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, "");
}

/** Optimal string alignment distance (Levenshtein plus transpositions), capped for speed. */
function distance(a: string, b: string, cap: number): number {
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

/** The candidate the user most likely meant, or undefined when nothing is close enough. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = normalize(word);
  if (w.length > 200) return undefined;
  const cap = Math.max(1, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestDistance = cap + 1;
  for (const candidate of candidates) {
    const c = normalize(candidate);
    const d = c === w ? 0 : distance(w, c, cap);
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= cap ? best : undefined;
}
