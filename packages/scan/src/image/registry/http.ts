import type { Readable } from "node:stream";
import { GateError } from "@mlgate/core";
import { type Dispatcher, request } from "undici";
import { formatBytes } from "../limits.js";

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { dump(opts?: { limit: number }): Promise<void> };
  /** The URL that answered, after redirects. */
  url: URL;
}

export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * GET with redirects followed by hand: blob downloads are redirected to object storage (S3, a CDN), and
 * the registry's credentials must not travel to another origin — S3 even refuses a presigned URL that
 * arrives with an Authorization header.
 */
export async function httpGet(
  url: URL,
  headers: Record<string, string>,
  options: { dispatcher: Dispatcher; maxRedirects: number; what: string },
): Promise<HttpResponse> {
  let current = url;
  let sent = { ...headers };
  for (let hop = 0; ; hop++) {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(current, { method: "GET", headers: sent, dispatcher: options.dispatcher });
    } catch (e) {
      throw networkError(e, current, options.what);
    }
    const status = response.statusCode;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location) {
      await response.body.dump();
      if (hop >= options.maxRedirects) {
        throw new GateError(`${options.what}: more than ${options.maxRedirects} redirects from ${url.host}`);
      }
      const next = new URL(Array.isArray(location) ? location[0]! : location, current);
      if (next.protocol !== "https:" && next.protocol !== "http:") {
        throw new GateError(
          `${options.what}: the registry redirected to an unsupported URL scheme ${next.protocol}`,
        );
      }
      if (next.origin !== current.origin) {
        sent = Object.fromEntries(Object.entries(sent).filter(([k]) => k.toLowerCase() !== "authorization"));
      }
      current = next;
      continue;
    }
    return { status, headers: response.headers, body: response.body as HttpResponse["body"], url: current };
  }
}

function networkError(e: unknown, url: URL, what: string): GateError {
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err.code ?? err.cause?.code ?? "";
  const message = err.message ?? String(e);
  const tlsMismatch = /EPROTO|wrong version number|ssl3_get_record|packet length too long/i.test(
    `${code} ${message}`,
  );
  const hint = tlsMismatch
    ? "the registry does not speak TLS on this port: allow plain HTTP for it (insecureHttp / --insecure-registry)"
    : code === "ECONNREFUSED"
      ? "nothing listens there: check the registry host and port"
      : code === "ENOTFOUND" || code === "EAI_AGAIN"
        ? "the host name does not resolve: check the registry name and the network"
        : /timeout/i.test(`${code} ${message}`)
          ? "the registry did not answer in time: retry, or raise limits.requestTimeoutMs"
          : undefined;
  return new GateError(`${what}: cannot reach ${url.origin}: ${code || message}`, {
    ...(hint ? { hint } : {}),
    cause: e,
  });
}

/** Read a response body whole, refusing more than `maxBytes`. */
export async function readBody(response: HttpResponse, maxBytes: number, what: string): Promise<Buffer> {
  const declared = Number(header(response, "content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body.dump();
    throw new GateError(`${what} is ${formatBytes(declared)}, over the limit of ${formatBytes(maxBytes)}`);
  }
  return readStreamBounded(response.body, maxBytes, what);
}

export async function readStreamBounded(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      stream.destroy();
      throw new GateError(`${what} is over the limit of ${formatBytes(maxBytes)}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The `errors[0].message` of a distribution API error body, for the message shown to the user. */
export async function registryErrorText(response: HttpResponse): Promise<string> {
  try {
    const text = (await readBody(response, 64 * 1024, "registry error")).toString("utf8");
    const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const first = parsed.errors?.[0];
    if (first) return [first.code, first.message].filter(Boolean).join(": ");
    return text.slice(0, 200).trim();
  } catch {
    return "";
  }
}
