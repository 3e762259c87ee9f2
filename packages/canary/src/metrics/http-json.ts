import { errors, request } from "undici";
import { MetricSourceError } from "./types.js";

export interface JsonRequest {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  timeoutMs: number;
  /** Answers larger than this are refused (default 8 MiB). */
  maxBytes?: number;
  /** For messages: `Prometheus`, `web metric p95`. */
  what: string;
}

export interface JsonAnswer {
  status: number;
  json: unknown;
}

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

function describeFailure(e: unknown): string {
  const code = (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND") return "host not found";
  if (e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError) return "timed out";
  return (e as Error).message || String(e);
}

/**
 * One JSON request with a deadline and a size cap. Network failures and 5xx answers are transient
 * MetricSourceErrors; the answer of any other status is returned for the caller to judge.
 */
export async function fetchJson(req: JsonRequest): Promise<JsonAnswer> {
  const max = req.maxBytes ?? DEFAULT_MAX_BYTES;
  const body = req.form ? new URLSearchParams(req.form).toString() : undefined;
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(req.url, {
      method: req.method ?? (body ? "POST" : "GET"),
      headers: {
        accept: "application/json",
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...req.headers,
      },
      ...(body ? { body } : {}),
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (e) {
    throw new MetricSourceError(`${req.what} at ${redact(req.url)}: ${describeFailure(e)}`, { cause: e });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > max) {
        res.body.destroy();
        throw new MetricSourceError(`${req.what} answered more than ${max} bytes`, { permanent: true });
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    if (e instanceof MetricSourceError) throw e;
    throw new MetricSourceError(`${req.what} at ${redact(req.url)}: ${describeFailure(e)}`, { cause: e });
  }
  if (res.statusCode >= 500) {
    throw new MetricSourceError(`${req.what} at ${redact(req.url)} answered HTTP ${res.statusCode}`);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return { status: res.statusCode, json: JSON.parse(text) };
  } catch {
    throw new MetricSourceError(
      `${req.what} at ${redact(req.url)} answered HTTP ${res.statusCode} with something that is not JSON`,
      { permanent: res.statusCode !== 429 && res.statusCode !== 408 },
    );
  }
}

/** URLs in messages lose their credentials and query strings (tokens hide there). */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return `${u.origin}${u.pathname}${u.search ? "?…" : ""}`;
  } catch {
    return "(invalid URL)";
  }
}
