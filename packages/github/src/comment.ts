import type { Octokit } from "./octokit.js";

export interface CommentTarget {
  owner: string;
  repo: string;
  issueNumber: number;
}

export interface StickyCommentResult {
  action: "created" | "updated" | "unchanged";
  id: number;
  url?: string;
}

export interface StickyCommentOptions {
  /** Login that wrote earlier comments, preferred when several carry the marker. Default `github-actions[bot]`. */
  author?: string;
  /** `false`: only update an existing comment, never start a new one. Default `true`. */
  create?: boolean;
}

interface IssueComment {
  id: number;
  body?: string;
  html_url: string;
  user: { login: string; type?: string } | null;
}

/** Stop listing after this many comments: a thread that long is not worth the API budget. */
const MAX_PAGES = 50;

/** Of the comments carrying the marker, the one we wrote (by login, else any bot), oldest first. */
function pick(matches: IssueComment[], author: string): IssueComment | undefined {
  const score = (c: IssueComment) => (c.user?.login === author ? 2 : c.user?.type === "Bot" ? 1 : 0);
  let best: IssueComment | undefined;
  for (const c of matches) if (!best || score(c) > score(best)) best = c;
  return best;
}

async function findSticky(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  author: string,
): Promise<IssueComment | undefined> {
  const matches: IssueComment[] = [];
  let pages = 0;
  const iterator = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100,
  });
  for await (const page of iterator) {
    for (const c of page.data as IssueComment[]) if (c.body?.includes(marker)) matches.push(c);
    if (++pages >= MAX_PAGES) break;
  }
  return pick(matches, author);
}

/** `upsertStickyComment` plus the option to never create, for comments that only follow up on failures. */
export async function syncStickyComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  body: string,
  options: StickyCommentOptions = {},
): Promise<StickyCommentResult | undefined> {
  const text = body.includes(marker) ? body : `${marker}\n${body}`;
  const existing = await findSticky(octokit, target, marker, options.author ?? "github-actions[bot]");
  const where = { owner: target.owner, repo: target.repo };

  if (existing) {
    // Editing with the same text still notifies nobody, but it costs a write and shows as "edited".
    if (existing.body === text) return { action: "unchanged", id: existing.id, url: existing.html_url };
    const { data } = await octokit.rest.issues.updateComment({
      ...where,
      comment_id: existing.id,
      body: text,
    });
    return { action: "updated", id: data.id, url: data.html_url };
  }
  if (options.create === false) return undefined;
  const { data } = await octokit.rest.issues.createComment({
    ...where,
    issue_number: target.issueNumber,
    body: text,
  });
  return { action: "created", id: data.id, url: data.html_url };
}

/**
 * One comment per marker per pull request, edited in place on every run instead of piling up.
 * The marker is a hidden line (see `commentMarker`); it is prepended to `body` when missing.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  target: CommentTarget,
  marker: string,
  body: string,
  options: Omit<StickyCommentOptions, "create"> = {},
): Promise<StickyCommentResult> {
  const result = await syncStickyComment(octokit, target, marker, body, { ...options, create: true });
  // create: true always yields a result.
  return result!;
}
