import { existsSync, readFileSync } from "node:fs";

/** The parts of the event payload eval-gate reads beyond the pull request's number. */
interface Payload {
  pull_request?: { number?: number; labels?: { name?: unknown }[]; base?: { ref?: unknown } };
  issue?: { number?: number; labels?: { name?: unknown }[]; pull_request?: unknown };
  repository?: { default_branch?: unknown };
}

/** Events are a few hundred kilobytes at most; a bigger file is not a payload. */
const MAX_EVENT_BYTES = 25 * 1024 * 1024;

export function eventPayload(): Payload {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return {};
  try {
    const text = readFileSync(path, "utf8");
    if (text.length > MAX_EVENT_BYTES) return {};
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? (parsed as Payload) : {};
  } catch {
    return {};
  }
}

/** The pull request's number and labels, from a `pull_request(_target)` or an `issue_comment` on one. */
export function pullRequestLabels(payload: Payload): { number: number; labels: string[] } | undefined {
  const pr = payload.pull_request ?? (payload.issue?.pull_request ? payload.issue : undefined);
  if (typeof pr?.number !== "number") return undefined;
  const labels = (pr.labels ?? []).map((l) => l?.name).filter((n): n is string => typeof n === "string");
  return { number: pr.number, labels };
}

/** `owner/repo` of the run. */
export function repository(): { owner: string; repo: string } | undefined {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? "").split("/");
  return owner && repo ? { owner, repo } : undefined;
}
