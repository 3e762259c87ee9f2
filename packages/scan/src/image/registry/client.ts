import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { GateError } from "@mlgate/core";
import { Agent } from "undici";
import { digestOf, isDigest, parseDigest } from "../digest.js";
import { formatBytes } from "../limits.js";
import { MANIFEST_ACCEPT } from "../media-types.js";
import { formatRegistryReference, type RegistryReference } from "../reference.js";
import type { ImageLimits, RegistryAuth } from "../types.js";
import { type Challenge, parseChallenges } from "./challenge.js";
import { type HttpResponse, header, httpGet, readBody, registryErrorText } from "./http.js";

export interface RegistryClientOptions {
  auth?: RegistryAuth;
  insecureHttp?: boolean;
  limits: ImageLimits;
  log?: (line: string) => void;
  /** Delays before retrying a failed GET (5xx, 429, network); the default retries twice. */
  retryDelaysMs?: number[];
}

export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  mediaType?: string;
}

const MAX_TOKEN_RESPONSE = 1024 * 1024;

/** Network failures worth another try; a refused connection or a TLS mismatch will not heal in a second. */
const TRANSIENT = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

function isTransient(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string; cause?: { code?: string } } }).cause;
  const code = cause?.code ?? cause?.cause?.code;
  return code !== undefined && TRANSIENT.has(code);
}

/**
 * The pull side of the OCI distribution API: manifests and blobs of one repository, with the registry's
 * own authentication dance — anonymous first, then whatever the 401 challenge asks for (a bearer token
 * from the realm it names, or basic credentials), retried once.
 */
export class RegistryClient {
  private readonly dispatcher: Agent;
  private authorization: string | undefined;
  readonly name: string;

  constructor(
    private readonly ref: RegistryReference,
    private readonly options: RegistryClientOptions,
  ) {
    this.name = formatRegistryReference(ref);
    const timeout = options.limits.requestTimeoutMs;
    this.dispatcher = new Agent({ connectTimeout: timeout, headersTimeout: timeout, bodyTimeout: timeout });
    if (options.auth?.token) this.authorization = `Bearer ${options.auth.token}`;
  }

  private url(path: string): URL {
    return new URL(
      `${this.options.insecureHttp ? "http" : "https"}://${this.ref.registry}/v2/${this.ref.repository}/${path}`,
    );
  }

  private get scope(): string {
    return `repository:${this.ref.repository}:pull`;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async send(url: URL, headers: Record<string, string>, what: string): Promise<HttpResponse> {
    const withAuth = this.authorization ? { ...headers, authorization: this.authorization } : headers;
    const delays = this.options.retryDelaysMs ?? [500, 1500];
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await httpGet(url, withAuth, {
          dispatcher: this.dispatcher,
          maxRedirects: this.options.limits.maxRedirects,
          what,
        });
      } catch (e) {
        if (attempt >= delays.length || !isTransient(e)) throw e;
        this.options.log?.(`${what}: network error, retrying`);
        await sleep(delays[attempt]);
        continue;
      }
      const retryable = response.status >= 500 || response.status === 429;
      if (!retryable || attempt >= delays.length) return response;
      await response.body.dump();
      this.options.log?.(`${what}: ${response.status}, retrying`);
      await sleep(delays[attempt]);
    }
  }

  /**
   * GET with the authentication handshake: on 401, obtain what the challenge asks for and retry once. A
   * token that expired during a long download is renewed the same way.
   */
  private async get(url: URL, headers: Record<string, string>, what: string): Promise<HttpResponse> {
    const response = await this.send(url, headers, what);
    if (response.status !== 401) return response;
    const challenges = parseChallenges(header(response, "www-authenticate"));
    await response.body.dump();
    await this.authenticate(challenges, what);
    const retried = await this.send(url, headers, what);
    if (retried.status === 401) {
      await retried.body.dump();
      throw this.refused(what);
    }
    return retried;
  }

  private refused(what: string): GateError {
    const auth = this.options.auth;
    const had = auth?.token
      ? "the token"
      : auth?.username
        ? `the credentials for ${auth.username}`
        : "anonymous access";
    return new GateError(`${what}: ${this.ref.registry} refused ${had} (401 Unauthorized)`, {
      hint:
        auth?.username || auth?.token
          ? "check the user name and password or token, and that they may pull this repository"
          : "this registry needs credentials: pass a user name and password (or a token)",
    });
  }

  private async authenticate(challenges: Challenge[], what: string): Promise<void> {
    const bearer = challenges.find((c) => c.scheme === "bearer" && c.params.realm);
    const basic = challenges.find((c) => c.scheme === "basic");
    const { username, password, token } = this.options.auth ?? {};
    // A token given by the user is used as it is; exchanging it for an anonymous one would only hide the refusal.
    if (token && username === undefined) throw this.refused(what);
    if (bearer) {
      this.authorization = `Bearer ${await this.fetchToken(bearer, what)}`;
      return;
    }
    if (basic) {
      if (username === undefined || password === undefined) throw this.refused(what);
      this.requirePrivateChannel(this.url(""), what);
      this.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
      return;
    }
    throw new GateError(
      `${what}: ${this.ref.registry} asks for ${challenges.map((c) => c.scheme).join(", ") || "an unnamed"} authentication, which this reader does not speak`,
      { hint: "registries use Bearer (token) or Basic authentication" },
    );
  }

  /** Credentials never travel over plain HTTP unless plain HTTP was asked for. */
  private requirePrivateChannel(url: URL, what: string): void {
    if (url.protocol !== "https:" && !this.options.insecureHttp) {
      throw new GateError(`${what}: the registry wants credentials sent to ${url.origin} over plain HTTP`, {
        hint: "allow it explicitly for a local registry (insecureHttp), never across a network you do not trust",
      });
    }
  }

  /** The token flow of the distribution spec: GET realm?service=…&scope=…, with basic credentials when given. */
  private async fetchToken(challenge: Challenge, what: string): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(challenge.params.realm!);
    } catch {
      throw new GateError(`${what}: the registry's token realm "${challenge.params.realm}" is not a URL`);
    }
    if (realm.protocol !== "https:" && realm.protocol !== "http:") {
      throw new GateError(`${what}: the registry's token realm uses ${realm.protocol}, not HTTP(S)`);
    }
    if (challenge.params.service) realm.searchParams.set("service", challenge.params.service);
    realm.searchParams.set("scope", challenge.params.scope ?? this.scope);
    const headers: Record<string, string> = {};
    const { username, password } = this.options.auth ?? {};
    if (username !== undefined && password !== undefined) {
      this.requirePrivateChannel(realm, what);
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    }
    this.options.log?.(`requesting a pull token from ${realm.origin}${realm.pathname}`);
    const response = await httpGet(realm, headers, {
      dispatcher: this.dispatcher,
      maxRedirects: this.options.limits.maxRedirects,
      what: `${what} (token)`,
    });
    if (response.status === 401 || response.status === 403) {
      await response.body.dump();
      throw new GateError(
        `${what}: the token service ${realm.host} refused ${username ? `the credentials for ${username}` : "anonymous access"} (${response.status})`,
        {
          hint: username
            ? "check the user name and password"
            : "this registry needs credentials: pass a user name and password",
        },
      );
    }
    if (response.status !== 200) {
      const detail = await registryErrorText(response);
      throw new GateError(
        `${what}: the token service ${realm.host} answered ${response.status}${detail ? `: ${detail}` : ""}`,
      );
    }
    const body = await readBody(response, MAX_TOKEN_RESPONSE, `${what} token response`);
    let token: unknown;
    try {
      const parsed = JSON.parse(body.toString("utf8")) as { token?: unknown; access_token?: unknown };
      token = parsed.token ?? parsed.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== "string" || token.length === 0 || /[\r\n]/.test(token)) {
      throw new GateError(`${what}: the token service ${realm.host} answered without a usable token`, {
        hint: 'expected JSON with a "token" or "access_token" string',
      });
    }
    return token;
  }

  private async failure(response: HttpResponse, what: string): Promise<GateError> {
    const detail = await registryErrorText(response);
    const suffix = detail ? `: ${detail}` : "";
    switch (response.status) {
      case 404:
        return new GateError(`${what}: not found on ${this.ref.registry}${suffix}`, {
          hint: "check the repository name and the tag or digest",
        });
      case 403:
        return new GateError(`${what}: ${this.ref.registry} denied access (403)${suffix}`, {
          hint: "the credentials are valid but may not pull this repository",
        });
      case 429:
        return new GateError(`${what}: ${this.ref.registry} is rate limiting (429)${suffix}`, {
          hint: `retry later${header(response, "retry-after") ? ` (it asks for ${header(response, "retry-after")} s)` : ""}, or authenticate for a higher limit`,
        });
      default:
        return new GateError(`${what}: ${this.ref.registry} answered ${response.status}${suffix}`);
    }
  }

  /** A manifest or index by tag or digest; its digest is computed from the bytes and checked. */
  async getManifest(reference: string, maxBytes: number): Promise<FetchedManifest> {
    const what = `manifest ${this.ref.repository}${isDigest(reference) ? "@" : ":"}${reference}`;
    const response = await this.get(
      this.url(`manifests/${reference}`),
      { accept: MANIFEST_ACCEPT.join(", ") },
      what,
    );
    if (response.status !== 200) throw await this.failure(response, what);
    const bytes = await readBody(response, maxBytes, what);
    const expected = isDigest(reference) ? reference : header(response, "docker-content-digest");
    const algorithm = expected && isDigest(expected) ? parseDigest(expected, what).algorithm : "sha256";
    const digest = digestOf(bytes, algorithm);
    if (expected && isDigest(expected) && expected !== digest) {
      throw new GateError(`${what} does not match its digest: expected ${expected}, read ${digest}`, {
        hint: "the registry served different bytes than it named; do not trust this image",
      });
    }
    const contentType = header(response, "content-type")?.split(";")[0]?.trim();
    this.options.log?.(`fetched ${what} (${digest}, ${formatBytes(bytes.length)})`);
    return {
      bytes,
      digest,
      ...(contentType && contentType !== "application/json" ? { mediaType: contentType } : {}),
    };
  }

  /** A blob's bytes as a stream; the caller checks the digest while reading. */
  async openBlob(digest: string, what: string): Promise<Readable> {
    const response = await this.get(this.url(`blobs/${digest}`), {}, what);
    if (response.status !== 200) throw await this.failure(response, what);
    return response.body;
  }
}
