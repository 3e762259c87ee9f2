import type { Readable } from "node:stream";

/**
 * Reads one tar entry's bytes on demand. tar-stream destroys the whole archive when an entry stream is
 * destroyed, which is what `for await` does on an early `break`; this reader detaches instead and lets the
 * rest of the entry drain, so a consumer may stop after the first bytes.
 */
export class EntryReader {
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private used = false;

  /** `explain` turns a stream failure (zlib, tar, a digest check upstream) into the error the consumer sees. */
  constructor(
    private readonly stream: Readable,
    private readonly explain: (e: unknown) => Error = (e) => e as Error,
  ) {
    stream.once("end", () => this.settle(() => (this.ended = true)));
    stream.once("error", (e: Error) => this.settle(() => (this.failure = e)));
    stream.once("close", () => this.settle(() => (this.ended ||= !this.failure)));
  }

  private settle(change: () => void): void {
    change();
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *chunks(): AsyncGenerator<Buffer> {
    if (this.used) throw new Error("a tar entry's content can be read once");
    this.used = true;
    const queue: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      queue.push(chunk);
      this.stream.pause();
      this.settle(() => {});
    };
    this.stream.on("data", onData);
    try {
      while (true) {
        const next = queue.shift();
        if (next) {
          yield next;
          if (queue.length === 0 && !this.ended) this.stream.resume();
          continue;
        }
        if (this.failure) throw this.explain(this.failure);
        if (this.ended) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
      }
    } finally {
      this.stream.off("data", onData);
    }
  }

  /** Let whatever the consumer did not read flow past. */
  drain(): void {
    if (!this.ended && !this.failure) this.stream.resume();
  }
}
