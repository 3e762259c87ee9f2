import { GateError } from "@mlgate/core";
import {
  BASELINE_META_FILE,
  baselineFilesIn,
  describeSpec,
  type EvalGateInput,
  type RemoteBaseline,
  useFetchedBaseline,
} from "@mlgate/evaluate";
import {
  connectGitHub,
  describeBaseline,
  fetchBranchBaseline,
  fetchReleaseBaseline,
  type ResolvedBaseline,
  runner,
} from "@mlgate/github";
import { eventPayload, repository } from "./event.js";

/**
 * Resolve `branch:NAME` or `release:TAG` to local files before the gate runs: the newest live
 * baseline artifact of the branch's successful runs, or the release's asset. The gate itself only
 * ever reads files. While a run is saving the first baseline, a missing one is a note, not an error.
 */
export async function fetchRemoteBaseline(
  remote: RemoteBaseline,
  input: EvalGateInput,
  token: string,
): Promise<{ input: EvalGateInput; url?: string }> {
  const repo = repository();
  if (!repo) throw new GateError("GITHUB_REPOSITORY is not set, so the baseline's repository is unknown");
  const octokit = await connectGitHub(token);
  let fetched: ResolvedBaseline;
  try {
    fetched =
      remote.spec.from === "release"
        ? await fetchReleaseBaseline(octokit, {
            ...repo,
            tag: remote.spec.tag,
            asset: remote.artifact,
            companions: [BASELINE_META_FILE],
          })
        : await fetchBranchBaseline(octokit, {
            ...repo,
            branch: remote.spec.branch ?? baseBranch(),
            artifact: remote.artifact,
            ...(workflowOf(remote) ? { workflow: workflowOf(remote) } : {}),
          });
  } catch (e) {
    if (!(input.saveBaseline && e instanceof GateError && /^no baseline: /.test(e.message))) throw e;
    runner.warning(
      `${e.message}; this run saves the first one, and comparisons with a baseline are skipped.`,
    );
    const summary = `No baseline to compare with (${describeSpec(remote.spec)}): ${e.message.replace(/^no baseline: /, "")}. This run saves one.`;
    return { input: { ...input, baselineSource: { summary, links: [] } } };
  }
  const described = describeBaseline(fetched);
  runner.info(described.summary);
  const what =
    fetched.source === "branch" ? `artifact "${fetched.artifact.name}"` : `asset "${fetched.asset.name}"`;
  const files = await baselineFilesIn(fetched.dir, fetched.files, what);
  const source = { summary: described.summary, links: described.links, createdAt: described.createdAt };
  return { input: useFetchedBaseline(input, files, source), url: described.links[0]?.url };
}

/** `branch` alone: the pull request's base branch, else the branch that was pushed, else the default. */
function baseBranch(): string {
  const payload = eventPayload() as {
    pull_request?: { base?: { ref?: unknown } };
    repository?: { default_branch?: unknown };
  };
  const candidates = [
    process.env.GITHUB_BASE_REF,
    payload.pull_request?.base?.ref,
    process.env.GITHUB_REF?.startsWith("refs/heads/")
      ? process.env.GITHUB_REF.slice("refs/heads/".length)
      : undefined,
    payload.repository?.default_branch,
  ];
  const branch = candidates.find((b): b is string => typeof b === "string" && b !== "");
  if (!branch) {
    throw new GateError('baseline "branch" names no branch, and this event has no base branch', {
      hint: "name it: baseline: branch:main",
    });
  }
  return branch;
}

/** The workflow whose runs upload the baseline: as configured, else the one running now. */
function workflowOf(remote: RemoteBaseline): string | undefined {
  if (remote.workflow) return remote.workflow;
  // owner/repo/.github/workflows/eval.yml@refs/heads/main
  const ref = process.env.GITHUB_WORKFLOW_REF ?? "";
  const m = /\/\.github\/workflows\/([^@/]+)@/.exec(ref);
  return m?.[1];
}
