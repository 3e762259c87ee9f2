import {
  type CollectWindow,
  type MetricSource,
  MetricSourceError,
  type MetricSpec,
  type SamplePair,
  VerifiedProvider,
  type Weights,
} from "../src/index.js";
import { Random } from "./random.js";

/** A router held in memory; `failOn` makes a move to that weight fail, `lie` reports another weight. */
export class MemoryRouter extends VerifiedProvider {
  readonly kind = "memory";
  weight = 0;
  readonly moves: number[] = [];
  failOn = new Set<number>();
  failRollbacks = 0;
  lie: number | undefined;

  describe(): string {
    return "the memory router";
  }

  protected async apply(w: Weights): Promise<void> {
    if (w.canary === 0 && this.failRollbacks > 0) {
      this.failRollbacks--;
      throw new Error("the router is unreachable");
    }
    if (this.failOn.has(w.canary)) throw new Error(`refused ${w.canary}%`);
    this.moves.push(w.canary);
    this.weight = w.canary;
  }

  protected async read(): Promise<Weights> {
    return { canary: this.lie ?? this.weight };
  }
}

/** Per-sample draws for each metric and side; return undefined for "no data". */
export type Draw = (
  metric: string,
  side: "candidate" | "baseline",
  weight: number,
  rng: Random,
) => number | undefined;

/**
 * A metric source that makes up samples: `perSecond` per side per metric, from `draw`, for the part
 * of the window it is asked about. `failures` lists looks (1-based) that throw.
 */
export class SyntheticSource implements MetricSource {
  readonly kind = "probe" as const;
  looks = 0;
  failures = new Set<number>();
  permanentAt: number | undefined;
  private readonly rng: Random;

  constructor(
    private readonly router: MemoryRouter,
    private readonly draw: Draw,
    private readonly perSecond = 50,
    seed = 1,
  ) {
    this.rng = new Random(seed);
  }

  async collect(metrics: readonly MetricSpec[], window: CollectWindow): Promise<Map<string, SamplePair>> {
    this.looks++;
    if (this.permanentAt === this.looks)
      throw new MetricSourceError("the query is malformed", { permanent: true });
    if (this.failures.has(this.looks)) throw new MetricSourceError("connection refused");
    const n = Math.round(((window.to - window.from) / 1000) * this.perSecond);
    const out = new Map<string, SamplePair>();
    for (const m of metrics) {
      const pair: SamplePair = { candidate: [], baseline: [] };
      for (const side of ["candidate", "baseline"] as const) {
        for (let i = 0; i < n; i++) {
          const v = this.draw(m.name, side, this.router.weight, this.rng);
          if (v !== undefined) pair[side].push(v);
        }
      }
      out.set(m.name, pair);
    }
    return out;
  }

  async close(): Promise<void> {}
}

export function spec(name: string, fields: Partial<MetricSpec> = {}): MetricSpec {
  return {
    name,
    provider: "probe",
    query: "latency",
    factor: 1,
    dimension: "time",
    aggregate: "p95",
    direction: "increase",
    compare: "sequential",
    tolerance: 0.05,
    kind: "continuous",
    scale: "log",
    minSamples: 20,
    ...fields,
  };
}
