import { formatRecordLine, parseRecordLine, type RolloutRecord, type StateStore } from "@mlgate/canary";
import {
  createDeployment,
  type DeploymentState,
  latestDeployment,
  latestDeploymentStatus,
  type Octokit,
  type RepositoryTarget,
  setDeploymentStatus,
} from "@mlgate/github";

/** Deployments the canary creates carry this task, so other deployments of the environment are left alone. */
export const CANARY_TASK = "deploy:canary";

/** What the deployment's payload records about the rollout it stands for. */
interface CanaryPayload {
  tool: "mlgate canary";
  candidate: string;
  baseline: string;
  steps: number;
  /** Absent for canary rollouts (and deployments written before strategies existed). */
  strategy?: string;
}

function isCanaryPayload(p: unknown): p is CanaryPayload {
  const x = p as Partial<CanaryPayload> | null;
  return (
    typeof x === "object" &&
    x !== null &&
    x.tool === "mlgate canary" &&
    typeof x.candidate === "string" &&
    typeof x.baseline === "string" &&
    typeof x.steps === "number"
  );
}

function stateOf(phase: RolloutRecord["phase"]): DeploymentState {
  if (phase === "promoted") return "success";
  if (phase === "rolled-back") return "failure";
  // A shadow run or an A/B test that ended as planned: the candidate serves no one.
  if (phase === "concluded") return "inactive";
  return "in_progress";
}

/**
 * The canary's progress as GitHub Deployments: one deployment per rollout (task `deploy:canary`,
 * the versions in its payload), one status per step, promotion or rollback. A re-run, or the post
 * step of a cancelled job, reads the newest one back.
 */
export class GitHubDeploymentStore implements StateStore {
  private current: number | undefined;

  constructor(
    private readonly octokit: Octokit,
    private readonly target: RepositoryTarget,
    private readonly options: { environment: string; ref: string; logUrl?: string },
  ) {}

  describe(): string {
    return `GitHub deployments of ${this.target.owner}/${this.target.repo} to ${this.options.environment}`;
  }

  async latest(): Promise<RolloutRecord | undefined> {
    const deployment = await latestDeployment(this.octokit, this.target, {
      environment: this.options.environment,
      task: CANARY_TASK,
    });
    if (!deployment || !isCanaryPayload(deployment.payload)) return undefined;
    this.current = deployment.id;
    const status = await latestDeploymentStatus(this.octokit, this.target, deployment.id);
    const parsed = status ? parseRecordLine(status.description) : undefined;
    const payload = deployment.payload;
    const strategy = parsed?.strategy ?? payload.strategy;
    return {
      environment: this.options.environment,
      candidate: payload.candidate,
      baseline: payload.baseline,
      // A deployment without a readable status crashed before its first step: nothing moved yet.
      ...(parsed ?? { phase: "starting", step: 0, steps: payload.steps, weight: 0 }),
      ...(strategy && strategy !== "canary"
        ? { strategy: strategy as NonNullable<RolloutRecord["strategy"]> }
        : {}),
    };
  }

  async begin(record: RolloutRecord): Promise<void> {
    const payload: CanaryPayload = {
      tool: "mlgate canary",
      candidate: record.candidate,
      baseline: record.baseline,
      steps: record.steps,
      ...(record.strategy && record.strategy !== "canary" ? { strategy: record.strategy } : {}),
    };
    const deployment = await createDeployment(this.octokit, this.target, {
      ref: this.options.ref,
      environment: this.options.environment,
      task: CANARY_TASK,
      payload: { ...payload },
      description: `${record.strategy && record.strategy !== "canary" ? record.strategy : "canary"} of ${record.candidate} against ${record.baseline}`,
      productionEnvironment: this.options.environment === "production",
    });
    this.current = deployment.id;
    await this.update(record);
  }

  async update(record: RolloutRecord): Promise<void> {
    if (this.current === undefined) return this.begin(record);
    await setDeploymentStatus(this.octokit, this.target, this.current, {
      state: stateOf(record.phase),
      description: formatRecordLine(record),
      ...(this.options.logUrl ? { logUrl: this.options.logUrl } : {}),
      // A rolled-back canary must not mark the environment's live deployment inactive.
      autoInactive: record.phase === "promoted",
    });
  }
}
