import { Connection, type ConnectionOwner, HttpClientError, type Origin } from "./connection.js";

export interface PoolOptions {
  /** No response headers, or no further body bytes, for this long: the exchange times out. */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** How long an idle connection is kept when the server does not say (`Keep-Alive: timeout=N`). */
  keepAliveMs: number;
  /** Taken off the server's keep-alive timeout, so a connection is not reused as the server closes it. */
  keepAliveMarginMs: number;
  /** Milliseconds on the run's clock. */
  clock: () => number;
}

export const POOL_DEFAULTS = Object.freeze({ keepAliveMs: 60_000, keepAliveMarginMs: 2000 });

/**
 * Keep-alive connections to one origin. The most recently used idle connection is reused first (it
 * is the least likely to have been closed by the server); a new one is opened when none is idle, so
 * the pool holds as many connections as requests were ever in flight at once, which the caller bounds.
 *
 * Timeouts are enforced by one periodic sweep instead of a timer per request: an exchange times out
 * once the sweep has seen no progress for the timeout, never early, at most one sweep period late.
 */
export class ConnectionPool implements ConnectionOwner {
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly sweeper: NodeJS.Timeout;
  readonly sweepEveryMs: number;

  constructor(
    private readonly origin: Origin,
    private readonly options: PoolOptions,
  ) {
    this.sweepEveryMs = Math.max(
      5,
      Math.min(250, Math.min(options.timeoutMs, options.connectTimeoutMs) / 10),
    );
    this.sweeper = setInterval(() => this.sweep(this.options.clock()), this.sweepEveryMs);
    this.sweeper.unref();
  }

  /** Connections currently open. */
  get size(): number {
    return this.open.size;
  }

  /** A connection for the next request: an idle one, or a new one. */
  acquire(): Connection {
    const idle = this.idle;
    while (idle.length > 0) {
      const c = idle.pop()!;
      if (!c.closed) return c;
    }
    const c = new Connection(this.origin, this, this.options.keepAliveMs, this.options.keepAliveMarginMs);
    this.open.add(c);
    return c;
  }

  release(connection: Connection): void {
    this.idle.push(connection);
  }

  forget(connection: Connection): void {
    this.open.delete(connection);
  }

  /** Close every connection; exchanges in progress fail. */
  close(): void {
    clearInterval(this.sweeper);
    for (const c of [...this.open]) c.destroy();
    this.idle.length = 0;
  }

  /** Time out stalled exchanges and close connections idle past their keep-alive. */
  sweep(now: number): void {
    const { timeoutMs, connectTimeoutMs } = this.options;
    for (const c of this.open) {
      if (c.exchange === undefined) {
        if (c.idleSince < 0) c.idleSince = now;
        else if (now - c.idleSince >= c.keepAliveMs) c.destroy();
        continue;
      }
      if (c.reads !== c.seenReads) {
        c.seenReads = c.reads;
        c.quietSince = now;
        continue;
      }
      if (c.connecting) {
        if (now - c.sentAt >= connectTimeoutMs)
          c.fail(new HttpClientError("CONNECT_TIMEOUT", `could not connect within ${connectTimeoutMs}ms`));
      } else if (now - c.quietSince >= timeoutMs) {
        c.fail(
          c.gotHead
            ? new HttpClientError("BODY_TIMEOUT", `the response body stalled for ${timeoutMs}ms`)
            : new HttpClientError("HEADERS_TIMEOUT", `no response within ${timeoutMs}ms`),
        );
      }
    }
  }
}
