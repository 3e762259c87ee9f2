import type { Octokit } from "./octokit.js";

/**
 * A client as `createOctokit` makes it, with octokit and its HTTP stack loaded on first use: an
 * action that calls GitHub only in some runs does not pay for loading them in the others.
 */
export async function connectGitHub(token: string, options: { baseUrl?: string } = {}): Promise<Octokit> {
  const { createOctokit } = await import("./octokit.js");
  return createOctokit(token, options);
}
