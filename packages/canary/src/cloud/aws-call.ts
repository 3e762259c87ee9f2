import { type Clock, realClock } from "../engine/clock.js";
import { type AwsCallContext, awsErrorCodes, awsGateError, isTransient, retryAfterMs } from "./aws-errors.js";
import { withRetry } from "./retry.js";

/** How hard to insist when AWS throttles or fails transiently. */
export interface AwsRetrySettings {
  /** Tries per call, the first included (default 5). */
  attempts?: number;
  /** First pause (default 500 ms); doubles per try up to `maxDelayMs` (default 20 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_AWS_RETRY: Required<AwsRetrySettings> = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
};

export interface AwsCallerOptions {
  /** For messages: `SageMaker`, `ELBv2`. */
  service: string;
  /** A custom endpoint, named when it cannot be reached. */
  endpoint?: string | undefined;
  retry?: AwsRetrySettings | undefined;
  clock?: Clock | undefined;
  /** [0, 1) jitter source (tests fix it). */
  random?: () => number;
  /** Service-specific codes that also pass with time (Lambda's ResourceConflictException). */
  alsoTransient?: readonly string[];
}

type Context = Omit<AwsCallContext, "service">;

/**
 * Sends SDK commands for one service: transient failures (throttling, 5xx, dropped connections) are
 * retried with backoff on the injected clock; what remains becomes a GateError with the AWS code and
 * the IAM permission the call needs.
 */
export class AwsCaller {
  private readonly retry: Required<AwsRetrySettings>;
  private readonly clock: Clock;

  constructor(private readonly options: AwsCallerOptions) {
    this.retry = { ...DEFAULT_AWS_RETRY, ...options.retry };
    this.clock = options.clock ?? realClock;
  }

  async call<T>(ctx: Context, send: () => Promise<T>): Promise<T> {
    try {
      return await this.raw(send);
    } catch (e) {
      throw this.error(e, ctx);
    }
  }

  /** Like `call`, but the last failure is thrown as the SDK raised it (for callers that classify it). */
  raw<T>(send: () => Promise<T>): Promise<T> {
    const also = this.options.alsoTransient ?? [];
    return withRetry(() => send(), {
      ...this.retry,
      clock: this.clock,
      retryable: (e) => isTransient(e) || awsErrorCodes(e).some((c) => also.includes(c)),
      retryAfterMs,
      ...(this.options.random ? { random: this.options.random } : {}),
    });
  }

  /** A failure as `call` reports it. */
  error(e: unknown, ctx: Context) {
    return awsGateError(e, { ...ctx, service: this.options.service }, this.options.endpoint);
  }
}
