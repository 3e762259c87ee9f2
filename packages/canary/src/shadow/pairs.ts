import type { OutputValues } from "./outputs.js";

/** One version's answer to a request, reduced to what the comparison needs. */
export interface SideAnswer {
  /** A transport failure or a status outside 2xx. */
  error: boolean;
  /** Time to answer, when the source measured it. */
  latencyMs?: number;
  outputs: OutputValues;
}

/** The baseline's and the candidate's answers to the very same request. */
export interface AnswerPair {
  /** The request's id (`x-request-id`, or one the source made up). */
  id: string;
  /** When the pair was complete, epoch ms. */
  at: number;
  baseline: SideAnswer;
  candidate: SideAnswer;
}

/**
 * Where paired answers come from: the embedded router's mirror, the probe sending each request to
 * both versions, or the two versions' prediction logs joined by request id.
 */
export interface PairSource {
  /** For messages: `the embedded router's mirror`, `the prediction logs a.jsonl and b.jsonl`. */
  describe(): string;
  /** The pairs completed since the last call. */
  drainPairs(): Promise<AnswerPair[]>;
  /** Whether the pairs carry latency and errors (so they can be judged as metrics). */
  readonly timed: boolean;
}

/** Pairs waiting for the next look; beyond this the oldest are dropped (looks drain it, so it only fills if they stop). */
export const MAX_BUFFERED_PAIRS = 200_000;

/** A bounded queue of completed pairs. */
export class PairBuffer {
  private pairs: AnswerPair[] = [];
  dropped = 0;

  push(pair: AnswerPair): void {
    if (this.pairs.length >= MAX_BUFFERED_PAIRS) {
      this.pairs.shift();
      this.dropped++;
    }
    this.pairs.push(pair);
  }

  drain(): AnswerPair[] {
    const out = this.pairs;
    this.pairs = [];
    return out;
  }
}

/**
 * Joins answers that arrive separately (two logs, two requests in flight) by request id. An id seen on
 * one side waits for the other; beyond `capacity` waiting ids the oldest are forgotten, so a side that
 * never answers (the candidate only sees the mirrored share) cannot fill memory.
 */
export class PairJoiner {
  private readonly waiting = {
    baseline: new Map<string, SideAnswer>(),
    candidate: new Map<string, SideAnswer>(),
  };
  forgotten = 0;

  constructor(private readonly capacity = 200_000) {}

  add(side: "baseline" | "candidate", id: string, answer: SideAnswer, at: number): AnswerPair | undefined {
    const other = side === "baseline" ? "candidate" : "baseline";
    const match = this.waiting[other].get(id);
    if (match) {
      this.waiting[other].delete(id);
      return side === "baseline"
        ? { id, at, baseline: answer, candidate: match }
        : { id, at, baseline: match, candidate: answer };
    }
    const mine = this.waiting[side];
    // A repeated id replaces the earlier answer: ids are meant to be unique per request.
    mine.delete(id);
    mine.set(id, answer);
    if (mine.size > this.capacity) {
      const oldest = mine.keys().next().value as string;
      mine.delete(oldest);
      this.forgotten++;
    }
    return undefined;
  }

  /** Ids still waiting for the other side. */
  get pending(): number {
    return this.waiting.baseline.size + this.waiting.candidate.size;
  }
}
