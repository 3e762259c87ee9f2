/** Webhook payloads shaped like the ones the runner writes to GITHUB_EVENT_PATH (trimmed to what matters). */

export interface ActionEvent {
  name: string;
  payload: object;
}

function repository(fullName: string) {
  const [owner = "acme", name = "models"] = fullName.split("/");
  return {
    id: 123456789,
    name,
    full_name: `${owner}/${name}`,
    private: false,
    owner: { login: owner, id: 1001, type: "Organization" },
    html_url: `https://github.com/${owner}/${name}`,
    default_branch: "main",
  };
}

export interface PullRequestEventOptions {
  number?: number;
  /** `owner/name`. Default `acme/models`. */
  repository?: string;
  headSha?: string;
  headRef?: string;
  baseRef?: string;
  /** The head branch lives in someone else's fork (read-only token on `pull_request`). */
  fork?: boolean;
  action?: "opened" | "synchronize" | "reopened" | "edited";
  /** `pull_request_target` runs with the base repository's token and code. */
  target?: boolean;
}

export function pullRequestEvent(options: PullRequestEventOptions = {}): ActionEvent {
  const number = options.number ?? 7;
  const repo = repository(options.repository ?? "acme/models");
  const headRepo = options.fork
    ? {
        ...repo,
        id: 987654321,
        full_name: `contributor/${repo.name}`,
        owner: { login: "contributor", id: 2002, type: "User" },
      }
    : repo;
  return {
    name: options.target ? "pull_request_target" : "pull_request",
    payload: {
      action: options.action ?? "synchronize",
      number,
      pull_request: {
        number,
        state: "open",
        title: "Retrain the ranking model",
        draft: false,
        html_url: `${repo.html_url}/pull/${number}`,
        user: { login: options.fork ? "contributor" : "octocat", id: 583231, type: "User" },
        head: { ref: options.headRef ?? "retrain", sha: options.headSha ?? "a".repeat(40), repo: headRepo },
        base: { ref: options.baseRef ?? "main", sha: "b".repeat(40), repo },
      },
      repository: repo,
      sender: { login: "octocat", id: 583231, type: "User" },
    },
  };
}

/** A comment on a pull request's conversation (`issue_comment`), e.g. a `/mlgate rerun` command. */
export function issueCommentEvent(
  options: { number?: number; repository?: string; body?: string } = {},
): ActionEvent {
  const number = options.number ?? 7;
  const repo = repository(options.repository ?? "acme/models");
  return {
    name: "issue_comment",
    payload: {
      action: "created",
      issue: {
        number,
        state: "open",
        title: "Retrain the ranking model",
        pull_request: { url: `https://api.github.com/repos/${repo.full_name}/pulls/${number}` },
      },
      comment: {
        id: 1,
        body: options.body ?? "/mlgate rerun",
        user: { login: "octocat", id: 583231, type: "User" },
      },
      repository: repo,
      sender: { login: "octocat", id: 583231, type: "User" },
    },
  };
}

export function pushEvent(options: { repository?: string; ref?: string; sha?: string } = {}): ActionEvent {
  const repo = repository(options.repository ?? "acme/models");
  return {
    name: "push",
    payload: {
      ref: options.ref ?? "refs/heads/main",
      after: options.sha ?? "c".repeat(40),
      repository: repo,
      sender: { login: "octocat", id: 583231, type: "User" },
    },
  };
}
