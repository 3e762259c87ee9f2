import type { PathSegment } from "../metrics/json-path.js";
import { numbersAt, selectPath } from "../metrics/json-path.js";
import { idAt } from "./id-of.js";
import { JsonlTail } from "./jsonl-tail.js";
import { extractOutputs, type OutputSpec } from "./outputs.js";
import { type AnswerPair, PairJoiner, type PairSource, type SideAnswer } from "./pairs.js";

export interface LogPairOptions {
  /** Each version's prediction log: JSON lines, one per answered request. */
  baseline: string;
  candidate: string;
  /** Where the request id sits in a line (the same id on both sides for a mirrored request). */
  id: PathSegment[];
  /** Where the answer sits in a line (default: the line itself). */
  answer?: PathSegment[];
  /** Where the time to answer sits, in milliseconds (optional). */
  latency?: PathSegment[];
  /** Where the HTTP status sits (optional; outside 2xx is an error). */
  status?: PathSegment[];
  outputs: readonly OutputSpec[];
}

/**
 * Paired answers from the two versions' prediction logs, joined by request id: with a router that
 * mirrors (nginx, Gateway API), the baseline's log holds the user's answer and the candidate's log the
 * mirrored copy's, both under the id the router gave the request.
 */
export class LogPairSource implements PairSource {
  private readonly tails: { baseline: JsonlTail; candidate: JsonlTail };
  private readonly joiner = new PairJoiner();
  /** Lines that were not JSON, or held no id. */
  badLines = 0;
  readonly timed: boolean;

  constructor(private readonly options: LogPairOptions) {
    this.tails = {
      baseline: new JsonlTail(options.baseline, { what: "baseline prediction log" }),
      candidate: new JsonlTail(options.candidate, { what: "candidate prediction log" }),
    };
    this.timed = options.latency !== undefined && options.status !== undefined;
  }

  describe(): string {
    return `the prediction logs ${this.options.baseline} and ${this.options.candidate}`;
  }

  async drainPairs(): Promise<AnswerPair[]> {
    const pairs: AnswerPair[] = [];
    for (const side of ["baseline", "candidate"] as const) {
      const { values, badLines } = await this.tails[side].read();
      this.badLines += badLines;
      const now = Date.now();
      for (const line of values) {
        const id = idAt(line, this.options.id);
        if (id === undefined) {
          this.badLines++;
          continue;
        }
        const pair = this.joiner.add(side, id, this.answerOf(line), now);
        if (pair) pairs.push(pair);
      }
    }
    return pairs;
  }

  private answerOf(line: unknown): SideAnswer {
    const o = this.options;
    const status = o.status ? numbersAt(line, o.status)[0] : undefined;
    const latency = o.latency ? numbersAt(line, o.latency)[0] : undefined;
    const error = status !== undefined && !(status >= 200 && status < 300);
    const answer = o.answer ? selectPath(line, o.answer)[0] : line;
    return {
      error,
      ...(latency !== undefined && latency >= 0 ? { latencyMs: latency } : {}),
      outputs: error ? {} : extractOutputs(answer, o.outputs),
    };
  }
}
