import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import * as runner from "./runner.js";

export type Octokit = ReturnType<typeof getOctokit>;

/** Retries per request, for server errors and for rate limits alike: a gate must finish, not wait forever. */
const MAX_RETRIES = 2;
/** Longer than this and waiting for the rate limit to reset costs more than skipping the call. */
const MAX_RATE_LIMIT_WAIT_S = 60;

function onLimit(kind: string) {
  return (
    retryAfter: number,
    options: { method: string; url: string },
    _octokit: unknown,
    retryCount: number,
  ) => {
    const what = `GitHub ${kind} rate limit hit on ${options.method} ${options.url}`;
    if (retryCount < MAX_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_S) {
      runner.warning(`${what}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${MAX_RETRIES})`);
      return true;
    }
    runner.warning(`${what}; giving up`);
    return false;
  };
}

/**
 * An authenticated client that survives transient 5xx errors and rate limits without hanging the job.
 * `baseUrl` defaults to GITHUB_API_URL (GitHub Enterprise Server sets it).
 */
export function createOctokit(token: string, options: { baseUrl?: string } = {}): Octokit {
  const baseUrl = options.baseUrl ?? process.env.GITHUB_API_URL ?? "https://api.github.com";
  return getOctokit(
    token,
    {
      baseUrl,
      retry: {
        retries: MAX_RETRIES,
        // 403 and 429 are rate limits, the throttling plugin's business; the rest will not get better.
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451],
      },
      throttle: {
        onRateLimit: onLimit("primary"),
        onSecondaryRateLimit: onLimit("secondary"),
      },
    },
    retry,
    throttling,
  );
}
