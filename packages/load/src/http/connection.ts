import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { ResponseParser, type ResponseSink } from "./response-parser.js";

/** Where connections go. */
export interface Origin {
  tls: boolean;
  /** Host name or IP address to connect to (IPv6 without brackets). */
  hostname: string;
  port: number;
}

/** One request and its response on a connection; exactly one of onEnd and onError is called. */
export interface Exchange {
  /** Whether onBody receives the body (otherwise it is skipped unseen). */
  readonly wantsBody: boolean;
  /** Whether onHead receives the Content-Type. */
  readonly wantsContentType: boolean;
  onHead(status: number, contentType: string | undefined): void;
  /** A view of body bytes, valid only during the call: copy what must be kept. */
  onBody(chunk: Buffer): void;
  onEnd(): void;
  onError(error: Error): void;
}

/** A failure of the client side of an exchange, with a code for sorting it into an error kind. */
export class HttpClientError extends Error {
  constructor(
    readonly code: "CONNECT_TIMEOUT" | "HEADERS_TIMEOUT" | "BODY_TIMEOUT" | "CONNECTION_CLOSED",
    message: string,
  ) {
    super(message);
    this.name = "HttpClientError";
  }
}

/** What a connection tells the pool it belongs to. */
export interface ConnectionOwner {
  /** The connection finished an exchange and may carry another. */
  release(connection: Connection): void;
  /** The connection is closed for good. */
  forget(connection: Connection): void;
}

/**
 * Plain-TCP reads land in one buffer shared by every connection: reads are handled one at a time on
 * the event loop and nothing keeps a view of it past the read, so no read allocates.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** One keep-alive HTTP/1.1 connection carrying one exchange at a time. */
export class Connection implements ResponseSink {
  /** The exchange in progress, if any. */
  exchange: Exchange | undefined;
  closed = false;
  /** Reads so far; the pool's timeout sweep compares it with `seenReads` to notice progress. */
  reads = 0;
  seenReads = 0;
  /** When the current exchange was sent, and the last time the sweep saw it make progress. */
  sentAt = 0;
  quietSince = 0;
  /** When the sweep first saw the connection idle (-1: busy since). */
  idleSince = -1;
  /** How long the connection may stay idle before the server might close it. */
  keepAliveMs: number;
  private readonly parser = new ResponseParser(this);
  private readonly socket: Socket;

  constructor(
    origin: Origin,
    private readonly owner: ConnectionOwner,
    defaultKeepAliveMs: number,
    private readonly keepAliveMarginMs: number,
  ) {
    this.keepAliveMs = defaultKeepAliveMs;
    const socket = origin.tls
      ? connectTls({
          host: origin.hostname,
          port: origin.port,
          ALPNProtocols: ["http/1.1"],
          ...(/^[\d.]+$|:/.test(origin.hostname) ? {} : { servername: origin.hostname }),
        })
      : connectTcp({
          host: origin.hostname,
          port: origin.port,
          onread: {
            buffer: READ_BUFFER,
            callback: (n: number, buffer: Uint8Array) => {
              this.onData(buffer as Buffer, 0, n);
              return true;
            },
          },
        });
    if (origin.tls) socket.on("data", (chunk: Buffer) => this.onData(chunk, 0, chunk.length));
    socket.setNoDelay(true);
    socket.on("error", (e) => this.fail(e));
    socket.on("end", () => this.onEndOfInput());
    socket.on("close", () => {
      this.onEndOfInput();
      this.markClosed();
    });
    this.socket = socket;
  }

  /** Whether the socket is still connecting. */
  get connecting(): boolean {
    return this.socket.connecting;
  }

  /** Whether the final status line of the current response has arrived. */
  get gotHead(): boolean {
    return this.parser.gotHead;
  }

  /** Send a request: `head`, then `tail` (the rest of the head and the body) when given. */
  send(
    head: Buffer | string,
    tail: Buffer | undefined,
    headOnly: boolean,
    exchange: Exchange,
    now: number,
  ): void {
    this.exchange = exchange;
    this.sentAt = now;
    this.quietSince = now;
    this.seenReads = this.reads;
    this.idleSince = -1;
    this.parser.reset(headOnly, exchange.wantsBody, exchange.wantsContentType);
    const s = this.socket;
    if (tail === undefined) {
      if (typeof head === "string") s.write(head, "latin1");
      else s.write(head);
      return;
    }
    // One write system call for head and body.
    s.cork();
    if (typeof head === "string") s.write(head, "latin1");
    else s.write(head);
    s.write(tail);
    s.uncork();
  }

  onHead(status: number, contentType: string | undefined): void {
    this.exchange?.onHead(status, contentType);
  }

  onBody(chunk: Buffer): void {
    this.exchange?.onBody(chunk);
  }

  /** Fail the exchange in progress (if any) and close the connection. */
  fail(error: Error): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.destroy();
    exchange?.onError(error);
  }

  destroy(): void {
    if (this.closed) return;
    this.socket.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.owner.forget(this);
  }

  private onData(b: Buffer, start: number, end: number): void {
    this.reads++;
    const exchange = this.exchange;
    // Bytes nobody asked for (a server's parting 408, say): the connection is no longer in step.
    if (exchange === undefined) {
      this.destroy();
      return;
    }
    let at: number;
    try {
      at = this.parser.feed(b, start, end);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    if (at >= 0) this.complete(exchange, at === end);
  }

  /** The server closed its side: that ends a body delimited by the close, or cuts a response short. */
  private onEndOfInput(): void {
    const exchange = this.exchange;
    if (exchange === undefined) return;
    if (this.parser.endOfInput()) this.complete(exchange, false);
    else
      this.fail(
        new HttpClientError(
          "CONNECTION_CLOSED",
          this.parser.gotHead
            ? "the server closed the connection before the response body was complete"
            : "the server closed the connection without a response",
        ),
      );
  }

  private complete(exchange: Exchange, reusable: boolean): void {
    this.exchange = undefined;
    const hint = this.parser.keepAliveHintMs;
    if (hint !== undefined) this.keepAliveMs = hint - this.keepAliveMarginMs;
    // Released before the callback, which may start the next request at once.
    if (reusable && this.parser.keepAlive && !this.closed && this.keepAliveMs > 0) this.owner.release(this);
    else this.destroy();
    exchange.onEnd();
  }
}
