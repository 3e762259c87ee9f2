/**
 * Holm's step-down adjustment: the adjusted p-values, in input order. Rejecting every hypothesis
 * whose adjusted p-value is at most alpha keeps the chance of any false rejection at most alpha.
 * Non-finite p-values count as 1.
 */
export function holmAdjust(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps
    .map((p, i) => ({ p: Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 1, i }))
    .sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
