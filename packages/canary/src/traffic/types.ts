import { GateError } from "@mlgate/core";
import { formatWeight } from "../plan/types.js";

/** The candidate's share of live traffic in percent; the baseline gets the rest. */
export interface Weights {
  canary: number;
}

/**
 * A router the rollout drives. Every method that moves traffic resolves only once the router itself
 * reports the new weights (read back), and throws a GateError otherwise.
 */
export interface TrafficProvider {
  /** `embedded`, `nginx`, `command`. */
  readonly kind: string;
  /** Where the weights live, for messages: `nginx upstream model in /etc/nginx/canary.conf`. */
  describe(): string;
  /** The weights the router serves now, read from the router. */
  getWeights(): Promise<Weights>;
  /** Move traffic and verify by reading back. */
  setWeights(weights: Weights): Promise<Weights>;
  /** All traffic to the candidate, verified. */
  promote(): Promise<Weights>;
  /** All traffic to the baseline, verified; safe to call again and again. */
  rollback(): Promise<Weights>;
  /** Release what the provider holds (the embedded router's socket). Does not move traffic. */
  close(): Promise<void>;
}

/** Weights as the router reports them may be rounded (nginx: integer server weights). */
export const WEIGHT_TOLERANCE = 0.01;

export function sameWeights(a: Weights, b: Weights): boolean {
  return Math.abs(a.canary - b.canary) <= WEIGHT_TOLERANCE;
}

export function checkWeights(weights: Weights): Weights {
  const w = weights.canary;
  if (!(typeof w === "number" && Number.isFinite(w) && w >= 0 && w <= 100)) {
    throw new GateError(`canary weight ${String(w)} is out of range (0 to 100 percent)`);
  }
  return { canary: w };
}

/** Throw unless the router reports what was asked for. */
export function verifyReadBack(provider: TrafficProvider, wanted: Weights, got: Weights): Weights {
  if (!sameWeights(wanted, got)) {
    throw new GateError(
      `${provider.describe()} reports the candidate at ${formatWeight(got.canary)} after it was set to ${formatWeight(wanted.canary)}`,
      { hint: "something else may be changing the router; check that nothing else manages these weights" },
    );
  }
  return got;
}

/**
 * The shared half of a provider: `apply` moves traffic, `read` reads it back; promote and rollback
 * are sets to 100% and 0%.
 */
export abstract class VerifiedProvider implements TrafficProvider {
  abstract readonly kind: string;
  abstract describe(): string;
  protected abstract apply(weights: Weights): Promise<void>;
  protected abstract read(): Promise<Weights>;

  async getWeights(): Promise<Weights> {
    return checkWeights(await this.read());
  }

  async setWeights(weights: Weights): Promise<Weights> {
    const wanted = checkWeights(weights);
    await this.apply(wanted);
    return verifyReadBack(this, wanted, await this.getWeights());
  }

  promote(): Promise<Weights> {
    return this.setWeights({ canary: 100 });
  }

  rollback(): Promise<Weights> {
    return this.setWeights({ canary: 0 });
  }

  async close(): Promise<void> {}
}
