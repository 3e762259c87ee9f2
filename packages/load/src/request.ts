import type { Dispatcher } from "undici";
import type { CompiledHeaders } from "./headers.js";
import { headersFor } from "./headers.js";
import { LIMITS } from "./limits.js";
import { type ErrorKind, failureKind, type Outcome, statusErrorKind } from "./outcome.js";
import type { BodyCheck } from "./response-schema.js";
import { TokenStream } from "./token-stream.js";

/** Everything needed to send request `seq`, prepared once before the run. */
export interface RequestPlan {
  method: string;
  path: string;
  headers: CompiledHeaders;
  /** Headers the plan adds itself (content-type for bodies, accept for streams). */
  extraHeaders: string[];
  bodies: readonly Buffer[] | undefined;
  timeoutMs: number;
  stream: boolean;
  check: BodyCheck | undefined;
}

export type Clock = () => number;

/**
 * One request through undici's low-level dispatch API: no stream objects per request, only the
 * callbacks the measurement needs. `done` is called exactly once.
 */
class MeasuredRequest implements Dispatcher.DispatchHandler {
  private status = 0;
  private body: Buffer[] | undefined;
  private bodyBytes = 0;
  private tooLarge = false;
  private stream: TokenStream | undefined;
  private finished = false;

  constructor(
    private readonly plan: RequestPlan,
    private readonly clock: Clock,
    private readonly intendedAt: number,
    private readonly sentAt: number,
    private readonly onGap: (ms: number) => void,
    private readonly done: (outcome: Outcome) => void,
  ) {}

  onRequestStart(): void {}

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.status = statusCode;
    const ok = statusCode >= 200 && statusCode < 300;
    if (!ok) return;
    if (this.plan.stream) {
      const type = headers["content-type"];
      const contentType = Array.isArray(type) ? type.join(",") : (type ?? "");
      if (/text\/event-stream/i.test(contentType)) this.stream = new TokenStream(this.onGap);
      else this.finish("stream", `expected an event stream, got content-type "${contentType.slice(0, 80)}"`);
    } else if (this.plan.check) this.body = [];
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.stream) {
      this.stream.feed(chunk, this.clock());
      return;
    }
    if (!this.body || this.tooLarge) return;
    this.bodyBytes += chunk.length;
    if (this.bodyBytes > LIMITS.maxValidatedBodyBytes) {
      this.tooLarge = true;
      this.body = [];
    } else this.body.push(chunk);
  }

  onResponseEnd(): void {
    const [error, detail] = this.verdict();
    this.finish(error, detail);
  }

  /** Why a response that arrived whole is still a failure, if it is. */
  private verdict(): [ErrorKind | undefined, string | undefined] {
    const statusError = statusErrorKind(this.status);
    if (statusError) return [statusError, `HTTP ${this.status}`];
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

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const kind = failureKind(error);
    const message = error.message || (error as { code?: string }).code || "request failed";
    // A stream cut off once tokens flowed is a truncated stream, not a connection problem.
    if (this.stream && kind === "connection") {
      this.finish("stream", `the stream broke off after ${this.stream.tokens} tokens: ${message}`);
      return;
    }
    this.finish(kind, message, kind === "timeout" || this.status !== 0);
  }

  private finish(error: ErrorKind | undefined, detail?: string, timed = true): void {
    if (this.finished) return;
    this.finished = true;
    const s = this.stream;
    const tps = s?.tokensPerSecond();
    this.done({
      intendedAt: this.intendedAt,
      sentAt: this.sentAt,
      endAt: this.clock(),
      ...(error ? { error } : {}),
      ...(detail !== undefined ? { detail } : {}),
      ...(s?.firstTokenAt !== undefined ? { firstTokenAt: s.firstTokenAt, tokens: s.tokens } : {}),
      ...(tps !== undefined ? { tokensPerSecond: tps } : {}),
      timed: error === undefined || timed,
    });
  }
}

/** Start request `seq` now; `done` receives its outcome. */
export function sendRequest(
  dispatcher: Dispatcher,
  plan: RequestPlan,
  clock: Clock,
  seq: number,
  intendedAt: number,
  onGap: (ms: number) => void,
  done: (outcome: Outcome) => void,
): void {
  const sentAt = clock();
  const handler = new MeasuredRequest(plan, clock, intendedAt, sentAt, onGap, done);
  const bodies = plan.bodies;
  try {
    dispatcher.dispatch(
      {
        path: plan.path,
        method: plan.method as Dispatcher.HttpMethod,
        headers: headersFor(plan.headers, seq, plan.extraHeaders),
        ...(bodies && bodies.length > 0
          ? { body: bodies[((seq % bodies.length) + bodies.length) % bodies.length] }
          : {}),
        headersTimeout: plan.timeoutMs,
        bodyTimeout: plan.timeoutMs,
      },
      handler,
    );
  } catch (e) {
    handler.onResponseError(
      undefined as unknown as Dispatcher.DispatchController,
      e instanceof Error ? e : new Error(String(e)),
    );
  }
}
