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

/** Which part of a request keeps its client on one side: a header's or a cookie's value. */
export type StickyKey = { header: string } | { cookie: string };

/** `header x-client-id`, `cookie uid`: how a key reads in messages. */
export function describeSticky(key: StickyKey): string {
  return "header" in key ? `header ${key.header}` : `cookie ${key.cookie}`;
}

export function sameSticky(a: StickyKey | undefined, b: StickyKey | undefined): boolean {
  if (!a || !b) return a === b;
  if ("header" in a) return "header" in b && a.header.toLowerCase() === b.header.toLowerCase();
  return "cookie" in b && a.cookie === b.cookie;
}

/**
 * Everything a router can be told besides the split: a share of requests copied to the candidate
 * whose answers nobody sees (shadow traffic), and a sticky split that keeps each client on one side.
 */
export interface Routing {
  /** The candidate's share of user traffic, in percent. */
  canary: number;
  /** Share of requests copied to the candidate, in percent; its answers are discarded. 0: none. */
  mirror: number;
  /** When set, requests with the same key always reach the same side (clients without one: the baseline). */
  sticky?: StickyKey;
}

/** What a router can do beyond weights. */
export interface RoutingAbilities {
  mirror: boolean;
  sticky: boolean;
}

/** A router that can mirror or split stickily. Plain moves (setWeights, promote, rollback) clear both. */
export interface RoutingProvider extends TrafficProvider {
  readonly abilities: RoutingAbilities;
  /** The routing the router serves now, read from the router. */
  getRouting(): Promise<Routing>;
  /** Move to `routing` and verify by reading back every part of it. */
  setRouting(routing: Routing): Promise<Routing>;
}

export function isRoutingProvider(p: TrafficProvider): p is RoutingProvider {
  return typeof (p as Partial<RoutingProvider>).setRouting === "function" && "abilities" in p;
}

export function describeRouting(r: Routing): string {
  const parts = [`${formatWeight(r.canary)} of users to the candidate`];
  if (r.sticky) parts.push(`sticky by ${describeSticky(r.sticky)}`);
  if (r.mirror > 0) parts.push(`${formatWeight(r.mirror)} of requests mirrored to it`);
  return parts.join(", ");
}

function checkRouting(r: Routing): Routing {
  const { canary } = checkWeights({ canary: r.canary });
  const mirror = r.mirror;
  if (!(typeof mirror === "number" && Number.isFinite(mirror) && mirror >= 0 && mirror <= 100)) {
    throw new GateError(`mirror share ${String(mirror)} is out of range (0 to 100 percent)`);
  }
  return { canary, mirror, ...(r.sticky ? { sticky: r.sticky } : {}) };
}

/**
 * A provider whose whole routing is written and read back at once: `applyRouting` moves, `readRouting`
 * reads. A plain weight move is a routing without mirror or sticky key, so a canary step or a rollback
 * always leaves the router in its simplest state.
 */
export abstract class VerifiedRoutingProvider extends VerifiedProvider implements RoutingProvider {
  abstract readonly abilities: RoutingAbilities;
  protected abstract applyRouting(routing: Routing): Promise<void>;
  protected abstract readRouting(): Promise<Routing>;

  protected async apply(weights: Weights): Promise<void> {
    await this.applyRouting({ canary: weights.canary, mirror: 0 });
  }

  protected async read(): Promise<Weights> {
    return { canary: (await this.readRouting()).canary };
  }

  /** A weight move also clears mirror and sticky key, and verifies that it did. */
  override async setWeights(weights: Weights): Promise<Weights> {
    const got = await this.setRouting({ canary: weights.canary, mirror: 0 });
    return { canary: got.canary };
  }

  async getRouting(): Promise<Routing> {
    return checkRouting(await this.readRouting());
  }

  async setRouting(routing: Routing): Promise<Routing> {
    const wanted = checkRouting(routing);
    if (wanted.mirror > 0 && !this.abilities.mirror)
      throw new GateError(`${this.describe()} cannot mirror traffic`);
    if (wanted.sticky && !this.abilities.sticky)
      throw new GateError(`${this.describe()} cannot split traffic stickily`);
    await this.applyRouting(wanted);
    const got = await this.getRouting();
    verifyReadBack(this, wanted, got);
    if (Math.abs(wanted.mirror - got.mirror) > WEIGHT_TOLERANCE || !sameSticky(wanted.sticky, got.sticky)) {
      throw new GateError(
        `${this.describe()} reports ${describeRouting(got)} after it was set to ${describeRouting(wanted)}`,
        { hint: "something else may be changing the router; check that nothing else manages it" },
      );
    }
    return got;
  }
}
