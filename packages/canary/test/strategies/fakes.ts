import type { ConversionCounts, ConversionEvents } from "../../src/ab/events.js";
import {
  type AnswerPair,
  type PairSource,
  type Routing,
  type RoutingAbilities,
  VerifiedRoutingProvider,
} from "../../src/index.js";
import { Random } from "../random.js";

/** A router in memory that can mirror and split stickily; every move is recorded. */
export class RoutingRouter extends VerifiedRoutingProvider {
  readonly kind = "memory";
  routing: Routing = { canary: 0, mirror: 0 };
  readonly moves: Routing[] = [];
  failOn: ((r: Routing) => boolean) | undefined;

  constructor(readonly abilities: RoutingAbilities = { mirror: true, sticky: true }) {
    super();
  }

  get weight(): number {
    return this.routing.canary;
  }

  describe(): string {
    return "the memory router";
  }

  protected async applyRouting(r: Routing): Promise<void> {
    if (this.failOn?.(r)) throw new Error("the router refused");
    this.moves.push({ ...r });
    this.routing = { ...r };
  }

  protected async readRouting(): Promise<Routing> {
    return { ...this.routing };
  }
}

/**
 * Paired answers made up per drain: `perDrain` requests answered by both, the candidate's label
 * differing with probability `disagree` and its score shifted by `shift`.
 */
export class FakePairs implements PairSource {
  readonly timed = true;
  private readonly rng: Random;
  private seq = 0;
  drains = 0;

  constructor(
    private readonly options: {
      perDrain: number;
      disagree?: number;
      shift?: number;
      candidateErrors?: number;
      seed?: number;
    },
  ) {
    this.rng = new Random(options.seed ?? 7);
  }

  describe(): string {
    return "the fake pairs";
  }

  async drainPairs(): Promise<AnswerPair[]> {
    this.drains++;
    const out: AnswerPair[] = [];
    for (let i = 0; i < this.options.perDrain; i++) {
      const score = this.rng.uniform();
      const label = score >= 0.5 ? "churn" : "stay";
      const flip = this.rng.uniform() < (this.options.disagree ?? 0);
      const cScore = Math.min(1, Math.max(0, score + (this.options.shift ?? 0)));
      const failed = this.rng.uniform() < (this.options.candidateErrors ?? 0);
      out.push({
        id: `r-${this.seq++}`,
        at: 0,
        baseline: { error: false, latencyMs: 10 + this.rng.uniform(), outputs: { label, score } },
        candidate: failed
          ? { error: true, latencyMs: 10, outputs: {} }
          : {
              error: false,
              latencyMs: 10 + this.rng.uniform(),
              outputs: { label: flip ? (label === "churn" ? "stay" : "churn") : label, score: cScore },
            },
      });
    }
    return out;
  }
}

/** Conversion counts that grow at every refresh: `perLook` new units per arm, converting at each arm's rate. */
export function fakeConversions(options: {
  perLook: number;
  rates: { baseline: number; candidate: number };
  seed?: number;
}): ConversionEvents {
  const rng = new Random(options.seed ?? 3);
  const counts: ConversionCounts = {
    baseline: { n: 0, conversions: 0 },
    candidate: { n: 0, conversions: 0 },
    crossed: 0,
    otherArm: 0,
    badLines: 0,
    overflow: 0,
  };
  const snapshot = () => ({
    ...counts,
    baseline: { ...counts.baseline },
    candidate: { ...counts.candidate },
  });
  const fake = {
    describe: () => "fake events",
    snapshot,
    refresh: async () => {
      for (const arm of ["baseline", "candidate"] as const) {
        for (let i = 0; i < options.perLook; i++) {
          counts[arm].n++;
          if (rng.uniform() < options.rates[arm]) counts[arm].conversions++;
        }
      }
      return snapshot();
    },
  };
  return fake as unknown as ConversionEvents;
}
