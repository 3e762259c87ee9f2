import type { Octokit } from "../octokit.js";
import { apiError } from "./download.js";
import type { RepoRef } from "./types.js";

/** Who put a label on a pull request, and when. */
export interface LabelApplication {
  label: string;
  actor: string;
  at: string;
}

interface IssueEvent {
  event: string;
  actor?: { login?: string } | null;
  label?: { name?: string } | null;
  created_at: string;
}

/** A pull request's event history is read up to this many pages of 100. */
const MAX_PAGES = 20;

/**
 * The latest `labeled` event for `label` on an issue or pull request, from the issue events API;
 * undefined when the history holds none (or the label was removed since). The label itself comes
 * from the event payload; this only says who applied it, so the report can name them.
 */
export async function labelApplication(
  octokit: Octokit,
  target: RepoRef & { issueNumber: number },
  label: string,
): Promise<LabelApplication | undefined> {
  let latest: LabelApplication | undefined;
  let removedAfter = false;
  let pages = 0;
  try {
    const iterator = octokit.paginate.iterator(octokit.rest.issues.listEvents, {
      owner: target.owner,
      repo: target.repo,
      issue_number: target.issueNumber,
      per_page: 100,
    });
    for await (const page of iterator) {
      // Oldest first: a later event of the same label replaces what an earlier one said.
      for (const e of page.data as IssueEvent[]) {
        if (e.label?.name !== label) continue;
        if (e.event === "labeled") {
          latest = { label, actor: e.actor?.login ?? "unknown", at: e.created_at };
          removedAfter = false;
        } else if (e.event === "unlabeled") {
          removedAfter = true;
        }
      }
      if (++pages >= MAX_PAGES) break;
    }
  } catch (e) {
    throw apiError(e, `could not read the events of #${target.issueNumber} to see who applied "${label}"`);
  }
  return removedAfter ? undefined : latest;
}
