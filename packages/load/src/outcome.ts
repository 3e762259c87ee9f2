/** Why a request did not count as a success. */
export const ERROR_KINDS = [
  "status_3xx",
  "status_4xx",
  "status_5xx",
  "status_other",
  "timeout",
  "connection",
  "validation",
  "stream",
  "dropped",
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export const ERROR_LABELS: Record<ErrorKind, string> = {
  status_3xx: "3xx responses (redirects are not followed)",
  status_4xx: "4xx responses",
  status_5xx: "5xx responses",
  status_other: "responses with another status",
  timeout: "timeouts",
  connection: "connection errors",
  validation: "responses failing validation",
  stream: "broken or truncated streams",
  dropped: "starts dropped (no connection free within the timeout)",
};

export function statusErrorKind(status: number): ErrorKind | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status >= 300 && status < 400) return "status_3xx";
  if (status >= 400 && status < 500) return "status_4xx";
  if (status >= 500 && status < 600) return "status_5xx";
  return "status_other";
}

/** The HTTP client's own timeouts, and the system's for a connect. */
const TIMEOUT_CODES = new Set(["HEADERS_TIMEOUT", "BODY_TIMEOUT", "CONNECT_TIMEOUT", "ETIMEDOUT"]);

/** Sort a client-side failure into a timeout or a connection error. */
export function failureKind(error: unknown): "timeout" | "connection" {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && TIMEOUT_CODES.has(code)) return "timeout";
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (typeof cause === "string" && TIMEOUT_CODES.has(cause)) return "timeout";
  return "connection";
}

/** What happened to one request, as the recorder needs it. Times are ms on the run's clock. */
export interface Outcome {
  /** When the request was meant to start (the schedule), and when it actually started. */
  intendedAt: number;
  sentAt: number;
  endAt: number;
  error?: ErrorKind;
  /** One line for the first few errors of each kind, shown in the report. */
  detail?: string;
  /** Streaming responses: the first token's time and the token count. */
  firstTokenAt?: number;
  tokens?: number;
  tokensPerSecond?: number;
  /** The response ended (any status) or the client gave up waiting: it has a latency. */
  timed: boolean;
}
