import type { CollectWindow, MetricSource, MetricSpec, SamplePair } from "../metrics/types.js";
import { type AnswerPair, MAX_BUFFERED_PAIRS, type PairSource } from "./pairs.js";

/**
 * Paired answers as a metric source (`provider: shadow`, queries `latency` and `errors`): both versions
 * timed on the very same requests. It also hands every pair it drains to the output comparison, so
 * each pair is read from its source once.
 */
export class PairMetricSource implements MetricSource {
  readonly kind = "shadow";
  private fresh: AnswerPair[] = [];

  constructor(readonly pairs: PairSource) {}

  async collect(metrics: readonly MetricSpec[], _window: CollectWindow): Promise<Map<string, SamplePair>> {
    const got = await this.pairs.drainPairs();
    this.keep(got);
    const out = new Map<string, SamplePair>();
    for (const metric of metrics) {
      const pick = (side: "baseline" | "candidate") =>
        got.flatMap((p): number[] => {
          const a = p[side];
          if (metric.query === "errors") return [a.error ? 1 : 0];
          return !a.error && a.latencyMs !== undefined ? [a.latencyMs * metric.factor] : [];
        });
      out.set(metric.name, { baseline: pick("baseline"), candidate: pick("candidate") });
    }
    return out;
  }

  /** Every pair drained since the last call (by `collect` or now). */
  async takePairs(): Promise<AnswerPair[]> {
    this.keep(await this.pairs.drainPairs());
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  async close(): Promise<void> {}

  private keep(pairs: readonly AnswerPair[]): void {
    for (const p of pairs) this.fresh.push(p);
    if (this.fresh.length > MAX_BUFFERED_PAIRS) this.fresh.splice(0, this.fresh.length - MAX_BUFFERED_PAIRS);
  }
}
