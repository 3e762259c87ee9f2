import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * An in-memory stand-in for the slice of GitHub's REST API the actions use, on loopback only.
 * Responses copy GitHub's shapes, status codes and headers closely enough for Octokit.
 */

export interface FakeUser {
  login: string;
  id: number;
  type: "User" | "Bot";
}

export interface FakeComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: FakeUser;
  created_at: string;
  updated_at: string;
  author_association: string;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  started_at: string | null;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations_count: number };
  html_url: string;
  url: string;
  /** Everything the client sent, merged over successive PATCHes (e.g. `output.annotations`). */
  request: Record<string, unknown>;
}

export interface FakePullRequest {
  number: number;
  state?: "open" | "closed";
  title?: string;
  head?: { sha?: string; ref?: string };
  base?: { sha?: string; ref?: string };
  [key: string]: unknown;
}

export interface RecordedCall {
  method: string;
  /** Path without the query string, e.g. `/repos/acme/models/issues/7/comments`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Status the fake answered with. */
  status: number;
}

export interface FailureOptions {
  /** Only requests matching these count (and fail); others pass through. */
  method?: string;
  path?: string | RegExp;
  /** Answer like GitHub's primary rate limit: `x-ratelimit-remaining: 0` and a reset `resetInSeconds` away. */
  rateLimited?: boolean;
  resetInSeconds?: number;
  /** Error message in the JSON body. */
  message?: string;
  headers?: Record<string, string>;
}

export interface FakeGitHubOptions {
  /** Token every request must carry (`authorization: token X` or `Bearer X`). Default `ghs_fake_token`. */
  token?: string;
  /** Who the token belongs to: author of created comments. Default `github-actions[bot]`. */
  user?: Partial<FakeUser>;
  /** Web address used in `html_url` fields. Default `https://github.com`. */
  serverUrl?: string;
  /** Largest request body accepted, in bytes. Default 1 MB. */
  maxBodyBytes?: number;
}

export interface FakeGitHub {
  /** Base address for GITHUB_API_URL / Octokit's `baseUrl`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The token the fake accepts. */
  token: string;
  /** Every request received, oldest first. */
  calls: RecordedCall[];
  /** Comments on an issue or pull request, oldest first (live objects: do not mutate). */
  comments(owner: string, repo: string, issueNumber: number): FakeComment[];
  /** Seed a comment, e.g. from a person, as if written earlier. */
  addComment(
    owner: string,
    repo: string,
    issueNumber: number,
    body: string,
    user?: Partial<FakeUser>,
  ): FakeComment;
  /** Register a pull request for `GET /repos/{owner}/{repo}/pulls/{n}`. */
  addPullRequest(owner: string, repo: string, pull: FakePullRequest): void;
  checkRuns(owner: string, repo: string): FakeCheckRun[];
  /** Answer the next `count` matching requests with `status` (Infinity: all of them, e.g. a read-only token). */
  failNext(count: number, status: number, options?: FailureOptions): void;
  /** Forget state, recorded calls and pending failures. */
  reset(): void;
  close(): Promise<void>;
}

const API_VERSION_DOCS = "https://docs.github.com/rest";
const RATE_LIMIT = 5000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface PendingFailure extends FailureOptions {
  remaining: number;
  status: number;
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const token = options.token ?? "ghs_fake_token";
  const serverUrl = options.serverUrl ?? "https://github.com";
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const me: FakeUser = { login: "github-actions[bot]", id: 41898282, type: "Bot", ...options.user };

  let comments = new Map<string, FakeComment[]>();
  let pulls = new Map<string, Record<string, unknown>>();
  let checkRuns = new Map<string, FakeCheckRun[]>();
  let failures: PendingFailure[] = [];
  let nextId = 1_000_001;
  let used = 0;
  const calls: RecordedCall[] = [];
  let url = "";

  const key = (owner: string, repo: string, n?: number) =>
    `${owner}/${repo}`.toLowerCase() + (n ? `#${n}` : "");
  const now = () => new Date().toISOString();
  const userJson = (u: FakeUser) => ({
    login: u.login,
    id: u.id,
    node_id: `U_${u.id}`,
    type: u.type,
    site_admin: false,
    url: `${url}/users/${encodeURIComponent(u.login)}`,
    html_url: `${serverUrl}/${encodeURIComponent(u.login)}`,
  });

  function makeComment(owner: string, repo: string, n: number, body: string, user: FakeUser): FakeComment {
    const id = nextId++;
    const at = now();
    const comment: FakeComment = {
      id,
      node_id: `IC_${id}`,
      url: `${url}/repos/${owner}/${repo}/issues/comments/${id}`,
      html_url: `${serverUrl}/${owner}/${repo}/pull/${n}#issuecomment-${id}`,
      issue_url: `${url}/repos/${owner}/${repo}/issues/${n}`,
      body,
      user,
      created_at: at,
      updated_at: at,
      author_association: user.type === "Bot" ? "NONE" : "MEMBER",
    };
    const list = comments.get(key(owner, repo, n)) ?? [];
    list.push(comment);
    comments.set(key(owner, repo, n), list);
    return comment;
  }

  const commentJson = (c: FakeComment) => ({ ...c, user: userJson(c.user), reactions: { total_count: 0 } });

  function findComment(owner: string, repo: string, id: number): { list: FakeComment[]; index: number } {
    const prefix = key(owner, repo);
    for (const [k, list] of comments) {
      if (!k.startsWith(`${prefix}#`)) continue;
      const index = list.findIndex((c) => c.id === id);
      if (index >= 0) return { list, index };
    }
    throw new HttpError(404, "Not Found");
  }

  function requireBody(body: unknown): string {
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== "string") {
      throw new HttpError(422, 'Invalid request.\n\n"body" wasn\'t supplied.', {
        errors: [{ resource: "IssueComment", code: "missing_field", field: "body" }],
      });
    }
    if (text.length > 65_536) {
      throw new HttpError(422, "Validation Failed", {
        errors: [{ resource: "IssueComment", code: "custom", field: "body", message: "body is too long" }],
      });
    }
    return text;
  }

  function rateHeaders(): Record<string, string> {
    return {
      "x-ratelimit-limit": String(RATE_LIMIT),
      "x-ratelimit-remaining": String(Math.max(0, RATE_LIMIT - used)),
      "x-ratelimit-used": String(used),
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
    };
  }

  function pageLinks(
    path: string,
    query: Record<string, string>,
    page: number,
    last: number,
  ): string | undefined {
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams({ ...query, page: String(p) });
      return `<${url}${path}?${q}>; rel="${rel}"`;
    };
    const parts: string[] = [];
    if (page > 1) parts.push(link(page - 1, "prev"));
    if (page < last) parts.push(link(page + 1, "next"), link(last, "last"));
    if (page > 1) parts.push(link(1, "first"));
    return parts.length ? parts.join(", ") : undefined;
  }

  type Handler = (
    m: string[],
    req: { body: unknown; query: Record<string, string>; path: string },
  ) => { status: number; json?: unknown; headers?: Record<string, string> };

  const routes: [string, RegExp, Handler][] = [
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      ([owner, repo, n], { query, path }) => {
        const list = comments.get(key(owner!, repo!, Number(n))) ?? [];
        const perPage = Math.min(100, Math.max(1, Number(query.per_page) || 30));
        const page = Math.max(1, Number(query.page) || 1);
        const last = Math.max(1, Math.ceil(list.length / perPage));
        const slice = list.slice((page - 1) * perPage, page * perPage);
        const link = pageLinks(path, query, page, last);
        const headers: Record<string, string> = link ? { link } : {};
        return { status: 200, json: slice.map(commentJson), headers };
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
      ([owner, repo, n], { body }) => ({
        status: 201,
        json: commentJson(makeComment(owner!, repo!, Number(n), requireBody(body), me)),
      }),
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
      ([owner, repo, id]) => {
        const { list, index } = findComment(owner!, repo!, Number(id));
        return { status: 200, json: commentJson(list[index]!) };
      },
    ],
    [
      "PATCH",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
      ([owner, repo, id], { body }) => {
        const text = requireBody(body);
        const { list, index } = findComment(owner!, repo!, Number(id));
        const comment = list[index]!;
        comment.body = text;
        comment.updated_at = now();
        return { status: 200, json: commentJson(comment) };
      },
    ],
    [
      "DELETE",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/,
      ([owner, repo, id]) => {
        const { list, index } = findComment(owner!, repo!, Number(id));
        list.splice(index, 1);
        return { status: 204 };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/,
      ([owner, repo, n]) => {
        const pull = pulls.get(key(owner!, repo!, Number(n)));
        if (!pull) throw new HttpError(404, "Not Found");
        return { status: 200, json: pull };
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/,
      ([owner, repo], { body }) => {
        const b = (body ?? {}) as Record<string, unknown>;
        const missing = ["name", "head_sha"].filter((f) => typeof b[f] !== "string");
        if (missing.length) {
          throw new HttpError(422, "Invalid request.", {
            errors: missing.map((field) => ({ resource: "CheckRun", code: "missing_field", field })),
          });
        }
        const id = nextId++;
        const run: FakeCheckRun = {
          id,
          name: String(b.name),
          head_sha: String(b.head_sha),
          status: "queued",
          conclusion: null,
          started_at: null,
          completed_at: null,
          output: { title: null, summary: null, text: null, annotations_count: 0 },
          html_url: `${serverUrl}/${owner}/${repo}/runs/${id}`,
          url: `${url}/repos/${owner}/${repo}/check-runs/${id}`,
          request: {},
        };
        applyCheckRun(run, b);
        const list = checkRuns.get(key(owner!, repo!)) ?? [];
        list.push(run);
        checkRuns.set(key(owner!, repo!), list);
        return { status: 201, json: checkRunJson(run) };
      },
    ],
    [
      "PATCH",
      /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/,
      ([owner, repo, id], { body }) => {
        const run = checkRuns.get(key(owner!, repo!))?.find((r) => r.id === Number(id));
        if (!run) throw new HttpError(404, "Not Found");
        applyCheckRun(run, (body ?? {}) as Record<string, unknown>);
        return { status: 200, json: checkRunJson(run) };
      },
    ],
    [
      "GET",
      /^\/rate_limit$/,
      () => {
        const core = {
          limit: RATE_LIMIT,
          used,
          remaining: RATE_LIMIT - used,
          reset: Math.floor(Date.now() / 1000) + 3600,
        };
        return { status: 200, json: { resources: { core }, rate: core } };
      },
    ],
  ];

  function applyCheckRun(run: FakeCheckRun, b: Record<string, unknown>): void {
    if (typeof b.name === "string") run.name = b.name;
    if (typeof b.status === "string") run.status = b.status;
    if (typeof b.conclusion === "string") {
      run.conclusion = b.conclusion;
      run.status = "completed";
      run.completed_at = typeof b.completed_at === "string" ? b.completed_at : now();
    }
    if (typeof b.started_at === "string") run.started_at = b.started_at;
    else if (run.status !== "queued") run.started_at ??= now();
    const output = b.output as Record<string, unknown> | undefined;
    if (output) {
      for (const f of ["title", "summary", "text"] as const) {
        if (typeof output[f] === "string") run.output[f] = output[f] as string;
      }
      if (Array.isArray(output.annotations)) run.output.annotations_count += output.annotations.length;
    }
    run.request = { ...run.request, ...b };
  }

  function checkRunJson(run: FakeCheckRun) {
    const { request: _request, ...json } = run;
    return json;
  }

  function takeFailure(method: string, path: string): PendingFailure | undefined {
    const failure = failures.find(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.path || (typeof f.path === "string" ? f.path === path : f.path.test(path))),
    );
    if (!failure) return undefined;
    failure.remaining--;
    failures = failures.filter((f) => f.remaining > 0);
    return failure;
  }

  function failureResponse(f: PendingFailure): {
    status: number;
    json: unknown;
    headers: Record<string, string>;
  } {
    const headers: Record<string, string> = { ...rateHeaders() };
    let message = f.message;
    if (f.rateLimited) {
      headers["x-ratelimit-remaining"] = "0";
      headers["x-ratelimit-used"] = String(RATE_LIMIT);
      headers["x-ratelimit-reset"] = String(Math.ceil(Date.now() / 1000 + (f.resetInSeconds ?? 1)));
      message ??= "API rate limit exceeded for installation ID 1.";
    }
    message ??=
      f.status === 403
        ? "Resource not accessible by integration"
        : f.status === 404
          ? "Not Found"
          : f.status >= 500
            ? "Server Error"
            : "Error";
    return {
      status: f.status,
      json: { message, documentation_url: API_VERSION_DOCS, status: String(f.status) },
      headers: { ...headers, ...f.headers },
    };
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > maxBodyBytes) {
        reject(new HttpError(413, "Payload Too Large"));
        req.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBodyBytes) {
          reject(new HttpError(413, "Payload Too Large"));
          req.resume();
          return;
        }
        chunks.push(chunk);
      });
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });
  }

  function authorized(header: string | undefined): boolean {
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? "");
    return m?.[1] === token;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const parsed = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = parsed.pathname;
    const query = Object.fromEntries(parsed.searchParams);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const call: RecordedCall = { method, path, query, body: undefined, headers, status: 0 };
    calls.push(call);

    let status: number;
    let json: unknown;
    let extraHeaders: Record<string, string> = {};
    try {
      const text = await readBody(req);
      if (text) {
        try {
          call.body = JSON.parse(text);
        } catch {
          throw new HttpError(400, "Problems parsing JSON");
        }
      }
      if (!authorized(req.headers.authorization)) {
        throw new HttpError(401, req.headers.authorization ? "Bad credentials" : "Requires authentication");
      }
      used++;
      const failure = takeFailure(method, path);
      if (failure) {
        ({ status, json, headers: extraHeaders } = failureResponse(failure));
      } else {
        const route = routes.find(([m, re]) => m === method && re.test(path));
        if (!route) throw new HttpError(404, "Not Found");
        const match = route[1].exec(path)!.slice(1).map(decodeURIComponent);
        const out = route[2](match, { body: call.body, query, path });
        status = out.status;
        json = out.json;
        extraHeaders = out.headers ?? {};
      }
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, `fake GitHub bug: ${(e as Error).message}`);
      status = err.status;
      json = {
        message: err.message,
        documentation_url: API_VERSION_DOCS,
        status: String(err.status),
        ...err.extra,
      };
    }

    call.status = status;
    const payload = json === undefined ? "" : JSON.stringify(json);
    res.writeHead(status, {
      ...rateHeaders(),
      "x-github-request-id": randomUUID().toUpperCase(),
      "x-github-api-version-selected": "2022-11-28",
      ...(payload ? { "content-type": "application/json; charset=utf-8" } : {}),
      "content-length": String(Buffer.byteLength(payload)),
      ...extraHeaders,
    });
    res.end(payload);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    calls,
    comments: (owner, repo, n) => comments.get(key(owner, repo, n)) ?? [],
    addComment: (owner, repo, n, body, user) =>
      makeComment(owner, repo, n, body, { login: "octocat", id: 583231, type: "User", ...user }),
    addPullRequest(owner, repo, pull) {
      const number = pull.number;
      pulls.set(key(owner, repo, number), {
        url: `${url}/repos/${owner}/${repo}/pulls/${number}`,
        html_url: `${serverUrl}/${owner}/${repo}/pull/${number}`,
        id: nextId++,
        state: "open",
        title: `Pull request #${number}`,
        user: userJson({ login: "octocat", id: 583231, type: "User" }),
        draft: false,
        merged: false,
        ...pull,
        head: { ref: "feature", sha: "0".repeat(40), ...pull.head },
        base: { ref: "main", sha: "1".repeat(40), ...pull.base },
      });
    },
    checkRuns: (owner, repo) => checkRuns.get(key(owner, repo)) ?? [],
    failNext(count, status, opts = {}) {
      failures.push({ ...opts, remaining: count, status });
    },
    reset() {
      comments = new Map();
      pulls = new Map();
      checkRuns = new Map();
      failures = [];
      calls.length = 0;
      used = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
