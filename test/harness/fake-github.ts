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

export interface FakeWorkflow {
  id: number;
  name: string;
  /** `.github/workflows/eval.yml` */
  path: string;
  state: "active" | "disabled_manually";
}

export interface FakeWorkflowRun {
  id: number;
  name: string;
  workflow_id: number;
  path: string;
  head_branch: string;
  head_sha: string;
  event: string;
  status: string;
  conclusion: string | null;
  run_number: number;
  created_at: string;
  updated_at: string;
  html_url: string;
}

export interface FakeArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at: string;
  expires_at: string;
  workflow_run: { id: number; head_branch: string; head_sha: string };
  /** The ZIP archive served at the end of the download redirect. */
  data: Uint8Array;
}

export interface FakeReleaseAsset {
  id: number;
  name: string;
  size: number;
  state: "uploaded" | "open";
  content_type: string;
  created_at: string;
  data: Uint8Array;
}

export interface FakeRelease {
  id: number;
  tag_name: string;
  name: string | null;
  target_commitish: string;
  draft: boolean;
  created_at: string;
  published_at: string;
  html_url: string;
  assets: FakeReleaseAsset[];
}

export interface FakeIssueEvent {
  id: number;
  event: string;
  actor: FakeUser;
  label?: { name: string; color: string };
  created_at: string;
}

export interface FakeDeploymentStatus {
  id: number;
  state: string;
  description: string;
  environment: string;
  log_url: string;
  environment_url: string;
  created_at: string;
}

export interface FakeDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: unknown;
  description: string | null;
  production_environment: boolean;
  transient_environment: boolean;
  created_at: string;
  /** Oldest first (the API lists them newest first). */
  statuses: FakeDeploymentStatus[];
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
  /** Register a workflow (for `GET /actions/workflows` and runs filtered by workflow). */
  addWorkflow(
    owner: string,
    repo: string,
    workflow: { name: string; path: string; id?: number },
  ): FakeWorkflow;
  /**
   * Register a workflow run. Runs are listed newest first by `createdAt` (default: now, so later
   * additions come first); `conclusion` defaults to `success`.
   */
  addWorkflowRun(
    owner: string,
    repo: string,
    run: {
      workflow?: FakeWorkflow;
      branch?: string;
      sha?: string;
      event?: string;
      conclusion?: string | null;
      createdAt?: string;
    },
  ): FakeWorkflowRun;
  /** Attach an artifact (a ZIP archive) to a run; the download answers 302 to the blob host, or 410 once expired. */
  addArtifact(
    owner: string,
    repo: string,
    runId: number,
    artifact: { name: string; data: Uint8Array; expired?: boolean; createdAt?: string },
  ): FakeArtifact;
  /** Publish a release with assets; asset downloads answer 302 to the blob host. */
  addRelease(
    owner: string,
    repo: string,
    release: {
      tag: string;
      name?: string;
      targetCommitish?: string;
      createdAt?: string;
      assets?: { name: string; data: Uint8Array; contentType?: string; state?: "uploaded" | "open" }[];
    },
  ): FakeRelease;
  /** Add to an issue's or pull request's event history (`GET /issues/{n}/events`), oldest first. */
  addIssueEvent(
    owner: string,
    repo: string,
    issueNumber: number,
    event: { event: string; label?: string; actor?: Partial<FakeUser>; createdAt?: string },
  ): FakeIssueEvent;
  /** Deployments of a repository, oldest first, each with its statuses (live objects: do not mutate). */
  deployments(owner: string, repo: string): FakeDeployment[];
  /** Seed a deployment, e.g. one an earlier run left in progress. */
  addDeployment(
    owner: string,
    repo: string,
    deployment: {
      environment: string;
      task?: string;
      ref?: string;
      payload?: unknown;
      statuses?: { state: string; description?: string }[];
    },
  ): FakeDeployment;
  /** Base address of the blob host that download redirects point to (another origin than `url`). */
  blobUrl: string;
  /** Requests the blob host received, oldest first. */
  blobCalls: RecordedCall[];
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
  let workflows = new Map<string, FakeWorkflow[]>();
  let runs = new Map<string, FakeWorkflowRun[]>();
  let artifacts = new Map<string, FakeArtifact[]>();
  let releases = new Map<string, FakeRelease[]>();
  let issueEvents = new Map<string, FakeIssueEvent[]>();
  let deployments = new Map<string, FakeDeployment[]>();
  /** Blob key → bytes and the signature its URL must carry. */
  let blobs = new Map<string, { data: Uint8Array; sig: string; contentType: string }>();
  const blobCalls: RecordedCall[] = [];
  let blobBase = "";
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

  /** One page of a list, with GitHub's Link header. */
  function page<T>(list: readonly T[], query: Record<string, string>, path: string) {
    const perPage = Math.min(100, Math.max(1, Number(query.per_page) || 30));
    const current = Math.max(1, Number(query.page) || 1);
    const last = Math.max(1, Math.ceil(list.length / perPage));
    const link = pageLinks(path, query, current, last);
    return {
      items: list.slice((current - 1) * perPage, current * perPage),
      headers: (link ? { link } : {}) as Record<string, string>,
    };
  }

  /** A signed, short-lived URL on the blob host, as GitHub's download redirects give. */
  function signedBlobUrl(key: string, data: Uint8Array, contentType: string): string {
    const sig = randomUUID().replaceAll("-", "");
    blobs.set(key, { data, sig, contentType });
    return `${blobBase}/blobs/${key}?sv=2024-08-04&se=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}&sig=${sig}`;
  }

  function findWorkflow(owner: string, repo: string, id: string): FakeWorkflow {
    const list = workflows.get(key(owner, repo)) ?? [];
    const found = /^\d+$/.test(id)
      ? list.find((w) => w.id === Number(id))
      : list.find((w) => w.path.split("/").pop() === id);
    if (!found) throw new HttpError(404, "Not Found");
    return found;
  }

  function listRuns(
    owner: string,
    repo: string,
    query: Record<string, string>,
    path: string,
    workflow?: FakeWorkflow,
  ) {
    const matching = (runs.get(key(owner, repo)) ?? [])
      .filter((r) => !workflow || r.workflow_id === workflow.id)
      .filter((r) => !query.branch || r.head_branch === query.branch)
      .filter((r) => !query.event || r.event === query.event)
      .filter((r) => !query.status || r.status === query.status || r.conclusion === query.status)
      .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
    const { items, headers } = page(matching, query, path);
    return { status: 200, json: { total_count: matching.length, workflow_runs: items }, headers };
  }

  const artifactJson = (owner: string, repo: string, a: FakeArtifact) => {
    const { data: _data, ...json } = a;
    return {
      ...json,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      url: `${url}/repos/${owner}/${repo}/actions/artifacts/${a.id}`,
      archive_download_url: `${url}/repos/${owner}/${repo}/actions/artifacts/${a.id}/zip`,
      updated_at: a.created_at,
      digest: null,
    };
  };

  const assetJson = (owner: string, repo: string, release: FakeRelease, a: FakeReleaseAsset) => {
    const { data: _data, ...json } = a;
    return {
      ...json,
      url: `${url}/repos/${owner}/${repo}/releases/assets/${a.id}`,
      browser_download_url: `${serverUrl}/${owner}/${repo}/releases/download/${release.tag_name}/${encodeURIComponent(a.name)}`,
      node_id: `RA_${a.id}`,
      label: null,
      download_count: 0,
      updated_at: a.created_at,
      uploader: userJson(me),
    };
  };

  const releaseJson = (owner: string, repo: string, r: FakeRelease) => ({
    ...r,
    url: `${url}/repos/${owner}/${repo}/releases/${r.id}`,
    assets_url: `${url}/repos/${owner}/${repo}/releases/${r.id}/assets`,
    prerelease: false,
    author: userJson(me),
    assets: r.assets.map((a) => assetJson(owner, repo, r, a)),
  });

  type Handler = (
    m: string[],
    req: { body: unknown; query: Record<string, string>; path: string; headers: Record<string, string> },
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
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows$/,
      ([owner, repo], { query, path }) => {
        const list = workflows.get(key(owner!, repo!)) ?? [];
        const { items, headers } = page(list, query, path);
        const json = {
          total_count: list.length,
          workflows: items.map((w) => ({
            ...w,
            node_id: `W_${w.id}`,
            url: `${url}/repos/${owner}/${repo}/actions/workflows/${w.id}`,
            html_url: `${serverUrl}/${owner}/${repo}/blob/main/${w.path}`,
          })),
        };
        return { status: 200, json, headers };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/,
      ([owner, repo, id], { query, path }) =>
        listRuns(owner!, repo!, query, path, findWorkflow(owner!, repo!, id!)),
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs$/,
      ([owner, repo], { query, path }) => listRuns(owner!, repo!, query, path),
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/artifacts$/,
      ([owner, repo, runId], { query, path }) => {
        if (!(runs.get(key(owner!, repo!)) ?? []).some((r) => r.id === Number(runId))) {
          throw new HttpError(404, "Not Found");
        }
        const list = (artifacts.get(key(owner!, repo!)) ?? []).filter(
          (a) => a.workflow_run.id === Number(runId) && (!query.name || a.name === query.name),
        );
        const { items, headers } = page(list, query, path);
        const json = {
          total_count: list.length,
          artifacts: items.map((a) => artifactJson(owner!, repo!, a)),
        };
        return { status: 200, json, headers };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)\/zip$/,
      ([owner, repo, id]) => {
        const artifact = (artifacts.get(key(owner!, repo!)) ?? []).find((a) => a.id === Number(id));
        if (!artifact) throw new HttpError(404, "Not Found");
        if (artifact.expired) throw new HttpError(410, "Artifact has expired");
        const location = signedBlobUrl(`artifact-${artifact.id}.zip`, artifact.data, "application/zip");
        return { status: 302, headers: { location } };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/releases\/tags\/(.+)$/,
      ([owner, repo, tag]) => {
        const release = (releases.get(key(owner!, repo!)) ?? []).find((r) => r.tag_name === tag && !r.draft);
        if (!release) throw new HttpError(404, "Not Found");
        return { status: 200, json: releaseJson(owner!, repo!, release) };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/releases\/(\d+)\/assets$/,
      ([owner, repo, id], { query, path }) => {
        const release = (releases.get(key(owner!, repo!)) ?? []).find((r) => r.id === Number(id));
        if (!release) throw new HttpError(404, "Not Found");
        const { items, headers } = page(release.assets, query, path);
        return { status: 200, json: items.map((a) => assetJson(owner!, repo!, release, a)), headers };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/releases\/assets\/(\d+)$/,
      ([owner, repo, id], { headers }) => {
        for (const release of releases.get(key(owner!, repo!)) ?? []) {
          const asset = release.assets.find((a) => a.id === Number(id));
          if (!asset) continue;
          // The asset's bytes only for clients that ask for them; its description otherwise.
          if (!(headers.accept ?? "").includes("application/octet-stream")) {
            return { status: 200, json: assetJson(owner!, repo!, release, asset) };
          }
          const location = signedBlobUrl(`asset-${asset.id}`, asset.data, asset.content_type);
          return { status: 302, headers: { location } };
        }
        throw new HttpError(404, "Not Found");
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/events$/,
      ([owner, repo, n], { query, path }) => {
        const list = issueEvents.get(key(owner!, repo!, Number(n))) ?? [];
        const { items, headers } = page(list, query, path);
        const json = items.map((e) => ({
          ...e,
          node_id: `LE_${e.id}`,
          url: `${url}/repos/${owner}/${repo}/issues/events/${e.id}`,
          actor: userJson(e.actor),
          commit_id: null,
          commit_url: null,
        }));
        return { status: 200, json, headers };
      },
    ],
    [
      "POST",
      /^\/repos\/([^/]+)\/([^/]+)\/deployments$/,
      ([owner, repo], { body }) => {
        const b = (body ?? {}) as Record<string, unknown>;
        if (typeof b.ref !== "string" || b.ref === "") {
          throw new HttpError(422, "Invalid request.", {
            errors: [{ resource: "Deployment", code: "missing_field", field: "ref" }],
          });
        }
        let payload = b.payload ?? {};
        if (typeof payload === "string") {
          try {
            payload = JSON.parse(payload);
          } catch {
            throw new HttpError(422, "Invalid request.\n\nFor 'properties/payload', it is not valid JSON.");
          }
        }
        const created = makeDeployment(owner!, repo!, {
          ref: b.ref,
          task: typeof b.task === "string" ? b.task : "deploy",
          environment: typeof b.environment === "string" ? b.environment : "production",
          payload,
          description: typeof b.description === "string" ? b.description : null,
          production: b.production_environment === true,
          transient: b.transient_environment === true,
        });
        return { status: 201, json: deploymentJson(owner!, repo!, created) };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/deployments$/,
      ([owner, repo], { query, path }) => {
        const list = (deployments.get(key(owner!, repo!)) ?? [])
          .filter((d) => !query.environment || d.environment === query.environment)
          .filter((d) => !query.task || d.task === query.task)
          .filter((d) => !query.ref || d.ref === query.ref)
          .filter((d) => !query.sha || d.sha === query.sha)
          .slice()
          .reverse();
        const { items, headers } = page(list, query, path);
        return { status: 200, json: items.map((d) => deploymentJson(owner!, repo!, d)), headers };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)$/,
      ([owner, repo, id]) => ({
        status: 200,
        json: deploymentJson(owner!, repo!, findDeployment(owner!, repo!, id!)),
      }),
    ],
    [
      "POST",
      /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/,
      ([owner, repo, id], { body }) => {
        const deployment = findDeployment(owner!, repo!, id!);
        const b = (body ?? {}) as Record<string, unknown>;
        const states = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];
        if (typeof b.state !== "string" || !states.includes(b.state)) {
          throw new HttpError(422, "Validation Failed", {
            errors: [
              {
                resource: "DeploymentStatus",
                code: "custom",
                field: "state",
                message: "state is not included in the list",
              },
            ],
          });
        }
        if (typeof b.description === "string" && b.description.length > 140) {
          throw new HttpError(422, "Validation Failed", {
            errors: [
              {
                resource: "DeploymentStatus",
                code: "custom",
                field: "description",
                message: "description is too long (maximum is 140 characters)",
              },
            ],
          });
        }
        const status = addDeploymentStatus(deployment, {
          state: b.state,
          description: typeof b.description === "string" ? b.description : "",
          ...(typeof b.log_url === "string" ? { logUrl: b.log_url } : {}),
          ...(typeof b.environment_url === "string" ? { environmentUrl: b.environment_url } : {}),
        });
        return { status: 201, json: deploymentStatusJson(owner!, repo!, deployment, status) };
      },
    ],
    [
      "GET",
      /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)\/statuses$/,
      ([owner, repo, id], { query, path }) => {
        const deployment = findDeployment(owner!, repo!, id!);
        const { items, headers } = page(deployment.statuses.slice().reverse(), query, path);
        return {
          status: 200,
          json: items.map((st) => deploymentStatusJson(owner!, repo!, deployment, st)),
          headers,
        };
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

  function makeDeployment(
    owner: string,
    repo: string,
    d: {
      ref: string;
      task: string;
      environment: string;
      payload: unknown;
      description: string | null;
      production?: boolean;
      transient?: boolean;
    },
  ): FakeDeployment {
    const created: FakeDeployment = {
      id: nextId++,
      sha: /^[0-9a-f]{40}$/.test(d.ref) ? d.ref : "f".repeat(40),
      ref: d.ref,
      task: d.task,
      environment: d.environment,
      payload: d.payload,
      description: d.description,
      production_environment: d.production ?? d.environment === "production",
      transient_environment: d.transient ?? false,
      created_at: now(),
      statuses: [],
    };
    const list = deployments.get(key(owner, repo)) ?? [];
    list.push(created);
    deployments.set(key(owner, repo), list);
    return created;
  }

  function findDeployment(owner: string, repo: string, id: string): FakeDeployment {
    const found = (deployments.get(key(owner, repo)) ?? []).find((d) => d.id === Number(id));
    if (!found) throw new HttpError(404, "Not Found");
    return found;
  }

  function addDeploymentStatus(
    deployment: FakeDeployment,
    s: { state: string; description: string; logUrl?: string; environmentUrl?: string },
  ): FakeDeploymentStatus {
    const status: FakeDeploymentStatus = {
      id: nextId++,
      state: s.state,
      description: s.description,
      environment: deployment.environment,
      log_url: s.logUrl ?? "",
      environment_url: s.environmentUrl ?? "",
      created_at: now(),
    };
    deployment.statuses.push(status);
    return status;
  }

  const deploymentJson = (owner: string, repo: string, d: FakeDeployment) => {
    const { statuses: _statuses, ...json } = d;
    return {
      ...json,
      url: `${url}/repos/${owner}/${repo}/deployments/${d.id}`,
      node_id: `DE_${d.id}`,
      original_environment: d.environment,
      creator: userJson(me),
      updated_at: d.statuses.at(-1)?.created_at ?? d.created_at,
      statuses_url: `${url}/repos/${owner}/${repo}/deployments/${d.id}/statuses`,
      repository_url: `${url}/repos/${owner}/${repo}`,
    };
  };

  const deploymentStatusJson = (
    owner: string,
    repo: string,
    d: FakeDeployment,
    st: FakeDeploymentStatus,
  ) => ({
    ...st,
    url: `${url}/repos/${owner}/${repo}/deployments/${d.id}/statuses/${st.id}`,
    node_id: `DES_${st.id}`,
    target_url: st.log_url,
    creator: userJson(me),
    updated_at: st.created_at,
    deployment_url: `${url}/repos/${owner}/${repo}/deployments/${d.id}`,
    repository_url: `${url}/repos/${owner}/${repo}`,
  });

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
        const out = route[2](match, { body: call.body, query, path, headers });
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

  /** Blob storage behind download redirects: a signed URL, and no GitHub token (it must not leak there). */
  function handleBlob(req: IncomingMessage, res: ServerResponse): void {
    const parsed = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const call: RecordedCall = {
      method: (req.method ?? "GET").toUpperCase(),
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      body: undefined,
      headers,
      status: 0,
    };
    blobCalls.push(call);
    const refuse = (status: number, code: string) => {
      call.status = status;
      const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code></Error>`;
      res.writeHead(status, {
        "content-type": "application/xml",
        "content-length": String(Buffer.byteLength(xml)),
      });
      res.end(xml);
    };
    const m = /^\/blobs\/([^/]+)$/.exec(parsed.pathname);
    const blob = m ? blobs.get(decodeURIComponent(m[1]!)) : undefined;
    if (call.method !== "GET" || !blob) {
      refuse(404, "BlobNotFound");
      return;
    }
    // Blob storage refuses a request that carries both a signature and someone's credentials.
    if (req.headers.authorization) {
      refuse(400, "InvalidAuthenticationInfo");
      return;
    }
    if (parsed.searchParams.get("sig") !== blob.sig) {
      refuse(403, "AuthenticationFailed");
      return;
    }
    call.status = 200;
    res.writeHead(200, {
      "content-type": blob.contentType,
      "content-length": String(blob.data.length),
      "x-ms-blob-type": "BlockBlob",
    });
    res.end(Buffer.from(blob.data.buffer, blob.data.byteOffset, blob.data.length));
  }

  const blobServer = createServer(handleBlob);
  await new Promise<void>((resolve, reject) => {
    blobServer.once("error", reject);
    blobServer.listen(0, "127.0.0.1", () => resolve());
  });
  blobBase = `http://127.0.0.1:${(blobServer.address() as AddressInfo).port}`;

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
    addWorkflow(owner, repo, workflow) {
      const created: FakeWorkflow = {
        id: workflow.id ?? nextId++,
        name: workflow.name,
        path: workflow.path,
        state: "active",
      };
      const list = workflows.get(key(owner, repo)) ?? [];
      list.push(created);
      workflows.set(key(owner, repo), list);
      return created;
    },
    addWorkflowRun(owner, repo, run) {
      const id = nextId++;
      const list = runs.get(key(owner, repo)) ?? [];
      const at = run.createdAt ?? now();
      const conclusion = run.conclusion === undefined ? "success" : run.conclusion;
      const created: FakeWorkflowRun = {
        id,
        name: run.workflow?.name ?? "ci",
        workflow_id: run.workflow?.id ?? 0,
        path: run.workflow?.path ?? ".github/workflows/ci.yml",
        head_branch: run.branch ?? "main",
        head_sha: run.sha ?? id.toString(16).padStart(40, "0"),
        event: run.event ?? "push",
        status: conclusion === null ? "in_progress" : "completed",
        conclusion,
        run_number: list.length + 1,
        created_at: at,
        updated_at: at,
        html_url: `${serverUrl}/${owner}/${repo}/actions/runs/${id}`,
      };
      list.push(created);
      runs.set(key(owner, repo), list);
      return created;
    },
    addArtifact(owner, repo, runId, artifact) {
      const run = (runs.get(key(owner, repo)) ?? []).find((r) => r.id === runId);
      if (!run) throw new Error(`no run ${runId} in ${owner}/${repo}`);
      const at = artifact.createdAt ?? run.created_at;
      const created: FakeArtifact = {
        id: nextId++,
        name: artifact.name,
        size_in_bytes: artifact.data.length,
        expired: artifact.expired ?? false,
        created_at: at,
        expires_at: new Date(Date.parse(at) + 90 * 86_400_000).toISOString(),
        workflow_run: { id: run.id, head_branch: run.head_branch, head_sha: run.head_sha },
        data: artifact.data,
      };
      const list = artifacts.get(key(owner, repo)) ?? [];
      list.push(created);
      artifacts.set(key(owner, repo), list);
      return created;
    },
    addRelease(owner, repo, release) {
      const id = nextId++;
      const at = release.createdAt ?? now();
      const created: FakeRelease = {
        id,
        tag_name: release.tag,
        name: release.name ?? release.tag,
        target_commitish: release.targetCommitish ?? "main",
        draft: false,
        created_at: at,
        published_at: at,
        html_url: `${serverUrl}/${owner}/${repo}/releases/tag/${encodeURIComponent(release.tag)}`,
        assets: (release.assets ?? []).map((a) => ({
          id: nextId++,
          name: a.name,
          size: a.data.length,
          state: a.state ?? "uploaded",
          content_type: a.contentType ?? "application/octet-stream",
          created_at: at,
          data: a.data,
        })),
      };
      const list = releases.get(key(owner, repo)) ?? [];
      list.push(created);
      releases.set(key(owner, repo), list);
      return created;
    },
    addIssueEvent(owner, repo, n, event) {
      const created: FakeIssueEvent = {
        id: nextId++,
        event: event.event,
        actor: { login: "octocat", id: 583231, type: "User", ...event.actor },
        ...(event.label ? { label: { name: event.label, color: "ededed" } } : {}),
        created_at: event.createdAt ?? now(),
      };
      const list = issueEvents.get(key(owner, repo, n)) ?? [];
      list.push(created);
      issueEvents.set(key(owner, repo, n), list);
      return created;
    },
    deployments: (owner, repo) => deployments.get(key(owner, repo)) ?? [],
    addDeployment(owner, repo, d) {
      const created = makeDeployment(owner, repo, {
        ref: d.ref ?? "main",
        task: d.task ?? "deploy",
        environment: d.environment,
        payload: d.payload ?? {},
        description: null,
      });
      for (const st of d.statuses ?? [])
        addDeploymentStatus(created, { state: st.state, description: st.description ?? "" });
      return created;
    },
    blobUrl: blobBase,
    blobCalls,
    failNext(count, status, opts = {}) {
      failures.push({ ...opts, remaining: count, status });
    },
    reset() {
      comments = new Map();
      pulls = new Map();
      checkRuns = new Map();
      workflows = new Map();
      runs = new Map();
      artifacts = new Map();
      releases = new Map();
      issueEvents = new Map();
      deployments = new Map();
      blobs = new Map();
      failures = [];
      calls.length = 0;
      blobCalls.length = 0;
      used = 0;
    },
    close: () =>
      Promise.all(
        [server, blobServer].map(
          (srv) =>
            new Promise<void>((resolve) => {
              srv.close(() => resolve());
              srv.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}
