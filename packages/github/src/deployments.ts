import type { Octokit } from "./octokit.js";
import * as runner from "./runner.js";

/**
 * GitHub Deployments as durable state for a rollout that has no controller of its own: each rollout
 * is a deployment of a ref to an environment, and its progress is the trail of deployment statuses.
 * A later run (a re-run, or the post step of a cancelled job) reads the newest one back.
 */

export interface RepositoryTarget {
  owner: string;
  repo: string;
}

export type DeploymentState =
  | "error"
  | "failure"
  | "inactive"
  | "in_progress"
  | "queued"
  | "pending"
  | "success";

export interface DeploymentInfo {
  id: number;
  environment: string;
  ref: string;
  sha: string;
  task: string;
  /** The payload given at creation (parsed JSON), for the tool's own bookkeeping. */
  payload: unknown;
  description: string | null;
  createdAt: string;
}

export interface DeploymentStatusInfo {
  id: number;
  state: DeploymentState;
  description: string;
  environment?: string;
  logUrl?: string;
  createdAt: string;
}

/** GitHub refuses status descriptions longer than this. */
export const MAX_STATUS_DESCRIPTION = 140;

export interface CreateDeploymentOptions {
  /** Branch, tag or commit SHA being deployed. */
  ref: string;
  environment: string;
  /** e.g. `deploy:canary`; lets one environment's deployments be told apart by purpose. */
  task: string;
  payload?: Record<string, unknown>;
  description?: string;
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

function parsePayload(payload: unknown): unknown {
  if (typeof payload !== "string") return payload ?? {};
  try {
    return JSON.parse(payload);
  } catch {
    return {};
  }
}

function toInfo(d: {
  id: number;
  environment: string;
  ref: string;
  sha: string;
  task: string;
  payload: unknown;
  description?: string | null;
  created_at: string;
}): DeploymentInfo {
  return {
    id: d.id,
    environment: d.environment,
    ref: d.ref,
    sha: d.sha,
    task: d.task,
    payload: parsePayload(d.payload),
    description: d.description ?? null,
    createdAt: d.created_at,
  };
}

/**
 * Create a deployment without GitHub's merge and commit-status checks (the gate is the check), so it
 * is created immediately or the call fails.
 */
export async function createDeployment(
  octokit: Octokit,
  target: RepositoryTarget,
  options: CreateDeploymentOptions,
): Promise<DeploymentInfo> {
  const response = await octokit.rest.repos.createDeployment({
    ...target,
    ref: options.ref,
    environment: options.environment,
    task: options.task,
    auto_merge: false,
    required_contexts: [],
    payload: (options.payload ?? {}) as { [key: string]: unknown },
    ...(options.description ? { description: clip(options.description, MAX_STATUS_DESCRIPTION) } : {}),
    ...(options.productionEnvironment !== undefined
      ? { production_environment: options.productionEnvironment }
      : {}),
    ...(options.transientEnvironment !== undefined
      ? { transient_environment: options.transientEnvironment }
      : {}),
  });
  // 202 means GitHub tried to merge the default branch in first; with auto_merge off it should not.
  if (response.status !== 201 || !("id" in response.data)) {
    throw new Error(`GitHub did not create the deployment: ${JSON.stringify(response.data).slice(0, 200)}`);
  }
  return toInfo(response.data);
}

export interface StatusOptions {
  state: DeploymentState;
  /** Cut to 140 characters. */
  description: string;
  logUrl?: string;
  environmentUrl?: string;
  /** Mark earlier successful deployments of the environment inactive (GitHub's default on success). */
  autoInactive?: boolean;
}

export async function setDeploymentStatus(
  octokit: Octokit,
  target: RepositoryTarget,
  deploymentId: number,
  options: StatusOptions,
): Promise<DeploymentStatusInfo> {
  const { data } = await octokit.rest.repos.createDeploymentStatus({
    ...target,
    deployment_id: deploymentId,
    state: options.state,
    description: clip(options.description, MAX_STATUS_DESCRIPTION),
    ...(options.logUrl ? { log_url: options.logUrl } : {}),
    ...(options.environmentUrl ? { environment_url: options.environmentUrl } : {}),
    ...(options.autoInactive !== undefined ? { auto_inactive: options.autoInactive } : {}),
  });
  return {
    id: data.id,
    state: data.state as DeploymentState,
    description: data.description ?? "",
    ...(data.environment ? { environment: data.environment } : {}),
    ...(data.log_url ? { logUrl: data.log_url } : {}),
    createdAt: data.created_at,
  };
}

/** The newest deployment of `task` to `environment`, if any. */
export async function latestDeployment(
  octokit: Octokit,
  target: RepositoryTarget,
  filter: { environment: string; task: string },
): Promise<DeploymentInfo | undefined> {
  const { data } = await octokit.rest.repos.listDeployments({
    ...target,
    environment: filter.environment,
    task: filter.task,
    per_page: 1,
  });
  const newest = data[0];
  return newest ? toInfo(newest) : undefined;
}

/** The newest status of a deployment (GitHub lists them newest first), if it has any. */
export async function latestDeploymentStatus(
  octokit: Octokit,
  target: RepositoryTarget,
  deploymentId: number,
): Promise<DeploymentStatusInfo | undefined> {
  const { data } = await octokit.rest.repos.listDeploymentStatuses({
    ...target,
    deployment_id: deploymentId,
    per_page: 1,
  });
  const s = data[0];
  if (!s) return undefined;
  return {
    id: s.id,
    state: s.state as DeploymentState,
    description: s.description ?? "",
    ...(s.environment ? { environment: s.environment } : {}),
    ...(s.log_url ? { logUrl: s.log_url } : {}),
    createdAt: s.created_at,
  };
}

/** The repository this run belongs to, from GITHUB_REPOSITORY. */
export function repositoryFromEnv(): RepositoryTarget | undefined {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? "").split("/");
  return owner && repo ? { owner, repo } : undefined;
}

/**
 * State the main step leaves for the action's post step (the runner passes it on as `STATE_*`),
 * e.g. that a rollout began and has not yet ended, so a cancelled or crashed job can be cleaned up.
 */
export function saveStepState(name: string, value: string): void {
  runner.saveState(name, value);
}

/** What the main step saved under `name`; empty in the main step and when nothing was saved. */
export function stepState(name: string): string {
  return runner.getState(name);
}
