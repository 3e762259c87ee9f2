/**
 * The mixture sequential probability ratio test (mSPRT) for a normally distributed estimate, the
 * always-valid test behind commercial experimentation platforms (Johari, Pekelis & Walsh, "Always
 * valid inference", 2017).
 *
 * An estimate θ̂ of an effect θ with variance V is, approximately, N(θ, V). The likelihood ratio of
 * "the effect is θ" against "it is 0", averaged over θ ~ N(0, τ²) (the mixing distribution), is
 *
 *   Λ = √(V / (V + τ²)) · exp( τ² θ̂² / (2 V (V + τ²)) ).
 *
 * Under "no effect" Λ, as data accumulate, is a nonnegative martingale with mean 1, so by Ville's
 * inequality it ever reaches 1/α with probability at most α — however often it is looked at. Hence:
 *   - reject "no effect" as soon as Λ >= 1/α;
 *   - p = min(1, 1/Λ) is valid at every look, and so is its running minimum over looks;
 *   - the θ₀ that the same test (run on θ̂ − θ₀) does not reject form a confidence sequence,
 *     θ̂ ± √( 2V(V + τ²)/τ² · (ln(1/α) + ½ ln((V + τ²)/V)) ), valid at all looks at once.
 * τ² only trades early against late power; the guarantee holds for any τ² fixed before the data.
 */

/** ln Λ for an estimate `effect` with variance `variance` under a N(0, mixingVariance) mixture. */
export function mixtureLogLikelihoodRatio(effect: number, variance: number, mixingVariance: number): number {
  const total = variance + mixingVariance;
  return 0.5 * Math.log(variance / total) + (mixingVariance * effect * effect) / (2 * variance * total);
}

/** Half-width of the (1 − alpha) confidence sequence around the estimate. */
export function confidenceSequenceRadius(variance: number, mixingVariance: number, alpha: number): number {
  const total = variance + mixingVariance;
  return Math.sqrt(
    ((2 * variance * total) / mixingVariance) * (Math.log(1 / alpha) + 0.5 * Math.log(total / variance)),
  );
}
