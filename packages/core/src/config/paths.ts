import { editDistance } from "../suggest.js";

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

/** The candidate the user most likely meant, or undefined when nothing is close enough. */
export function closestKey(word: string, candidates: Iterable<string>): string | undefined {
  const w = normalize(word);
  if (w.length > 200) return undefined;
  const cap = Math.max(1, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestDistance = cap + 1;
  for (const candidate of candidates) {
    const c = normalize(candidate);
    const d = c === w ? 0 : editDistance(w, c, cap);
    if (d < bestDistance || (d === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= cap ? best : undefined;
}
