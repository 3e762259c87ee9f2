import { existsSync, readFileSync } from "node:fs";

export interface PullRequestContext {
  owner: string;
  repo: string;
  number: number;
  headSha?: string;
}

interface Payload {
  pull_request?: { number?: number; head?: { sha?: string } };
  issue?: { number?: number; pull_request?: unknown };
  workflow_run?: { pull_requests?: { number?: number; head?: { sha?: string } }[] };
  repository?: { name?: string; owner?: { login?: string } };
}

function readPayload(): Payload | undefined {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return undefined;
  try {
    const payload: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof payload === "object" && payload !== null ? (payload as Payload) : undefined;
  } catch {
    return undefined;
  }
}

function repository(payload: Payload): { owner: string; repo: string } | undefined {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? "").split("/");
  if (owner && repo) return { owner, repo };
  const name = payload.repository?.name;
  const login = payload.repository?.owner?.login;
  return name && login ? { owner: login, repo: name } : undefined;
}

/**
 * The pull request this run belongs to, if any: `pull_request`, `pull_request_target`, an
 * `issue_comment` on a pull request, or a `workflow_run` triggered by one (same-repository PRs only;
 * GitHub leaves `pull_requests` empty for forks).
 */
export function pullRequestFromEvent(): PullRequestContext | undefined {
  const payload = readPayload();
  if (!payload) return undefined;
  const repo = repository(payload);
  if (!repo) return undefined;

  const pr = payload.pull_request;
  if (typeof pr?.number === "number") {
    return { ...repo, number: pr.number, ...(pr.head?.sha ? { headSha: pr.head.sha } : {}) };
  }
  const issue = payload.issue;
  if (typeof issue?.number === "number" && issue.pull_request) {
    // An issue_comment payload does not say which commit the PR is at.
    return { ...repo, number: issue.number };
  }
  const run = payload.workflow_run?.pull_requests?.[0];
  if (process.env.GITHUB_EVENT_NAME === "workflow_run" && typeof run?.number === "number") {
    return { ...repo, number: run.number, ...(run.head?.sha ? { headSha: run.head.sha } : {}) };
  }
  return undefined;
}
