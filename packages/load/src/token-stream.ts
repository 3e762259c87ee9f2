import { createParser, type EventSourceParser } from "eventsource-parser";
import { LIMITS } from "./limits.js";

/**
 * Reads one server-sent-events response as a token stream: OpenAI-style chat/completions chunks
 * (`choices[0].delta.content`, `choices[0].text`), or any other event whose data is not JSON, count
 * one token per event that carries text. The stream is complete at `data: [DONE]` or at a chunk with
 * a `finish_reason`; a stream that ends before either is truncated.
 */
export class TokenStream {
  tokens = 0;
  firstTokenAt: number | undefined;
  lastTokenAt: number | undefined;
  complete = false;
  /** Why the stream failed (an `error` event, too many events, an event over the size limit). */
  failure: string | undefined;
  private events = 0;
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder("utf-8");
  private now = 0;

  /** `onGap` receives each inter-token gap in milliseconds. */
  constructor(private readonly onGap: (ms: number) => void) {
    this.parser = createParser({
      maxBufferSize: LIMITS.maxStreamEventBytes,
      onEvent: (event) => this.onEvent(event.event, event.data),
      onError: (error) => {
        if (error.type === "max-buffer-size-exceeded")
          this.fail(`an event is over ${LIMITS.maxStreamEventBytes} bytes`);
      },
    });
  }

  /** Feed bytes received at time `now` (ms). */
  feed(chunk: Buffer, now: number): void {
    if (this.failure !== undefined) return;
    this.now = now;
    try {
      this.parser.feed(this.decoder.decode(chunk, { stream: true }));
    } catch {
      this.fail("the event stream could not be parsed");
    }
  }

  private fail(reason: string): void {
    if (this.failure === undefined) this.failure = reason;
  }

  private onEvent(type: string | undefined, data: string): void {
    if (this.failure !== undefined || this.complete) return;
    if (++this.events > LIMITS.maxStreamEvents) {
      this.fail(`the stream sent more than ${LIMITS.maxStreamEvents} events`);
      return;
    }
    if (type === "error") {
      this.fail(`the server sent an error event: ${data.slice(0, 200)}`);
      return;
    }
    const text = data.trim();
    if (text === "[DONE]") {
      this.complete = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(text);
    } catch {
      if (text !== "") this.token();
      return;
    }
    this.onChunk(chunk);
  }

  private onChunk(chunk: unknown): void {
    if (chunk === null || typeof chunk !== "object") {
      this.token();
      return;
    }
    const record = chunk as { error?: unknown; choices?: unknown };
    if (record.error !== undefined && record.error !== null) {
      const message = (record.error as { message?: unknown }).message;
      this.fail(
        `the server sent an error: ${typeof message === "string" ? message.slice(0, 200) : "(no message)"}`,
      );
      return;
    }
    const choice = Array.isArray(record.choices)
      ? (record.choices[0] as Record<string, unknown> | undefined)
      : undefined;
    if (!choice) {
      // Not an OpenAI-style chunk: each event is a token.
      if (!Array.isArray(record.choices)) this.token();
      return;
    }
    const delta = choice.delta as { content?: unknown } | undefined;
    const content =
      typeof delta?.content === "string" ? delta.content : typeof choice.text === "string" ? choice.text : "";
    if (content !== "") this.token();
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) this.complete = true;
  }

  private token(): void {
    if (this.lastTokenAt !== undefined) this.onGap(this.now - this.lastTokenAt);
    else this.firstTokenAt = this.now;
    this.lastTokenAt = this.now;
    this.tokens++;
  }

  /** The decoding rate of this stream in tokens per second (undefined with fewer than two tokens). */
  tokensPerSecond(): number | undefined {
    if (this.tokens < 2 || this.firstTokenAt === undefined || this.lastTokenAt === undefined)
      return undefined;
    const seconds = (this.lastTokenAt - this.firstTokenAt) / 1000;
    return seconds > 0 ? (this.tokens - 1) / seconds : undefined;
  }
}
