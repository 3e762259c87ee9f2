import { type CompiledHeaders, varyingHeaderLines } from "./headers.js";
import type { Exchange } from "./http/connection.js";
import type { ConnectionPool } from "./http/connection-pool.js";
import { headBytes, headPrefix, headSuffix } from "./http/request-head.js";
import { LIMITS } from "./limits.js";
import { type ErrorKind, failureKind, type Outcome, statusErrorKind } from "./outcome.js";
import type { BodyCheck } from "./response-schema.js";
import type { Target } from "./target.js";
import { TokenStream } from "./token-stream.js";

export type Clock = () => number;

export interface RequestPlanInput {
  method: string;
  target: Target;
  headers: CompiledHeaders;
  /** Headers the plan adds itself (content-type for bodies, accept for streams), flat name/value pairs. */
  extraHeaders: readonly string[];
  bodies: readonly Buffer[] | undefined;
  timeoutMs: number;
  stream: boolean;
  check: BodyCheck | undefined;
}

/**
 * Everything needed to send request `seq`, rendered once before the run: the head as bytes when no
 * header varies, and for each body the rest of the head (its length) with the body, ready to write.
 */
export class RequestPlan {
  readonly method: string;
  readonly timeoutMs: number;
  readonly stream: boolean;
  readonly check: BodyCheck | undefined;
  readonly headOnly: boolean;
  private readonly varying: CompiledHeaders | undefined;
  /** Request line, Host and fixed headers. */
  private readonly prefix: string;
  /** The whole head, when nothing in it varies. */
  private readonly fixedHead: Buffer | undefined;
  /** Per body: `content-length` and the blank line, then the body. */
  private readonly tails: readonly Buffer[] | undefined;
  private readonly suffix: string;

  constructor(input: RequestPlanInput) {
    this.method = input.method;
    this.timeoutMs = input.timeoutMs;
    this.stream = input.stream;
    this.check = input.check;
    this.headOnly = input.method === "HEAD";
    this.varying = input.headers.varying.length > 0 ? input.headers : undefined;
    this.prefix = headPrefix({
      method: input.method,
      path: input.target.path,
      host: input.target.host,
      headers: [...input.headers.fixed, ...input.extraHeaders],
    });
    const bodies = input.bodies && input.bodies.length > 0 ? input.bodies : undefined;
    this.tails = bodies?.map((b) => Buffer.concat([headBytes(headSuffix(input.method, b.length)), b]));
    this.suffix = bodies ? "" : headSuffix(input.method, undefined);
    this.fixedHead = this.varying ? undefined : headBytes(this.prefix + this.suffix);
  }

  /** The same requests without response checks (the connectivity check before the run). */
  withoutChecks(): RequestPlan {
    const copy = Object.create(RequestPlan.prototype) as RequestPlan;
    Object.assign(copy, this, { check: undefined, stream: false });
    return copy;
  }

  head(seq: number): Buffer | string {
    if (this.fixedHead !== undefined) return this.fixedHead;
    return this.prefix + varyingHeaderLines(this.varying!, seq) + this.suffix;
  }

  tail(seq: number): Buffer | undefined {
    const tails = this.tails;
    if (tails === undefined) return undefined;
    return tails[((seq % tails.length) + tails.length) % tails.length];
  }
}

/**
 * One request at a time, measured: its times and how it ended, read by the recorder when `done` is
 * called. The object is reused for the next request once `done` returns, so a run allocates one per
 * connection rather than one per request.
 */
export class MeasuredRequest implements Exchange, Outcome {
  seq = 0;
  intendedAt = 0;
  sentAt = 0;
  endAt = 0;
  error: ErrorKind | undefined;
  detail: string | undefined;
  firstTokenAt: number | undefined;
  tokens: number | undefined;
  tokensPerSecond: number | undefined;
  timed = true;
  /** True while `send` runs: a failure reported inside it must not start the next request recursively. */
  sending = false;
  readonly wantsBody: boolean;
  readonly wantsContentType: boolean;
  private status = 0;
  private body: Buffer[] | undefined;
  private bodyBytes = 0;
  private tooLarge = false;
  private stream: TokenStream | undefined;
  /** A failure found before the response ended (a stream that is not one). */
  private early: [ErrorKind, string] | undefined;

  constructor(
    private readonly plan: RequestPlan,
    private readonly clock: Clock,
    /** Receives each inter-token gap (ms) of a streamed response, with the request's intended start. */
    private readonly onGap: (intendedAt: number, ms: number) => void,
    private readonly done: (request: MeasuredRequest) => void,
  ) {
    this.wantsBody = plan.stream || plan.check !== undefined;
    this.wantsContentType = plan.stream;
  }

  /** Send request `seq`, meant to start at `intendedAt`, now (`now` on the run's clock). */
  send(pool: ConnectionPool, seq: number, intendedAt: number, now: number): void {
    this.seq = seq;
    this.intendedAt = intendedAt;
    this.sentAt = now;
    this.endAt = now;
    this.error = undefined;
    this.detail = undefined;
    this.firstTokenAt = undefined;
    this.tokens = undefined;
    this.tokensPerSecond = undefined;
    this.timed = true;
    this.status = 0;
    this.body = undefined;
    this.bodyBytes = 0;
    this.tooLarge = false;
    this.stream = undefined;
    this.early = undefined;
    const plan = this.plan;
    this.sending = true;
    try {
      pool.acquire().send(plan.head(seq), plan.tail(seq), plan.headOnly, this, now);
    } catch (e) {
      this.onError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.sending = false;
    }
  }

  onHead(status: number, contentType: string | undefined): void {
    this.status = status;
    if (status < 200 || status >= 300) return;
    if (this.plan.stream) {
      const type = contentType ?? "";
      if (/text\/event-stream/i.test(type)) {
        const intendedAt = this.intendedAt;
        this.stream = new TokenStream((gap) => this.onGap(intendedAt, gap));
      } else this.early = ["stream", `expected an event stream, got content-type "${type.slice(0, 80)}"`];
    } else if (this.plan.check) this.body = [];
  }

  onBody(chunk: Buffer): void {
    if (this.stream) {
      this.stream.feed(chunk, this.clock());
      return;
    }
    if (!this.body || this.tooLarge) return;
    this.bodyBytes += chunk.length;
    if (this.bodyBytes > LIMITS.maxValidatedBodyBytes) {
      this.tooLarge = true;
      this.body = [];
    } else this.body.push(Buffer.from(chunk));
  }

  onEnd(): void {
    const [error, detail] = this.verdict();
    this.finish(error, detail, true);
  }

  onError(error: Error): void {
    const kind = failureKind(error);
    const message = error.message || (error as { code?: string }).code || "request failed";
    // A stream cut off once tokens flowed is a truncated stream, not a connection problem.
    if (this.stream && kind === "connection") {
      this.finish("stream", `the stream broke off after ${this.stream.tokens} tokens: ${message}`, true);
      return;
    }
    this.finish(kind, message, kind === "timeout" || this.status !== 0);
  }

  /** Why a response that arrived whole is still a failure, if it is. */
  private verdict(): [ErrorKind | undefined, string | undefined] {
    const statusError = statusErrorKind(this.status);
    if (statusError) return [statusError, `HTTP ${this.status}`];
    if (this.early) return this.early;
    const s = this.stream;
    if (s) {
      if (s.failure !== undefined) return ["stream", s.failure];
      if (!s.complete)
        return ["stream", `the stream ended after ${s.tokens} tokens without [DONE] or a finish_reason`];
      return [undefined, undefined];
    }
    if (this.body && this.plan.check) {
      if (this.tooLarge) return ["validation", `the response is over ${LIMITS.maxValidatedBodyBytes} bytes`];
      const problem = this.plan.check(Buffer.concat(this.body, this.bodyBytes));
      if (problem !== undefined) return ["validation", problem];
    }
    return [undefined, undefined];
  }

  private finish(error: ErrorKind | undefined, detail: string | undefined, timed: boolean): void {
    this.endAt = this.clock();
    this.error = error;
    this.detail = detail;
    this.timed = error === undefined || timed;
    const s = this.stream;
    if (s) {
      if (s.firstTokenAt !== undefined) {
        this.firstTokenAt = s.firstTokenAt;
        this.tokens = s.tokens;
      }
      this.tokensPerSecond = s.tokensPerSecond();
    }
    this.body = undefined;
    this.stream = undefined;
    this.done(this);
  }
}
