import { GateError } from "@mlgate/core";
import type { Octokit } from "../octokit.js";
import { apiError, downloadRedirected } from "./download.js";
import type { BaselineLimits, BranchBaseline, RepoRef } from "./types.js";
import { DEFAULT_BASELINE_LIMITS, unpackZip } from "./unpack.js";

export interface BranchBaselineOptions extends RepoRef {
  /** The base branch, e.g. `main`. */
  branch: string;
  /** Name the artifact was uploaded under (`actions/upload-artifact`'s `name`). */
  artifact: string;
  /**
   * The workflow that uploads it: a file name (`eval.yml`), its path (`.github/workflows/eval.yml`),
   * a numeric id, or its display name. Default: runs of every workflow.
   */
  workflow?: string;
  /** Event of the runs to consider. Default `push` (what a merge to the branch triggers). */
  event?: string;
  /** Successful runs looked at, newest first, before giving up. Default 100. */
  maxRuns?: number;
  limits?: Partial<BaselineLimits>;
  /** Unpack here instead of a fresh temporary directory. */
  dir?: string;
}

interface Run {
  id: number;
  head_sha: string;
  head_branch: string | null;
  created_at: string;
  html_url: string;
  run_number?: number;
}

interface Artifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  created_at: string | null;
  expires_at: string | null;
}

const RUNS_PER_PAGE = 30;

/**
 * The baseline a branch last produced: walk its successful runs newest first, take the first that
 * still has an unexpired artifact of the given name, download it (GitHub answers with a redirect to
 * blob storage) and unpack it with limits. Runs without the artifact, or with only an expired one, are
 * passed over and counted.
 */
export async function fetchBranchBaseline(
  octokit: Octokit,
  options: BranchBaselineOptions,
): Promise<BranchBaseline> {
  const { owner, repo, branch, artifact: name } = options;
  const maxRuns = options.maxRuns ?? 100;
  const event = options.event ?? "push";
  const limits = { ...DEFAULT_BASELINE_LIMITS, ...options.limits };
  const workflowId = options.workflow ? await resolveWorkflow(octokit, options, options.workflow) : undefined;
  const where = `${owner}/${repo}@${branch}${options.workflow ? ` (workflow ${options.workflow})` : ""}`;

  const params = {
    owner,
    repo,
    branch,
    event,
    status: "success" as const,
    exclude_pull_requests: true,
    per_page: RUNS_PER_PAGE,
  };
  const pages =
    workflowId === undefined
      ? octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, params)
      : octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
          ...params,
          workflow_id: workflowId,
        });

  let examined = 0;
  let expired = 0;
  try {
    for await (const page of pages) {
      for (const run of page.data as Run[]) {
        if (examined >= maxRuns) break;
        examined++;
        const found = await liveArtifact(octokit, options, run.id, name);
        if (found.expired) expired++;
        if (!found.artifact) continue;
        const a = found.artifact;
        const what = `artifact "${name}" of run ${run.id}`;
        if (a.size_in_bytes > limits.maxDownloadBytes) {
          throw new GateError(
            `${what} is ${a.size_in_bytes} bytes, over the download limit of ${limits.maxDownloadBytes}`,
            { hint: "a baseline artifact needs only the results file and mlgate-baseline.json" },
          );
        }
        const zip = await downloadRedirected(
          octokit,
          "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
          { owner, repo, artifact_id: a.id, archive_format: "zip" },
          limits.maxDownloadBytes,
          what,
        );
        const unpacked = await unpackZip(zip, options.dir, limits, what);
        return {
          source: "branch",
          ...unpacked,
          run: {
            id: run.id,
            sha: run.head_sha,
            createdAt: run.created_at,
            htmlUrl: run.html_url,
            branch: run.head_branch ?? branch,
            ...(typeof run.run_number === "number" ? { runNumber: run.run_number } : {}),
          },
          artifact: {
            id: a.id,
            name: a.name,
            createdAt: a.created_at ?? run.created_at,
            sizeInBytes: a.size_in_bytes,
            ...(a.expires_at ? { expiresAt: a.expires_at } : {}),
          },
          skippedRuns: examined - 1,
        };
      }
      if (examined >= maxRuns) break;
    }
  } catch (e) {
    if (e instanceof GateError) throw e;
    throw apiError(e, `could not list the successful runs of ${where}`);
  }
  const looked =
    examined === 0
      ? `no successful ${event} run of ${where}`
      : `none of the ${examined} newest successful ${event} runs of ${where} has a live artifact named "${name}"${expired > 0 ? ` (${expired} had only an expired one)` : ""}`;
  throw new GateError(`no baseline: ${looked}`, {
    hint: `a run on ${branch} must save the baseline (eval-gate's save-baseline input) and upload it with actions/upload-artifact under the name "${name}"`,
  });
}

/** The run's newest unexpired artifact of that name, and whether an expired one was seen. */
async function liveArtifact(
  octokit: Octokit,
  repo: RepoRef,
  runId: number,
  name: string,
): Promise<{ artifact?: Artifact; expired: boolean }> {
  let response: Awaited<ReturnType<Octokit["rest"]["actions"]["listWorkflowRunArtifacts"]>>;
  try {
    response = await octokit.rest.actions.listWorkflowRunArtifacts({
      owner: repo.owner,
      repo: repo.repo,
      run_id: runId,
      name,
      per_page: 100,
    });
  } catch (e) {
    throw apiError(e, `could not list the artifacts of run ${runId}`);
  }
  const named = (response.data.artifacts as Artifact[]).filter((a) => a.name === name);
  const live = named
    .filter((a) => !a.expired)
    .sort((a, b) => Date.parse(b.created_at ?? "") - Date.parse(a.created_at ?? ""));
  return { ...(live[0] ? { artifact: live[0] } : {}), expired: live.length === 0 && named.length > 0 };
}

/** A workflow file name or id as the runs API takes it; display names are looked up. */
async function resolveWorkflow(octokit: Octokit, repo: RepoRef, workflow: string): Promise<string | number> {
  const given = workflow.trim();
  if (/^\d+$/.test(given)) return Number(given);
  const file = given.replace(/^\.?\/?\.github\/workflows\//, "");
  if (/\.ya?ml$/i.test(file)) {
    if (file.includes("/")) {
      throw new GateError(`workflow "${workflow}" is not a file in .github/workflows`, {
        hint: "name the workflow file (eval.yml), its id, or its display name",
      });
    }
    return file;
  }
  let workflows: { id: number; name: string; path: string }[];
  try {
    workflows = (await octokit.paginate(octokit.rest.actions.listRepoWorkflows, {
      owner: repo.owner,
      repo: repo.repo,
      per_page: 100,
    })) as { id: number; name: string; path: string }[];
  } catch (e) {
    throw apiError(e, `could not list the workflows of ${repo.owner}/${repo.repo}`);
  }
  const exact = workflows.find((w) => w.name === given);
  const loose = workflows.filter((w) => w.name.toLowerCase() === given.toLowerCase());
  const match = exact ?? (loose.length === 1 ? loose[0] : undefined);
  if (match) return match.id;
  const names = workflows.map((w) => JSON.stringify(w.name)).slice(0, 20);
  throw new GateError(`no workflow named "${workflow}" in ${repo.owner}/${repo.repo}`, {
    hint: names.length > 0 ? `workflows: ${names.join(", ")}` : "the repository has no workflows",
  });
}
