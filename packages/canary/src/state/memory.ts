import type { RolloutRecord, StateStore } from "./types.js";

/** Records kept in memory: for tests, and for runs that need no resume. */
export class MemoryStateStore implements StateStore {
  /** Every rollout, oldest first; each holds its records in order. */
  readonly rollouts: RolloutRecord[][] = [];

  describe(): string {
    return "memory";
  }

  async latest(): Promise<RolloutRecord | undefined> {
    return this.rollouts.at(-1)?.at(-1);
  }

  async begin(record: RolloutRecord): Promise<void> {
    this.rollouts.push([{ ...record }]);
  }

  async update(record: RolloutRecord): Promise<void> {
    const current = this.rollouts.at(-1);
    if (current) current.push({ ...record });
    else this.rollouts.push([{ ...record }]);
  }
}
