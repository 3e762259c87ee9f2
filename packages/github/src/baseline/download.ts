import { GateError } from "@mlgate/core";
import type { Octokit } from "../octokit.js";

/** Archives or files bigger than this are refused before, or while, downloading. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 512 * 1024 ** 2;

/**
 * GET an API route that answers with a redirect to blob storage (artifact and release-asset
 * downloads), and return the body, stopping at `maxBytes`. The client follows the redirect; as the
 * blob host is another origin, fetch drops the token from the redirected request, as GitHub requires.
 */
export async function downloadRedirected(
  octokit: Octokit,
  route: string,
  params: Record<string, unknown>,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  let response: { data: unknown; headers: Record<string, unknown> };
  try {
    response = (await octokit.request(route, {
      ...params,
      request: { parseSuccessResponseBody: false },
    })) as { data: unknown; headers: Record<string, unknown> };
  } catch (e) {
    throw apiError(e, `could not download ${what}`);
  }
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await cancel(response.data);
    throw tooLarge(what, maxBytes, declared);
  }
  return readCapped(response.data, maxBytes, what);
}

async function cancel(body: unknown): Promise<void> {
  const stream = body as ReadableStream<Uint8Array> | null;
  await stream?.cancel?.().catch(() => {});
}

function tooLarge(what: string, maxBytes: number, size?: number): GateError {
  const got = size === undefined ? "more than that" : `${size} bytes`;
  return new GateError(`${what} is over the download limit of ${maxBytes} bytes (${got})`, {
    hint: "a baseline holds per-item results and a small metadata file; check what was uploaded",
  });
}

async function readCapped(body: unknown, maxBytes: number, what: string): Promise<Uint8Array> {
  if (body instanceof ArrayBuffer) {
    if (body.byteLength > maxBytes) throw tooLarge(what, maxBytes, body.byteLength);
    return new Uint8Array(body);
  }
  const stream = body as ReadableStream<Uint8Array> | null;
  if (!stream || typeof stream.getReader !== "function") return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(what, maxBytes);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw new GateError(`the download of ${what} broke off: ${(e as Error).message}`, { cause: e });
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A failed API call as a GateError that says what was being done and, for the usual statuses, what to do. */
export function apiError(e: unknown, doing: string): GateError {
  const status = (e as { status?: unknown }).status;
  const message = (e as Error).message ?? String(e);
  const hint =
    status === 401
      ? "the token was refused; check the action's token input"
      : status === 403
        ? "the token may lack `actions: read` (artifacts) or `contents: read` (releases); grant them under `permissions:`"
        : status === 404
          ? "check the repository, the workflow and the names; a private repository also answers 404 to a token without access"
          : status === 410
            ? "the artifact has expired; a newer run on the branch must upload it again"
            : undefined;
  return new GateError(`${doing}: ${typeof status === "number" ? `HTTP ${status}: ` : ""}${message}`, {
    ...(hint ? { hint } : {}),
    cause: e,
  });
}
