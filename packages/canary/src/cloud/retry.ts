import type { Clock } from "../engine/clock.js";

export interface RetryOptions {
  /** Tries in all, the first included (at least 1). */
  attempts: number;
  /** First pause; each next one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  clock: Clock;
  /** Whether a failure may pass by asking again. */
  retryable: (error: unknown) => boolean;
  /** A server's own advice, in ms (Retry-After), which the pause is never shorter than. */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** [0, 1): jitter source, injectable so tests see fixed pauses. */
  random?: () => number;
  /** Told before each pause (progress logs, tests). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** The pause before try `attempt + 1`: exponential, with the upper half jittered so clients spread out. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "random">,
) {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Run `task` until it succeeds, a failure is not retryable, or the tries run out; the last failure is
 * thrown as it came. `task` gets the 1-based try number.
 */
export async function withRetry<T>(task: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts));
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(attempt);
    } catch (e) {
      if (attempt >= attempts || !options.retryable(e)) throw e;
      const advised = options.retryAfterMs?.(e);
      const delay = Math.min(
        options.maxDelayMs,
        Math.max(
          backoffDelay(attempt, options),
          advised !== undefined && Number.isFinite(advised) ? advised : 0,
        ),
      );
      options.onRetry?.(e, attempt, delay);
      await options.clock.sleep(delay);
    }
  }
}
