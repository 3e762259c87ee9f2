import type { LabelAcceptance } from "@mlgate/evaluate";
import { connectGitHub, labelApplication, runner } from "@mlgate/github";
import { eventPayload, pullRequestLabels, repository } from "./event.js";

/**
 * The label route for accepted regressions: the pull request carries the label (from the event
 * payload), and the issue-events API says who applied it so the report can name them. A failed
 * lookup only loses the name, never the acceptance.
 */
export async function acceptanceByLabel(
  label: string,
  token: string | undefined,
): Promise<LabelAcceptance | undefined> {
  const pr = pullRequestLabels(eventPayload());
  if (!pr?.labels.includes(label)) return undefined;
  const repo = repository();
  if (!token || !repo) {
    runner.info(
      `Pull request #${pr.number} carries "${label}"; without a token, who applied it is not looked up.`,
    );
    return { label };
  }
  try {
    const applied = await labelApplication(
      await connectGitHub(token),
      { ...repo, issueNumber: pr.number },
      label,
    );
    if (!applied) return { label };
    runner.info(
      `Pull request #${pr.number} carries "${label}", applied by ${applied.actor} at ${applied.at}.`,
    );
    return { label, by: applied.actor, at: applied.at };
  } catch (e) {
    runner.warning(
      `${(e as Error).message}; the acceptance stands, but the report cannot name who applied the label.`,
    );
    return { label };
  }
}
