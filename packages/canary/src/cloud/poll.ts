import { GateError } from "@mlgate/core";
import type { Clock } from "../engine/clock.js";
import { formatDuration } from "../plan/parse-steps.js";

/** One look at a resource that changes by itself: done with a value, or not yet (and why). */
export type PollStep<T> = { done: true; value: T } | { done: false; status: string };

export interface PollOptions<T> {
  /** For the timeout message: `SageMaker endpoint prod`. */
  what: string;
  intervalMs: number;
  timeoutMs: number;
  clock: Clock;
  check: () => Promise<PollStep<T>>;
  /** Said after the timeout message: what to look at. */
  hint?: string;
}

/**
 * Look until the check says done, sleeping `intervalMs` between looks, and give up with a GateError
 * naming the last status once `timeoutMs` has passed. The first look is immediate.
 */
export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const deadline = options.clock.now() + options.timeoutMs;
  for (;;) {
    const step = await options.check();
    if (step.done) return step.value;
    if (options.clock.now() >= deadline) {
      throw new GateError(
        `${options.what} is still ${step.status} after ${formatDuration(options.timeoutMs)}`,
        options.hint ? { hint: options.hint } : {},
      );
    }
    await options.clock.sleep(Math.max(1, Math.min(options.intervalMs, deadline - options.clock.now())));
  }
}
