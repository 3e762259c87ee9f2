import { type Clock, realClock } from "../engine/clock.js";
import { type AwsCallContext, awsGateError, isTransient, retryAfterMs } from "./aws-errors.js";
import { withRetry } from "./retry.js";

/** How hard to insist when AWS throttles or fails transiently. */
export interface AwsRetrySettings {
  /** Tries per call, the first included (default 5). */
  attempts?: number;
  /** First pause (default 500 ms); doubles per try up to `maxDelayMs` (default 20 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export const DEFAULT_AWS_RETRY: Required<AwsRetrySettings> = { attempts: 5, baseDelayMs: 500, maxDelayMs: 20_000 };

/**
 * Sends SDK commands for one service: transient failures (throttling, 5xx, dropped connections) are
 * retried with backoff on the injected clock; what remains becomes a GateError with the AWS code and
 * the IAM permission the call needs.
 */
export class AwsCaller {
  private readonly retry: Required<AwsRetrySettings>;

  constructor(
    private readonly service: string,
    private readonly endpoint: string | undefined,
    retry: AwsRetrySettings = {},
    private readonly clock: Clock = realClock,
    private readonly random?: () => number,
  ) {
    this.retry = { ...DEFAULT_AWS_RETRY, ...retry };
  }

  async call<T>(ctx: Omit<AwsCallContext, "service">, send: () => Promise<T>): Promise<T> {
    const full = { ...ctx, service: this.service };
    try {
      return await this.raw(send);
    } catch (e) {
      throw awsGateError(e, full, this.endpoint);
    }
  }

  /** Like `call`, but the last failure is thrown as the SDK raised it (for callers that classify it). */
  raw<T>(send: () => Promise<T>): Promise<T> {
    return withRetry(() => send(), {
      ...this.retry,
      clock: this.clock,
      retryable: isTransient,
      retryAfterMs,
      ...(this.random ? { random: this.random } : {}),
    });
  }
}
