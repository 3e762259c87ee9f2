/** Time as the rollout sees it: injected so tests can run a ten-minute plan in milliseconds. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Wait `ms`; rejects with the signal's reason when it is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/** A clock that jumps instead of waiting, for simulations; `sleep` only yields to pending I/O. */
export class VirtualClock implements Clock {
  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw signal.reason;
    this.time += Math.max(0, ms);
  }
}
